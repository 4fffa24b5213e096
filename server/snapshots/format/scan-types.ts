// What flows into and out of the snapshot scanner (scanner.ts): its options, what it finds (counts,
// rejected rows, a whole-file refusal) and the hand-over between the scanners of two parts of a file.
import type { FileType } from './file-type.ts';
import type { DuplicateLogState } from './duplicate-finder.ts';
import type { CountsTableState, UserCounts } from './user-counts.ts';

export interface ScannerOptions {
  /** SPEC §3.3 implementation date, `YYYY-MM-DD`. */
  implementationDate: string;
  /** Known MAP IDs (§3.3); when given, a MAP ID is valid only if listed. Entries are trimmed and upper-cased. */
  mapRegister?: ReadonlySet<string> | undefined;
  /**
   * The most distinct Users (responsible_user_id) the file may name on rows that pass the field
   * rules. The row naming one more refuses the file, naming its line, and scanning stops with the
   * chunk it is in: a file naming 100 000 Users is not read to its end. A User is counted from its
   * first such row, before duplicates are settled at the end (a User whose every row repeats an
   * earlier device_id still counts). Default: no limit.
   */
  maxUsers?: number | undefined;
  /**
   * Look at the first SNIFF_BYTES to tell what kind of file this is, refusing what is not CSV
   * text (file-type.ts). Default true; false for a scanner fed the header and then a later part of
   * a file (split-scan.ts), whose start another scanner looks at.
   */
  sniffFileType?: boolean | undefined;
  /** Rejected rows kept with their reasons (all are counted). Default 10 000. */
  maxRejectedKept?: number | undefined;
  /**
   * When given, every rejected row goes here instead of being kept (maxRejectedKept is then
   * ignored): so a caller that must keep them all can keep them outside the heap. Rows rejected
   * for a field come in file order as they are scanned; duplicates come from end(), in no order.
   */
  onRejection?: ((line: number, reason: string) => void) | undefined;
  /**
   * Reports the rows one User has outstanding (in scope, pre-notified before the implementation
   * date, MAP ID not valid) as they are scanned, for tracing a count back to devices. A row here
   * may still turn out to repeat an earlier device_id (known only at the end): the caller drops
   * the lines the snapshot rejected.
   */
  outstandingOf?: { userId: string; onDevice: (device: OutstandingDevice) => void } | undefined;
}

/** One device counted in a User's `outstanding` (SPEC §3.2), as the file spells it. */
export interface OutstandingDevice {
  line: number;
  /** Normalised. */
  deviceId: string;
  fuel: 'ESME' | 'GSME';
  /** As in the file, surrounding spaces removed. */
  deviceStatus: string;
  /** As in the file, surrounding spaces removed; empty when not populated. */
  mapId: string;
  prenotifiedDate: string;
}

export interface Rejection {
  /** Physical line the row starts on, 1-based, the header being line 1. */
  line: number;
  reason: string;
}

export interface ScanFatal {
  /** The line the problem is on; null for the file as a whole (what kind of file it is). */
  line: number | null;
  /** A sentence naming the line and the problem. */
  message: string;
  /** When the file is refused for what it is: the parts of the sentence, to say it of a gzip file's text. */
  fileType?: FileType | undefined;
}

export interface ScanResult {
  /** Data rows (not the header, not blank lines). */
  rows: number;
  accepted: number;
  rejected: number;
  /** The first maxRejectedKept rejected rows, in file order (none when onRejection is given). */
  rejections: Rejection[];
  /** Per normalised User ID, for every User on an accepted row, in ID order. */
  counts: Record<string, UserCounts>;
  /** Why the whole file is refused; when set, nothing else here may be stored. */
  fatal: ScanFatal | null;
  /** Bytes pushed, including a BOM. */
  bytes: number;
  /** Distinct valid device IDs seen (on accepted rows or rows rejected for another field). */
  devices: number;
}

/**
 * What a scanner of a later part of a file (fed the header, then that part) found, for the scanner
 * of the part before it to take in: see "Splitting across two threads" in scanner.ts.
 */
export interface ScanPart {
  rows: number;
  rejected: number;
  /** The part's own line numbers: where its first data row starts, and the line after its last byte. */
  firstLine: number;
  endLine: number;
  /** Bytes after the header (pushed on its own). */
  bytes: number;
  fatal: ScanFatal | null;
  users: CountsTableState;
  devices: DuplicateLogState;
}

export interface Scanner {
  /**
   * Scans the next bytes. Keeps no reference to chunk, so the caller may reuse it. Returns false
   * once the file is refused (further pushes are ignored), so the caller can stop reading.
   */
  push(chunk: Uint8Array): boolean;
  /** Finishes the file (a last row without a line end counts) and returns the result. */
  end(): ScanResult;
  /** Bytes pushed so far. */
  readonly bytes: number;
  /** Data rows so far. */
  readonly rows: number;
  /** The physical line the next byte is on (1-based). */
  readonly line: number;
  readonly fatal: ScanFatal | null;
  /** The header is read and the bytes so far end exactly where a row starts (not inside quotes). */
  readonly atRowStart: boolean;
  /**
   * For a scanner fed the header and then a later part of the file: finishes that part (a last
   * row without a line end counts) and hands it over, instead of end(). Duplicates are not looked
   * for here; the scanner that absorbs the part finds them across the whole file.
   */
  endPart(): ScanPart;
  /**
   * Takes in a part that starts exactly where this scanner's bytes end (atRowStart must hold, and
   * the part must have no fatal problem): its rows, counts and duplicate log, lines renumbered.
   * Rejected rows the part handed to its onRejection are the caller's to renumber
   * (by this.line − part.firstLine, read before absorbing). Returns false, taking in nothing,
   * when the two together name more Users than maxUsers: the caller then scans the part itself,
   * so that the refusal names the line where the file passes the limit, as one scanner would.
   */
  absorb(part: ScanPart): boolean;
}
