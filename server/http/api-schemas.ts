// The shapes of /api/v1, as zod schemas: the route handlers parse requests and type their answers
// with them, server/http/openapi.ts turns them into the OpenAPI document, and the tests check every
// answer against them — one description, never kept twice. Response objects are strict: a key that
// is not described here is a mismatch, not an extra.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ACTION_KINDS } from '../actions/enforcement-actions.ts';
import { ROLES } from '../auth/roles.ts';
import { COMPLIANCE_FLAGS, type RagReason } from '../engine/types.ts';
import type { ErrorCode } from '../errors.ts';

extendZodWithOpenApi(z);

// ── Building blocks ──────────────────────────────────────────────────────────────────────────

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .openapi({ format: 'date', example: '2024-01-31' });
const instant = z.string().openapi({ format: 'date-time', description: 'ISO 8601, UTC.' });
const count = z.number().int().nonnegative();
const userId = z.string().openapi({ description: 'A User ID (EUI-64), e.g. 90-B3-D5-1F-30-01-00-0A.', example: '90-B3-D5-1F-30-01-00-0A' });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const ERROR_CODES = [
  'bad_request',
  'unauthenticated',
  'forbidden',
  'csrf',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'invalid',
  'no_snapshot',
  'too_many_requests',
  'unavailable',
  'database_unavailable',
  'insufficient_storage',
  'storage_unavailable',
  'internal',
] as const satisfies ReadonlyArray<ErrorCode | 'internal'>;
// Fails to compile when errors.ts gains a code this list lacks.
const everyErrorCode: Record<ErrorCode, true> = Object.fromEntries(ERROR_CODES.map((c) => [c, true])) as Record<(typeof ERROR_CODES)[number], true>;
void everyErrorCode;

export const FieldProblem = z
  .object({
    field: z.string().openapi({ description: 'The field, column or query parameter the problem is in.' }),
    message: z.string(),
    line: z.number().int().positive().optional().openapi({
      description: 'The line of a CSV body (the header is line 1), or the position of a record in a JSON array (the first is 1).',
    }),
  })
  .strict()
  .openapi('FieldProblem');

export const ApiError = z
  .object({
    error: z
      .object({
        code: z.enum(ERROR_CODES),
        message: z.string().openapi({ description: 'A sentence saying what went wrong and what to do.' }),
        fields: z.array(FieldProblem),
        requestId: z.string().openapi({ description: 'Quote it when asking for help; the server logs it.' }),
      })
      .strict(),
  })
  .strict()
  .openapi('Error');
export type ApiError = z.infer<typeof ApiError>;

// ── /api/v1/me ───────────────────────────────────────────────────────────────────────────────

const role = z.enum(ROLES);

export const Me = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('token'), name: z.string(), role }).strict(),
    z.object({ kind: z.literal('account'), email: z.string(), role }).strict(),
  ])
  .openapi('Me');
export type Me = z.infer<typeof Me>;

// ── Progress ─────────────────────────────────────────────────────────────────────────────────

export const FuelCounts = z.object({ inScope: count, completed: count, invalid: count, outstanding: count, newMissing: count }).strict().openapi('FuelCounts');

const RAG_REASONS = [
  'complete',
  'deadline missed',
  'cannot finish within allowance',
  'not enough snapshots',
  'no progress',
  'projected after deadline',
  'on track',
] as const satisfies readonly RagReason[];

export const ProgressUser = z
  .object({
    userId,
    name: z.string(),
    esme: FuelCounts,
    gsme: FuelCounts,
    total: FuelCounts,
    completionPct: z.number(),
    baseline: count.nullable(),
    declared: count.nullable(),
    allowance: count.nullable(),
    actualRate: z.number().nullable(),
    requiredRate: z.number().nullable(),
    wdRemaining: z.number().int().nullable(),
    projectedCompletion: isoDate.nullable(),
    rag: z.enum(['RED', 'AMBER', 'GREEN']),
    reason: z.enum(RAG_REASONS),
    flags: z.array(z.enum(COMPLIANCE_FLAGS)),
  })
  .strict()
  .openapi('ProgressUser');

export const Progress = z
  .object({
    asOf: isoDate
      .nullable()
      .openapi({ description: 'The as-of date of the snapshot used; null, with no users, when there is none on or before the date asked.' }),
    snapshotId: z.number().int().nullable(),
    deadline: isoDate.nullable(),
    users: z.array(ProgressUser),
  })
  .strict()
  .openapi('Progress');
export type Progress = z.infer<typeof Progress>;

