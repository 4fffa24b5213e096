// Receives the upload form's multipart body as a stream (busboy): the fields sent before the file,
// then the file's bytes as they arrive — never the whole file in memory or in a temporary copy.
import type { Request } from 'express';
import busboy from 'busboy';
import type { Readable } from 'node:stream';

export interface IncomingFile {
  /** The name the browser sent (its base name). */
  fileName: string;
  /** Form fields that came before the file part. */
  fields: Record<string, string>;
  stream: Readable;
}

/**
 * Resolves once the part named `field` begins, or with null when the form has no file in it
 * (no part, or the browser's empty part for "no file chosen"). Parts after the first such file
 * are read and dropped.
 */
export function receiveFile(req: Request, field: string): Promise<IncomingFile | null> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 4096, parts: 40 }, fileHwm: 1024 * 1024 });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const fields: Record<string, string> = {};
    let found = false;
    parser.on('field', (name, value) => {
      if (!found) fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (found || name !== field || !info.filename) {
        stream.resume();
        return;
      }
      found = true;
      resolve({ fileName: info.filename ?? 'upload', fields: { ...fields }, stream });
    });
    parser.on('close', () => {
      if (!found) resolve(null);
    });
    parser.on('error', (err: Error) => {
      if (!found) reject(err);
    });
    req.pipe(parser);
  });
}
