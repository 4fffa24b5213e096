// The OpenAPI 3.1 description of /api/v1 (SPEC §6.2), built from the zod schemas the routes use
// (api-schemas.ts). Each operation is listed once, under the path Express registers it with, so
// the document, the /api/docs page and the tests' check of every answer read the same table.
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { AnyZodObject, ZodTypeAny } from 'zod';
import type { Method } from '../auth/access.ts';
import {
  ActionList,
  ActionsQuery,
  Action,
  AllowanceList,
  ApiError,
  AsOfQuery,
  DeclarationList,
  IdParams,
  ImportQuery,
  ImportSummary,
  Me,
  NewAction,
  NewAllowances,
  NewDeclarations,
  Progress,
  Report,
  ReportList,
  Snapshot,
  SnapshotImport,
  SnapshotList,
  SnapshotUploadQuery,
  UserIdParams,
  UserProgress,
} from './api-schemas.ts';

type Body = { contentType: 'application/json'; schema: ZodTypeAny } | { contentType: string; binary: true };

export interface ApiResponse {
  description: string;
  /** Absent for a response without a body. */
  body?: Body;
}

export interface ApiOperation {
  method: Method;
  /** As Express registers it: /api/v1/snapshots/:id */
  route: string;
  summary: string;
  description?: string;
  /** Who may call it; absent: anyone, without a token. */
  roles?: readonly string[];
  query?: AnyZodObject;
  params?: AnyZodObject;
  requestBody?: { description: string; content: Body[] };
  /** By status; every operation also answers errors (4xx, 5xx) with the Error body. */
  responses: Record<number, ApiResponse>;
}

const json = (schema: ZodTypeAny, description: string): ApiResponse => ({ description, body: { contentType: 'application/json', schema } });
const error = (description: string): ApiResponse => json(ApiError, description);

const ALL_ROLES = ['secas', 'panel', 'dcc'] as const;
const RECORDERS = ['secas', 'dcc'] as const;

const UNAUTHENTICATED = error('No bearer token, or one that is unknown, expired or revoked (WWW-Authenticate: Bearer).');
const FORBIDDEN = error("The token's role may not do this.");

const csvOrJson = (what: string, records: ZodTypeAny): ApiOperation['requestBody'] => ({
  description:
    `Either a JSON array of ${what} (the CSV import's columns in camelCase), or the same CSV file as the page's import ` +
    '(Content-Type text/csv). All or nothing: one problem anywhere and nothing is stored.',
  content: [
    { contentType: 'application/json', schema: records },
    { contentType: 'text/csv', binary: true },
  ],
});

const importResponses = (what: string): Record<number, ApiResponse> => ({
  200: json(ImportSummary, `Recorded; none of the ${what} was new (each changed or unchanged).`),
  201: json(ImportSummary, `Recorded; at least one of the ${what} was added.`),
  400: error('The body could not be read as JSON.'),
  401: UNAUTHENTICATED,
  403: FORBIDDEN,
  413: error('The body is larger than 10 MB.'),
  415: error('The body is neither JSON nor CSV.'),
  422: error('Nothing was stored: every problem is listed in fields, each with its field and line (CSV) or record (JSON, counting from 1).'),
});