export const UserProgress = z
  .object({
    asOf: isoDate.openapi({ description: 'The as-of date of the snapshot used.' }),
    snapshotId: z.number().int(),
    deadline: isoDate.nullable(),
    user: ProgressUser,
  })
  .strict()
  .openapi('UserProgress');
export type UserProgress = z.infer<typeof UserProgress>;

export const AsOfQuery = z.object({
  asOf: isoDate.optional().openapi({ description: 'Positions as of this date (Europe/London): from the newest snapshot on or before it. Default: today.' }),
});

export const UserIdParams = z.object({ userId });

// ── Snapshots ────────────────────────────────────────────────────────────────────────────────

export const SnapshotSummary = z
  .object({
    id: z.number().int(),
    asOf: isoDate,
    fileName: z.string(),
    sha256,
    bytes: count,
    gzip: z.boolean(),
    rows: count,
    accepted: count,
    rejected: count,
    supersededBy: z.number().int().nullable(),
    source: z.string(),
    uploadedBy: z.string(),
    importedAt: instant,
  })
  .strict()
  .openapi('SnapshotSummary');

export const SnapshotList = z
  .object({ snapshots: z.array(SnapshotSummary) })
  .strict()
  .openapi('SnapshotList');
export type SnapshotList = z.infer<typeof SnapshotList>;

const UserCounts = z.object({ userId, name: z.string(), registered: z.boolean(), esme: FuelCounts, gsme: FuelCounts, total: FuelCounts }).strict();

// Built from the summary's fields rather than with .extend(): zod-to-openapi writes an extension as
// allOf [summary, more], which with additionalProperties false on both no answer could satisfy.
export const Snapshot = z
  .object({
    ...SnapshotSummary.shape,
    users: z.array(UserCounts),
    total: z.object({ esme: FuelCounts, gsme: FuelCounts, total: FuelCounts }).strict(),
    rejections: z.array(z.object({ line: z.number().int(), reason: z.string() }).strict()),
  })
  .strict()
  .openapi('Snapshot');
export type Snapshot = z.infer<typeof Snapshot>;

export const SnapshotImport = z
  .object({
    importId: z.number().int(),
    snapshotId: z.number().int().nullable(),
    asOf: isoDate.nullable(),
    sha256: sha256.nullable(),
    status: z.enum(['imported', 'duplicate']),
    supersedes: z.number().int().nullable(),
    rows: count,
    accepted: count,
    rejected: count,
    errors: z.array(z.object({ line: z.number().int().nullable(), reason: z.string() }).strict()),
  })
  .strict()
  .openapi('SnapshotImport');
export type SnapshotImport = z.infer<typeof SnapshotImport>;

export const SnapshotUploadQuery = z.object({
  asOf: isoDate.optional().openapi({ description: "The snapshot's as-of date; without it, a date in fileName is used." }),
  fileName: z.string().optional().openapi({ description: 'The name the file is recorded under (default api-upload).' }),
});

export const IdParams = z.object({ id: z.string().openapi({ example: '1' }) });

// ── Reports ──────────────────────────────────────────────────────────────────────────────────

export const ReportSummary = z
  .object({
    id: z.number().int(),
    month: z.string().regex(/^\d{4}-\d{2}$/),
    version: z.number().int(),
    status: z.enum(['draft', 'published', 'superseded']),
    asOf: isoDate,
    snapshotId: z.number().int(),
    snapshotSha256: sha256,
    sha256,
    pages: count,
    generatedAt: z.string(),
    generatedBy: z.string(),
    publishedAt: z.string().nullable(),
    stale: z.boolean(),
    supersedes: z.object({ version: z.number().int(), reason: z.string() }).strict().nullable(),
    pdf: z.string().openapi({ description: 'Where to download the PDF.' }),
  })
  .strict()
  .openapi('ReportSummary');
export type ReportSummary = z.infer<typeof ReportSummary>;

export const ReportList = z
  .object({ reports: z.array(ReportSummary) })
  .strict()
  .openapi('ReportList');
export type ReportList = z.infer<typeof ReportList>;

// Not a named component: zod-to-openapi drops `null` from a nullable reference, and changes may be null.
const ReportChanges = z
  .object({
    since: isoDate.nullable(),
    rag: z.array(z.object({ userId, name: z.string(), from: z.string().nullable(), to: z.string() }).strict()),
    deadline: z.array(z.object({ from: isoDate.nullable(), to: isoDate, decidedOn: isoDate, reason: z.string() }).strict()),
    flagsRaised: z.array(z.object({ userId, flag: z.string() }).strict()),
    flagsCleared: z.array(z.object({ userId, flag: z.string() }).strict()),
    completed: z.array(userId),
  })
  .strict();

