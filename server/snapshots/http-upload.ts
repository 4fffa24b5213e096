// What the web upload and the API share about receiving a snapshot over HTTP: the size limit,
// checked on Content-Length before a byte is read (and by the ingest while it streams), and how a
// refused request ends without leaving the client sending into a closed socket.
import type { Request, Response } from 'express';
import { AppError, PayloadTooLargeError } from '../errors.ts';
import { formatBytes } from './reading/read-snapshot.ts';

/** Multipart framing around the file: boundaries and the form's few small fields. */
const MULTIPART_OVERHEAD = 64 * 1024;

export function assertContentLengthWithin(req: Request, maxBytes: number, multipart: boolean): void {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes + (multipart ? MULTIPART_OVERHEAD : 0)) {
    throw new PayloadTooLargeError(
      `The file is larger than the ${formatBytes(maxBytes)} this server accepts (UPLOAD_MAX_BYTES). Compress it with gzip, or ask the operator to raise the limit.`,
    );
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

/**
 * When the answer goes out before the request body has been read (too large, failed mid-way), the
 * connection is closed after it rather than left with unread bytes in it.
 */
export function closeAfterResponse(req: Request, res: Response): void {
  if (req.readableEnded || res.headersSent) return;
  res.set('Connection', 'close');
  const socket = req.socket as Request['socket'] | null;
  res.once('finish', () => {
    if (!req.readableEnded && socket && !socket.destroyed) socket.destroySoon();
  });
}
