// What the web upload and the API share about receiving a snapshot over HTTP: the size limit,
// checked on Content-Length before a byte is read (and by the ingest while it streams), and how a
// refused request ends without leaving the client sending into a closed socket.
import type { Request, Response } from 'express';
import { AppError, PayloadTooLargeError } from '../errors.ts';
import { tooLargeMessage } from './reading/too-large.ts';

/** Multipart framing around the file: boundaries and the form's few small fields. */
const MULTIPART_OVERHEAD = 64 * 1024;

export function assertContentLengthWithin(req: Request, maxBytes: number, multipart: boolean): void {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes + (multipart ? MULTIPART_OVERHEAD : 0)) {
    throw new PayloadTooLargeError(tooLargeMessage(maxBytes));
  }
}

/**
 * About how many bytes of the file the request brings (its Content-Length, less the multipart
 * framing's share), for the reader to plan how to split the scanning; undefined when not declared.
 */
export function expectedBytesOf(req: Request, multipart: boolean): number | undefined {
  const declared = Number(req.get('content-length'));
  if (!Number.isSafeInteger(declared) || declared <= 0) return undefined;
  return multipart ? Math.max(0, declared - MULTIPART_OVERHEAD) : declared;
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

/** How long a refused upload's connection is kept reading after the answer, for the client to see it. */
export const LINGER_MS = 2_000;

/**
 * When the answer goes out before the request body has been read (too large, refused, the database
 * gone), the connection is closed after it rather than left with unread bytes in it — but not at
 * once. Node ends a `Connection: close` answer by destroying the socket as soon as the answer is
 * written; a client still sending then has its next write reset (EPIPE) before it has read the
 * answer, and reports a broken connection instead of the reason. So the server closes its side
 * (FIN after the answer) and keeps reading, discarding, until the client stops sending or
 * LINGER_MS pass — the "lingering close" web servers have always done.
 */
export function closeAfterResponse(req: Request, res: Response): void {
  if (req.readableEnded || res.headersSent) return;
  res.set('Connection', 'close');
  const socket = req.socket as Request['socket'] | null;
  if (!socket) return;
  const destroySoon = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    if (req.complete || socket.destroyed) {
      destroySoon();
      return;
    }
    const stop = (): void => void socket.destroy();
    const timer = setTimeout(stop, LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    // The client has sent all it will: nothing is left to discard.
    socket.once('end', stop);
    req.resume();
    socket.resume();
    socket.end();
  };
}
