// Who the demo programme's Users are and what happens to each: written out by hand, so that the
// mix a newcomer sees (who finishes, who stalls, who broke which rule) is chosen, not left to chance.
// Sizes come from the rank (a few large suppliers, many small ones); everything else is here.

/** How a User's backfill goes over the 18 months. */
export type Pace =
  /** Reaches 100 % at some snapshot: GREEN "complete". */
  | 'finishes'
  /** Fast enough to finish before the (moved) deadline: GREEN "on track". */
  | 'on-track'
  /** Steady but too slow: AMBER "projected after deadline". */
  | 'slow'
  /** Progress stops months before the end: RED "no progress". */
  | 'stalls'
  /** Slow, with an allowance too small for what is left: RED "cannot finish within allowance". */
  | 'short-allowance';

/** What else happens to a User, each meant to raise one compliance flag (SPEC §4.4) or show one feature. */
export type Trait =
  /** Declares after the notification window: NOTIFICATION_LATE. */
  | 'late-declaration'
  /** Never declares (so never gets an allowance): NOTIFICATION_MISSING. */
  | 'no-declaration'
  /** Declares a count more than 5 % off its baseline: DECLARATION_MISMATCH. */
  | 'mismatched-declaration'
  /** Declares a wrong count on time, then corrects it: the declaration history, no flag at the end. */
  | 'corrected-declaration'
  /** The DCC confirms its allowance after the confirmation window: CONFIRMATION_LATE. */
  | 'late-confirmation'
  /** Sends far more than its allowance in one fortnight: ALLOWANCE_EXCEEDED. */
  | 'bursts'
  /** Gets a larger allowance part-way through: a second allowance replacing the first from its date. */
  | 'raised-allowance'
  /** Some meters carry MAP IDs that are malformed or not in the MAP register: INVALID_MAP_IDS. */
  | 'invalid-map-ids'
  /** Some meters pre-notified since the implementation date have no MAP ID: NEW_WITHOUT_MAP_ID. */
  | 'new-without-map-id';

export interface CastMember {
  /** Null for the User that is in the snapshots but not in the Users register (UNREGISTERED_USER). */
  name: string | null;
  shortName: string | null;
  pace: Pace;
  traits: readonly Trait[];
}

/** Largest first: the rank sets the size. Names are made up; any likeness to a real supplier is chance. */
export const CAST: readonly CastMember[] = [
  { name: 'Albion Power & Gas', shortName: 'Albion', pace: 'on-track', traits: ['raised-allowance'] },
  { name: 'Northgate Energy', shortName: 'Northgate', pace: 'on-track', traits: ['corrected-declaration'] },
  { name: 'Meridian Home Energy', shortName: 'Meridian', pace: 'slow', traits: [] },
  { name: 'Severn Vale Supply', shortName: 'Severn Vale', pace: 'finishes', traits: [] },
  { name: 'Kestrel Energy', shortName: 'Kestrel', pace: 'short-allowance', traits: [] },
  { name: 'Pennine Power', shortName: 'Pennine', pace: 'on-track', traits: ['invalid-map-ids'] },
  { name: 'Harbour Lights Energy', shortName: 'Harbour Lights', pace: 'finishes', traits: [] },
  { name: 'Oakridge Utilities', shortName: 'Oakridge', pace: 'stalls', traits: ['late-declaration'] },
  { name: 'Brightwater Energy', shortName: 'Brightwater', pace: 'on-track', traits: [] },
  { name: 'Lantern Gas & Electric', shortName: 'Lantern', pace: 'finishes', traits: ['bursts'] },
  { name: 'Thistle Home Power', shortName: 'Thistle', pace: 'slow', traits: ['mismatched-declaration'] },
  { name: 'Cobalt Energy Supply', shortName: 'Cobalt', pace: 'on-track', traits: [] },
  { name: 'Riverbank Energy', shortName: 'Riverbank', pace: 'finishes', traits: ['late-confirmation'] },
  { name: 'Fenland Power', shortName: 'Fenland', pace: 'stalls', traits: ['invalid-map-ids'] },
  { name: 'Clearsky Energy', shortName: 'Clearsky', pace: 'on-track', traits: ['new-without-map-id'] },
  { name: 'Westcountry Gas', shortName: 'Westcountry', pace: 'finishes', traits: [] },
  { name: 'Beacon Energy Services', shortName: 'Beacon', pace: 'slow', traits: ['no-declaration'] },
  { name: 'Ironbridge Power', shortName: 'Ironbridge', pace: 'on-track', traits: ['late-declaration'] },
  { name: 'Heathland Energy', shortName: 'Heathland', pace: 'finishes', traits: [] },
  { name: 'Marlow & Finch Energy', shortName: 'Marlow & Finch', pace: 'short-allowance', traits: [] },
  { name: 'Solent Supply Co', shortName: 'Solent', pace: 'on-track', traits: [] },
  { name: 'Greystone Energy', shortName: 'Greystone', pace: 'finishes', traits: ['new-without-map-id'] },
  { name: 'Willowbrook Power', shortName: 'Willowbrook', pace: 'slow', traits: ['late-declaration'] },
  { name: 'Orchard Energy', shortName: 'Orchard', pace: 'on-track', traits: [] },
  { name: 'Copperleaf Utilities', shortName: 'Copperleaf', pace: 'finishes', traits: [] },
  { name: 'Tidewater Energy', shortName: 'Tidewater', pace: 'stalls', traits: [] },
  { name: 'Bramble Power', shortName: 'Bramble', pace: 'on-track', traits: ['invalid-map-ids'] },
  { name: 'Copse & Coppice Energy', shortName: 'Copse & Coppice', pace: 'finishes', traits: [] },
  { name: 'Highfield Gas & Power', shortName: 'Highfield', pace: 'slow', traits: [] },
  { name: 'Quayside Energy', shortName: 'Quayside', pace: 'on-track', traits: [] },
  { name: 'Moorland Electric', shortName: 'Moorland', pace: 'finishes', traits: ['late-declaration'] },
  { name: 'Silverline Energy', shortName: 'Silverline', pace: 'on-track', traits: [] },
  { name: 'Ashdown Power', shortName: 'Ashdown', pace: 'finishes', traits: [] },
  { name: 'Juniper Energy', shortName: 'Juniper', pace: 'short-allowance', traits: [] },
  { name: 'Foxglove Energy', shortName: 'Foxglove', pace: 'on-track', traits: ['new-without-map-id'] },
  { name: 'Kingfisher Supply', shortName: 'Kingfisher', pace: 'finishes', traits: [] },
  { name: 'Redwood Home Energy', shortName: 'Redwood', pace: 'stalls', traits: [] },
  { name: 'Çelik Enerji UK', shortName: 'Çelik', pace: 'slow', traits: [] },
  { name: 'Stonebridge Energy', shortName: 'Stonebridge', pace: 'on-track', traits: [] },
  // A small supplier SECAS has not yet named: it is in every snapshot, so the ingest adds it to the
  // register as unregistered (UNREGISTERED_USER); it never declared either.
  { name: null, shortName: null, pace: 'slow', traits: ['no-declaration', 'new-without-map-id'] },
];
