import type { IncomingMessage, ServerResponse } from 'node:http';

import type { z } from 'zod';

import { issueLines } from '../zod-issues';

import type { ErrorCode } from './protocol';

/** An answer the relay gives on purpose; anything else thrown becomes a 500. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** Sent with the answer, e.g. Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
    /** For logs: a short word for why, when the code alone does not say (e.g. "mismatch"). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** The client went away before its request was read: nobody is left to answer. */
export class RequestAborted extends Error {
  override readonly name = 'RequestAborted';
  constructor() {
    super('The client closed the connection before the request was read.');
  }
}

/** Slow clients are cut off: headers within 10 s, the whole request within 30 s, idle keep-alive after 5 s. */
export const HTTP_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
};
export type HttpTimeouts = typeof HTTP_TIMEOUTS;

/**
 * Settles with `work`, or rejects with RequestAborted as soon as the client disconnects
 * first. `work` itself runs on (a key check shared by other requests still finishes).
 */
export function whileConnected<T>(res: ServerResponse, work: Promise<T>): Promise<T> {
  if (res.writableEnded) return work;
  return new Promise<T>((resolve, reject) => {
    const onClose = () => {
      if (!res.writableEnded) reject(new RequestAborted());
    };
    if (res.destroyed || res.socket?.destroyed) onClose();
    res.once('close', onClose);
    work.then(resolve, reject).finally(() => res.off('close', onClose));
  });
}

export const MAX_INGEST_BYTES = 10 * 1024 * 1024;
export const MAX_API_BODY_BYTES = 64 * 1024;
/** How long a rejected upload may keep sending before its connection is cut. */
const LINGER_MS = 5_000;

/**
 * Reads the whole body, refusing (413) as soon as it is known to exceed `maxBytes`: from
 * Content-Length before reading anything, or on the chunk that crosses the cap, never
 * buffering past it.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () =>
    new HttpError(
      413,
      'payload_too_large',
      `The body is larger than the ${formatBytes(maxBytes)} this endpoint accepts.`,
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        cleanup();
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      // Most exports arrive in one chunk: hand that over instead of copying it.
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      chunks.length = 0;
      reject(req.complete ? error : new RequestAborted());
    };
    const onClose = () => {
      if (!req.complete) onError(new RequestAborted());
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Cache-Control': 'no-store' });
  res.end();
}

export function sendError(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  if (!req.complete) {
    // The client may still be uploading: answer, close the connection, and cut it if it keeps sending.
    res.setHeader('Connection', 'close');
    res.on('finish', () => {
      if (req.complete) return;
      const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
      timer.unref();
      req.socket.once('close', () => clearTimeout(timer));
    });
  }
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  sendJson(res, error.status, { error: { code: error.code, message: error.message } });
}

/**
 * A budget for the bytes of request bodies held at once, taken before a body is read so that
 * unauthenticated uploads cannot hold more memory than the operator allowed.
 */
export class ByteBudget {
  private held = 0;

  constructor(readonly limit: number) {}

  /** Takes `bytes` from the budget; undefined when they do not fit. The release is idempotent. */
  take(bytes: number): (() => void) | undefined {
    if (this.held + bytes > this.limit) return undefined;
    this.held += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= bytes;
    };
  }
}

export function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MB`
    : `${Math.round(bytes / 1024)} KB`;
}

export function notFound(message: string): HttpError {
  return new HttpError(404, 'not_found', message);
}

/** Ids echoed in messages are capped, so a hostile path cannot fill a response. */
export function clip(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

/** A `limit` query parameter: `fallback` when absent, else a whole number from 1 to `max`. */
export function parseLimit(value: string | null, fallback: number, max: number): number {
  if (value === null || value === '') return fallback;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new HttpError(400, 'bad_request', `limit must be a whole number from 1 to ${max}.`);
  }
  return limit;
}

/** A request body checked against its schema; a 400 names each field that is wrong. */
export function parseRequest<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new HttpError(400, 'bad_request', issueLines(parsed.error.issues).join('; '));
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, MAX_API_BODY_BYTES);
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'bad_request', 'The request body must be JSON.');
  }
}
