// Reads a CSV file uploaded from a page's import form (multipart/form-data, the CSRF token in the
// form's action URL). Reference-data files are small, so the file is read into memory, up to a
// bound: a larger upload is refused rather than buffered.
import type { Request } from 'express';
import busboy from 'busboy';
import { PayloadTooLargeError, ValidationError } from '../errors.ts';

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface CsvUpload {
  fileName: string;
  content: Buffer;
}

const CHOOSE_A_FILE = 'Choose a CSV file to import.';

function chooseAFile(): ValidationError {
  return new ValidationError(CHOOSE_A_FILE, [{ field: 'file', message: CHOOSE_A_FILE }]);
}

/** The one file of the upload form's `file` field; other fields are ignored. */
export function readCsvUpload(req: Request, maxBytes = MAX_UPLOAD_BYTES): Promise<CsvUpload> {
  if (!req.is('multipart/form-data')) return Promise.reject(chooseAFile());
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 20 } });
    } catch {
      reject(new ValidationError('The upload could not be read; choose the file again.', [{ field: 'file', message: 'The upload could not be read.' }]));
      return;
    }
    let upload: Promise<CsvUpload | null> = Promise.resolve(null);
    parser.on('file', (field, stream, info) => {
      if (field !== 'file') {
        stream.resume();
        return;
      }
      upload = new Promise((done, fail) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('limit', () =>
          fail(new PayloadTooLargeError('The file is larger than 10 MB; a reference-data file is far smaller. Check it is the right file.')),
        );
        stream.on('error', fail);
        stream.on('end', () => done({ fileName: info.filename ?? '', content: Buffer.concat(chunks) }));
      });
      // Settled when the request ends; until then only keep it from counting as unhandled.
      upload.catch(() => undefined);
    });
    parser.on('error', (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))));
    parser.on('close', () => {
      upload.then((file) => (file && file.fileName && file.content.length > 0 ? resolve(file) : reject(chooseAFile())), reject);
    });
    req.pipe(parser);
  });
}
