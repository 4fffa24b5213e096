// Matrix rows for the snapshot routes (issue 3). Written by hand from SPEC §2.
import type { MatrixArea } from './types.ts';

export const SNAPSHOTS: MatrixArea = { rows: [] };
