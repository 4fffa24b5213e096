// The POST route behind every page's CSV import form: read the uploaded file, import it all or
// nothing, and come back to the page with a summary — or with every problem listed by line.
import path from 'node:path';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { Access, Routes } from '../auth/access.ts';
import { originOf } from '../auth/routes.ts';
import { actorOf, type Actor } from '../auth/roles.ts';
import type { RequestOrigin } from '../audit/record.ts';
import type { RouteContext } from '../http/route-context.ts';
import { readCsvUpload } from './csv-upload.ts';
import { summarySentence, type ImportSummary } from './import-file.ts';
import { changeThen } from './page-support.ts';

type Importer = (knex: Knex, content: Buffer, fileName: string, actor: Actor, origin: RequestOrigin) => Promise<ImportSummary>;

export function csvImportRoute(
  routes: Routes,
  ctx: RouteContext,
  options: {
    path: string;
    access: Access;
    /** The page to go back to. */
    then: string;
    again: (req: Request, res: Response, extra: Record<string, unknown>, status: number) => Promise<void>;
    importer: Importer;
  },
): void {
  routes.post(options.path, options.access, (req, res) =>
    changeThen(req, res, { form: 'import', then: options.then, again: (extra, status) => options.again(req, res, extra, status) }, async () => {
      const upload = await readCsvUpload(req);
      // The browser sends the name it had; only its last part means anything here.
      const fileName = path.basename(upload.fileName.replaceAll('\\', '/')).slice(0, 120);
      const summary = await options.importer(ctx.knex, upload.content, fileName, actorOf(req.principal!), originOf(req));
      return summarySentence(fileName, summary);
    }),
  );
}
