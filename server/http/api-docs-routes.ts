// The API's description, public (it discloses no data): GET /api/v1/openapi.json, the OpenAPI 3.1
// document, and GET /api/docs, the same document as a page — each operation with its parameters,
// body and answers, then the shapes they name. Server-rendered, no script: the CSP allows none from
// elsewhere and the page needs none.
import { PUBLIC, type Routes } from '../auth/access.ts';
import { API_OPERATIONS, openApiDocument, openApiPath, type ApiOperation } from './openapi.ts';
import type { RouteContext } from './route-context.ts';

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  contentMediaType?: string;
  pattern?: string;
  minimum?: number;
};

interface TypeText {
  text: string;
  /** The schema it names, linked to its section. */
  ref?: string;
}

/** A schema in a few words: "string (date) or null", "array of ProgressUser", "one of RED, AMBER, GREEN". */
function describe(schema: JsonSchema | undefined): TypeText {
  if (!schema) return { text: 'any' };
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return { text: name, ref: name };
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const parts = alternatives.map(describe);
    return { text: parts.map((p) => p.text).join(' or '), ref: parts.find((p) => p.ref)?.ref };
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const nullable = types.includes('null');
  const main = types.filter((t) => t !== 'null');
  let text: string;
  let ref: string | undefined;
  if (schema.enum)
    text = `one of ${schema.enum
      .filter((v) => v !== null)
      .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
      .join(', ')}`;
  else if (main[0] === 'array') {
    const item = describe(schema.items);
    text = `array of ${item.text}`;
    ref = item.ref;
  } else if (main[0] === 'object') text = schema.properties && Object.keys(schema.properties).length ? 'object (below)' : 'object';
  else text = (main.join(' or ') || 'any') + (schema.format ? ` (${schema.format})` : '') + (schema.contentMediaType ? ` (${schema.contentMediaType})` : '');
  if (schema.allOf) text = 'object (below)';
  if (schema.minimum === 0) text += ' (0 or more)';
  return { text: nullable ? `${text} or null` : text, ref };
}

interface FieldRow {
  name: string;
  type: TypeText;
  required: boolean;
  description?: string;
}

/** An object's fields, nested objects flattened with dotted names, so the page never needs a script to expand them. */
function fieldsOf(schema: JsonSchema, schemas: Record<string, JsonSchema>, prefix = ''): FieldRow[] {
  // An extended shape (Snapshot, Report) is its base's fields then its own.
  if (schema.allOf)
    return schema.allOf.flatMap((part) => fieldsOf(part.$ref ? (schemas[part.$ref.replace('#/components/schemas/', '')] ?? {}) : part, schemas, prefix));
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants && variants.every((v) => v.properties)) return variants.flatMap((v) => fieldsOf(v, schemas, prefix));
  const rows: FieldRow[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const full = prefix + name;
    rows.push({ name: full, type: describe(field), required: schema.required?.includes(name) ?? false, description: field.description });
    const inner = field.type === 'array' ? field.items : field;
    if (inner && !inner.$ref && inner.properties && Object.keys(inner.properties).length)
      rows.push(...fieldsOf(inner, schemas, `${full}${field.type === 'array' ? '[]' : ''}.`));
  }
  return rows;
}

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }>;
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
        responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
      }
    >
  >;
  components: { schemas: Record<string, JsonSchema> };
};

function contentRows(content: Record<string, { schema: JsonSchema }> | undefined) {
  return Object.entries(content ?? {}).map(([type, { schema }]) => ({ type, schema: describe(schema) }));
}

/** What the page shows, read from the document itself (so it shows what the document says). */
export function apiDocsModel() {
  const doc = openApiDocument() as unknown as Doc;
  const operations = API_OPERATIONS.map((op: ApiOperation) => {
    const path = openApiPath(op.route);
    const described = doc.paths[path]![op.method]!;
    return {
      id: `${op.method}-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`,
      method: op.method.toUpperCase(),
      path,
      summary: op.summary,
      description: op.description,
      roles: op.roles ? op.roles.join(', ') : null,
      parameters: (described.parameters ?? []).map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required ?? false,
        type: describe(p.schema),
        description: p.schema?.description,
      })),
      requestBody: op.requestBody ? { description: op.requestBody.description, content: contentRows(described.requestBody?.content) } : null,
      responses: Object.entries(described.responses).map(([status, response]) => ({
        status,
        description: op.responses[Number(status)]?.description ?? 'Any other failure, with what to do.',
        content: contentRows(response.content),
      })),
    };
  });
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, schema]) => ({ name, description: schema.description, type: describe(schema).text, fields: fieldsOf(schema, doc.components.schemas) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { operations, schemas };
}

export function registerApiDocsRoutes(routes: Routes, ctx: RouteContext): void {
  routes.get('/api/v1/openapi.json', PUBLIC, (_req, res) => {
    res.json(openApiDocument());
  });
  routes.get('/api/docs', PUBLIC, (req, res) => {
    ctx.pages.page(req, res, 'api-docs', { title: 'API', styles: ['api-docs.css'], ...apiDocsModel() });
  });
}