export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'get',
    route: '/api/v1/me',
    summary: 'Who the token is',
    description: 'Checks a bearer token and the role it carries, without side effects.',
    roles: ALL_ROLES,
    responses: { 200: json(Me, 'The token (or account) and its role.'), 401: UNAUTHENTICATED },
  },
  {
    method: 'get',
    route: '/api/v1/progress',
    summary: "Every User's position",
    description: 'The same object as `backfill progress --json`: every User as of a date, from the newest snapshot on or before it.',
    roles: ALL_ROLES,
    query: AsOfQuery,
    responses: { 200: json(Progress, 'Positions.'), 401: UNAUTHENTICATED, 422: error('asOf is not a real date written YYYY-MM-DD.') },
  },
  {
    method: 'get',
    route: '/api/v1/progress/:userId',
    summary: "One User's position",
    description: "The User's entry of GET /api/v1/progress for the same date, with the snapshot it is from.",
    roles: ALL_ROLES,
    params: UserIdParams,
    query: AsOfQuery,
    responses: {
      200: json(UserProgress, "The User's position."),
      401: UNAUTHENTICATED,
      404: error('Not a User, or no position for it: no snapshot on or before the date, or the User is in none.'),
      422: error('asOf is not a real date written YYYY-MM-DD.'),
    },
  },
  {
    method: 'post',
    route: '/api/v1/snapshots',
    summary: 'Upload a snapshot',
    description: 'The file itself is the body, streamed through the same import as every other way in.',
    roles: RECORDERS,
    query: SnapshotUploadQuery,
    requestBody: {
      description: 'The inventory snapshot: CSV, or CSV compressed with gzip.',
      content: [
        { contentType: 'text/csv', binary: true },
        { contentType: 'application/gzip', binary: true },
        { contentType: 'application/octet-stream', binary: true },
      ],
    },
    responses: {
      200: json(SnapshotImport, 'The same file was already imported; nothing new was stored.'),
      201: json(SnapshotImport, 'Imported.'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
      413: error('Larger than UPLOAD_MAX_BYTES.'),
      415: error('A form upload: send the file itself as the body.'),
      422: error('Refused, and nothing of it stored: the reasons, with their lines, are in fields.'),
    },
  },
  {
    method: 'get',
    route: '/api/v1/snapshots',
    summary: 'List snapshots',
    roles: RECORDERS,
    responses: { 200: json(SnapshotList, 'Every snapshot, superseded ones included.'), 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  {
    method: 'get',
    route: '/api/v1/snapshots/:id',
    summary: 'One snapshot',
    description: 'Its summary, counts per User and fuel, and its rejected rows.',
    roles: RECORDERS,
    params: IdParams,
    responses: { 200: json(Snapshot, 'The snapshot.'), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: error('No such snapshot.') },
  },
  {
    method: 'get',
    route: '/api/v1/reports',
    summary: 'List reports',
    description: 'Every version of every monthly report the role may see: the Panel sees published ones only.',
    roles: ['secas', 'panel'],
    responses: { 200: json(ReportList, 'The reports.'), 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  {
    method: 'get',
    route: '/api/v1/reports/:id.pdf',
    summary: "A report's PDF",
    roles: ['secas', 'panel'],
    params: IdParams,
    responses: {
      200: { description: 'The PDF, as stored when it was generated.', body: { contentType: 'application/pdf', binary: true } },
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
      404: error('No such report, or not one the role may see.'),
    },
  },
  {
    method: 'get',
    route: '/api/v1/reports/:id',
    summary: 'One report version',
    description: "What it told the Panel: its figures, the changes it printed and SECAS's words.",
    roles: ['secas', 'panel'],
    params: IdParams,
    responses: { 200: json(Report, 'The report version.'), 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: error('No such report, or not one the role may see.') },
  },
  {
    method: 'get',
    route: '/api/v1/actions',
    summary: 'The enforcement trail',
    roles: ALL_ROLES,
    query: ActionsQuery,
    responses: {
      200: json(ActionList, 'Actions by date taken, each marked overdue as of today.'),
      401: UNAUTHENTICATED,
      404: error('The User is not in the register.'),
      422: error('user is not a User ID.'),
    },
  },
  {
    method: 'post',
    route: '/api/v1/actions',
    summary: 'Record an enforcement action',
    roles: ['secas'],
    requestBody: { description: 'The action.', content: [{ contentType: 'application/json', schema: NewAction }] },
    responses: {
      201: json(Action, 'Recorded.'),
      400: error('Not a JSON body.'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
      422: error('Not recorded: the problems, by field.'),
    },
  },
  {
    method: 'get',
    route: '/api/v1/declarations',
    summary: 'List declarations',
    description: 'Every declaration kept, those in force and those a later one replaced, by User then date received.',
    roles: RECORDERS,
    responses: { 200: json(DeclarationList, 'The declarations.'), 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  {
    method: 'post',
    route: '/api/v1/declarations',
    summary: 'Record declarations',
    description:
      'The same import as the Declarations page: a later declaration for a User replaces the one in force (which is kept for earlier ' +
      'dates), the same User and date corrects it. Every change is audited, and the import as a whole.',
    roles: RECORDERS,
    query: ImportQuery,
    requestBody: csvOrJson('declarations', NewDeclarations),
    responses: importResponses('declarations'),
  },
  {
    method: 'get',
    route: '/api/v1/allowances',
    summary: 'List allowances',
    roles: RECORDERS,
    responses: { 200: json(AllowanceList, 'The allowances, by User and effective date.'), 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  {
    method: 'post',
    route: '/api/v1/allowances',
    summary: 'Record allowances',
    description:
      'The same import as the Allowances page: one allowance per User and effective date, so sending one again corrects it. Every ' +
      'change is audited, and the import as a whole.',
    roles: RECORDERS,
    query: ImportQuery,
    requestBody: csvOrJson('allowances', NewAllowances),
    responses: importResponses('allowances'),
  },
  {
    method: 'get',
    route: '/api/v1/openapi.json',
    summary: 'This description',
    description: 'The OpenAPI 3.1 document. Public: it describes the API and discloses no data.',
    responses: { 200: { description: 'The document.', body: { contentType: 'application/json', binary: true } } },
  },
];

/** /api/v1/snapshots/:id → /api/v1/snapshots/{id} */
export function openApiPath(route: string): string {
  return route.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function contentOf(body: Body): NonNullable<ResponseConfig['content']> {
  return { [body.contentType]: { schema: 'schema' in body ? body.schema : { type: 'string', contentMediaType: body.contentType } } };
}

function buildDocument(): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (bfm_…), made by SECAS on Settings → API tokens or with `backfill token add`; it carries one role.',
  });
  for (const op of API_OPERATIONS) {
    const responses: RouteConfig['responses'] = {};
    for (const [status, response] of Object.entries(op.responses)) {
      responses[status] = { description: response.description, ...(response.body ? { content: contentOf(response.body) } : {}) };
    }
    responses.default = {
      description: 'Any other failure (e.g. 429, 503 with Retry-After, 500), with what to do.',
      content: contentOf({ contentType: 'application/json', schema: ApiError }),
    };
    const request: RouteConfig['request'] = {};
    if (op.params) request.params = op.params;
    if (op.query) request.query = op.query;
    if (op.requestBody) {
      request.body = {
        description: op.requestBody.description,
        required: true,
        content: Object.fromEntries(op.requestBody.content.flatMap((body) => Object.entries(contentOf(body)))),
      };
    }
    registry.registerPath({
      method: op.method,
      path: openApiPath(op.route),
      operationId: `${op.method}${openApiPath(op.route)
        .replace(/^\/api\/v1/, '')
        .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(op.roles ? { security: [{ [bearer.name]: [] }], 'x-roles': op.roles } : { security: [] }),
      request,
      responses,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'backfill-monitor API',
      version: '1',
      description:
        'The SECMP0011 MAP ID backfill monitor for systems: snapshots, positions, reports, enforcement actions, ' +
        'declarations and allowances. Every call but this document needs a bearer token; `x-roles` lists the roles allowed. ' +
        'Errors are JSON: `{ "error": { code, message, fields, requestId } }`.',
    },
    servers: [{ url: '/' }],
  }) as unknown as Record<string, unknown>;
}

let document: Record<string, unknown> | undefined;

/** The document, built once per process. */
export function openApiDocument(): Record<string, unknown> {
  document ??= buildDocument();
  return document;
}

export function findOperation(method: string, route: string): ApiOperation | undefined {
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  return API_OPERATIONS.find((op) => op.method === m && op.route === route);
}

/**
 * What is wrong with an answer, by the description: [] when it matches. `route` is the Express
 * route that answered (undefined when none matched: a 404 of the router, which is an Error body).
 */
export function responseProblems(method: string, route: string | undefined, status: number, body: { json: unknown } | { contentType: string }): string[] {
  const op = route === undefined ? undefined : findOperation(method, route);
  const where = `${method.toUpperCase()} ${route ?? '(no route)'} → ${status}`;
  if (route !== undefined && !op) return [`${where}: the route is not in the OpenAPI description`];
  const documented = op?.responses[status];
  const expected: Body | undefined = documented ? documented.body : status >= 400 ? { contentType: 'application/json', schema: ApiError } : undefined;
  if (!documented && status < 400) return [`${where}: the status is not in the OpenAPI description`];
  if (!expected) return 'json' in body ? [`${where}: a body was sent where none is described`] : [];
  if (!('schema' in expected)) {
    const sent = 'json' in body ? 'application/json' : body.contentType.split(';')[0]!.trim();
    return sent === expected.contentType ? [] : [`${where}: sent ${sent}, described as ${expected.contentType}`];
  }
  if (!('json' in body)) return [`${where}: sent ${body.contentType}, described as JSON`];
  const parsed = expected.schema.safeParse(body.json);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${where}: ${issue.path.join('.') || '(body)'}: ${issue.message}`);
}
