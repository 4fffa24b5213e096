// Matrix rows for the programme reference-data and progress routes (issue 4). Written by hand from SPEC §2.
import type { MatrixArea } from './types.ts';

export const PROGRAMME: MatrixArea = { rows: [] };
