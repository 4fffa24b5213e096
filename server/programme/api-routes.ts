// Declarations and allowances on the HTTP API, for the DCC's systems: POST a JSON array of records
// or the CSV file the pages import, through the same import (its rules, all or nothing, each
// problem with its line and field, the same audit entries); GET lists what is kept. The same
// roles as the pages (users-routes.ts): the DCC and SECAS.
import express, { type Request, type Response } from 'express';
import type { Knex } from 'knex';
import type { ZodTypeAny } from 'zod';
import { instantToIso } from '../../db/instant.ts';
import { allow, type Routes } from '../auth/access.ts';
import { originOf } from '../auth/routes.ts';
import { actorOf, type Actor } from '../auth/roles.ts';
import type { RequestOrigin } from '../audit/record.ts';
import { ValidationError } from '../errors.ts';
import { parseInput } from '../http/api-input.ts';
import type { AllowanceList, DeclarationList } from '../http/api-schemas.ts';
import { ImportQuery, NewAllowances, NewDeclarations, type ImportSummary as ImportSummaryJson } from '../http/api-schemas.ts';
import type { RouteContext } from '../http/route-context.ts';
import { UnsupportedMediaTypeError } from '../snapshots/http-upload.ts';
import { importAllowances, listAllowances } from './allowances.ts';
import { MAX_UPLOAD_BYTES } from './csv-upload.ts';
import type { CsvRecord } from './csv-table.ts';
import { importDeclarations, listDeclarationVersions } from './declarations.ts';
import { recordsFromJson, type ImportSummary } from './import-file.ts';

/** The DCC records declarations received and allowances confirmed; SECAS may do everything (SPEC §2). */
const RECORDERS = allow('secas', 'dcc');

const CSV_TYPES = ['text/csv', 'application/csv'];
const readJson = express.json({ limit: MAX_UPLOAD_BYTES, strict: true });
// The file's bytes as sent (express.raw; named so, the lint rule keeping SQL in db/ would take it for knex.raw).
const { raw: bytesParser } = express;
const readCsv = bytesParser({ type: CSV_TYPES, limit: MAX_UPLOAD_BYTES });

/** The import's column names as the JSON spells them (user_id → userId); nothing else is renamed, so a value quoted in a message stays as sent. */
const JSON_NAMES: Record<string, string> = {
  user_id: 'userId',
  received_on: 'receivedOn',
  per_day: 'perDay',
  effective_from: 'effectiveFrom',
  confirmed_on: 'confirmedOn',
};
const COLUMN = new RegExp(`\\b(${Object.keys(JSON_NAMES).join('|')})\\b`, 'g');

function camel(text: string): string {
  return text.replace(COLUMN, (name) => JSON_NAMES[name] ?? name);
}

type Importer = (knex: Knex, content: Buffer | readonly CsvRecord[], fileName: string, actor: Actor, origin: RequestOrigin) => Promise<ImportSummary>;

function importRoute(ctx: RouteContext, records: ZodTypeAny, what: string, importer: Importer) {
  return async (req: Request, res: Response): Promise<void> => {
    const { fileName: asked } = parseInput(ImportQuery, req.query, 'The query is not as expected.');
    const json = Boolean(req.is('application/json'));
    if (!json && !req.is(CSV_TYPES)) {
      throw new UnsupportedMediaTypeError(
        `Send the ${what} as a JSON array (Content-Type: application/json) or as the CSV file the page imports (Content-Type: text/csv).`,
      );
    }
    const fileName = (asked?.trim() || `api-request.${json ? 'json' : 'csv'}`).slice(0, 120);
    let content: Buffer | CsvRecord[];
    if (json) {
      const given = parseInput(records, req.body, `Nothing was imported from ${fileName}: the JSON body is not an array of ${what} as described.`) as Array<
        Record<string, string | number>
      >;
      content = recordsFromJson(given);
    } else {
      content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    }
    let summary: ImportSummary;
    try {
      summary = await importer(ctx.knex, content, fileName, actorOf(req.principal!), originOf(req));
    } catch (err) {
      if (!(err instanceof ValidationError) || !json) throw err;
      // A refusal names the fields and records as the JSON has them.
      throw new ValidationError(
        err.message,
        err.fields.map((f) => ({ ...f, field: camel(f.field), message: camel(f.message).replace(/\bline (\d+)/g, 'record $1') })),
      );
    }
    const body: ImportSummaryJson = { rows: summary.rows, added: summary.added, changed: summary.changed, unchanged: summary.unchanged };
    res.status(summary.added > 0 ? 201 : 200).json(body);
  };
}

export function registerProgrammeApiRoutes(routes: Routes, ctx: RouteContext): void {
  routes.get('/api/v1/declarations', RECORDERS, async (_req, res) => {
    const body: DeclarationList = {
      declarations: (await listDeclarationVersions(ctx.knex)).map((d) => ({
        userId: d.userId,
        count: d.count,
        receivedOn: d.receivedOn,
        inForce: d.inForce,
        recordedBy: d.recordedBy,
        recordedAt: instantToIso(d.recordedAt),
      })),
    };
    res.json(body);
  });
  routes.post('/api/v1/declarations', RECORDERS, readJson, readCsv, importRoute(ctx, NewDeclarations, 'declarations', importDeclarations));

  routes.get('/api/v1/allowances', RECORDERS, async (_req, res) => {
    const body: AllowanceList = {
      allowances: (await listAllowances(ctx.knex)).map((a) => ({
        userId: a.userId,
        perDay: a.perDay,
        effectiveFrom: a.effectiveFrom,
        confirmedOn: a.confirmedOn,
        recordedBy: a.recordedBy,
        recordedAt: instantToIso(a.recordedAt),
      })),
    };
    res.json(body);
  });
  routes.post('/api/v1/allowances', RECORDERS, readJson, readCsv, importRoute(ctx, NewAllowances, 'allowances', importAllowances));
}
