// The MAP register of the demo programme: the Meter Asset Providers SECAS records, and the MAP IDs
// some devices carry that are not valid.

export interface MapEntry {
  mapId: string;
  name: string;
}

export const MAP_REGISTER: readonly MapEntry[] = [
  { mapId: 'AMPL', name: 'Avon Meter Partners' },
  { mapId: 'BRMA', name: 'Broadleaf Meter Assets' },
  { mapId: 'CMAP', name: 'Caldera Metering' },
  { mapId: 'DMAX', name: 'Dunmore Asset Finance' },
  { mapId: 'EMAP', name: 'Elmstead Meter Assets' },
  { mapId: 'FMAL', name: 'Fairhaven Meters' },
  { mapId: 'GRID', name: 'Gridline Asset Management' },
  { mapId: 'HMAP', name: 'Holloway Meter Funding' },
];

/** Not valid: the first two are well-formed but not in the register, the others are malformed. */
export const INVALID_MAP_IDS = ['HMA9', 'ZZZZ', 'EM-1', 'CMAP01'];