export const Report = z
  .object({
    ...ReportSummary.shape,
    summary: z.string().nullable().openapi({ description: "SECAS's executive summary." }),
    decisions: z.string().nullable(),
    changes: ReportChanges.nullable(),
    // Kept with the report as it was printed; older versions may carry more keys.
    figures: z
      .object({
        asOf: isoDate,
        deadline: isoDate.nullable(),
        programme: z.object({}).passthrough(),
        users: z.array(z.object({}).passthrough()),
      })
      .passthrough()
      .nullable()
      .openapi({ description: 'The figures the report printed, as stored with it.' }),
  })
  .strict()
  .openapi('Report');
export type Report = z.infer<typeof Report>;

// ── Enforcement actions ──────────────────────────────────────────────────────────────────────

export const Action = z
  .object({
    id: z.number().int(),
    userId,
    userName: z.string(),
    kind: z.enum(ACTION_KINDS),
    takenOn: isoDate,
    dueOn: isoDate.nullable(),
    text: z.string(),
    recordedBy: z.string(),
    recordedAt: instant,
    overdue: z.boolean(),
  })
  .strict()
  .openapi('Action');
export type Action = z.infer<typeof Action>;

export const ActionList = z
  .object({ actions: z.array(Action) })
  .strict()
  .openapi('ActionList');
export type ActionList = z.infer<typeof ActionList>;

export const ActionsQuery = z.object({ user: z.string().optional().openapi({ description: "Only this User's actions (its User ID)." }) });

/** What a system sends; the values are checked by the same rules as the page's form. */
export const NewAction = z
  .object({
    userId: z.string(),
    kind: z.string().openapi({ description: `One of ${ACTION_KINDS.join(', ')} (or its label).` }),
    takenOn: z.string().openapi({ format: 'date' }),
    dueOn: z.string().nullable().optional().openapi({ format: 'date' }),
    text: z.string(),
  })
  .strict()
  .openapi('NewAction');

// ── Declarations and allowances ──────────────────────────────────────────────────────────────

export const ImportSummary = z
  .object({
    rows: count.openapi({ description: 'Records sent.' }),
    added: count,
    changed: count,
    unchanged: count,
  })
  .strict()
  .openapi('ImportSummary');
export type ImportSummary = z.infer<typeof ImportSummary>;

export const Declaration = z
  .object({
    userId,
    count,
    receivedOn: isoDate,
    inForce: z.boolean().openapi({ description: 'False for an earlier declaration a later one replaced (kept for positions as of earlier dates).' }),
    recordedBy: z.string(),
    recordedAt: instant,
  })
  .strict()
  .openapi('Declaration');

export const DeclarationList = z
  .object({ declarations: z.array(Declaration) })
  .strict()
  .openapi('DeclarationList');
export type DeclarationList = z.infer<typeof DeclarationList>;

/** One record of POST /api/v1/declarations: the CSV import's columns, in camelCase. Values are checked by the import's rules. */
export const NewDeclaration = z
  .object({
    userId: z.string().openapi({ example: '90-B3-D5-1F-30-01-00-0A' }),
    count: z.number().openapi({ description: 'MAP IDs the User notified: a whole number, 0 to 1,000,000,000.', example: 1200 }),
    receivedOn: z.string().openapi({ format: 'date', description: 'When the DCC received the declaration.', example: '2024-01-15' }),
  })
  .strict()
  .openapi('NewDeclaration');
export const NewDeclarations = z.array(NewDeclaration);

export const Allowance = z
  .object({ userId, perDay: count, effectiveFrom: isoDate, confirmedOn: isoDate, recordedBy: z.string(), recordedAt: instant })
  .strict()
  .openapi('Allowance');

export const AllowanceList = z
  .object({ allowances: z.array(Allowance) })
  .strict()
  .openapi('AllowanceList');
export type AllowanceList = z.infer<typeof AllowanceList>;

export const NewAllowance = z
  .object({
    userId: z.string().openapi({ example: '90-B3-D5-1F-30-01-00-0A' }),
    perDay: z.number().openapi({ description: 'Update Inventory SRs allowed per Working Day: a whole number, 0 to 1,000,000,000.', example: 40 }),
    effectiveFrom: z.string().openapi({ format: 'date', example: '2024-02-01' }),
    confirmedOn: z.string().openapi({ format: 'date', description: 'When the DCC confirmed it to the User.', example: '2024-01-25' }),
  })
  .strict()
  .openapi('NewAllowance');
export const NewAllowances = z.array(NewAllowance);

export const ImportQuery = z.object({
  fileName: z
    .string()
    .optional()
    .openapi({ description: 'The name the import is recorded under in the audit log (default api-request.json or api-request.csv).' }),
});
