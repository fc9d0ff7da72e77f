/**
 * The one file downloader: a size cap on the bytes actually read, and one deadline for
 * the whole download, body included (Zapier gives a step 30 s and about 450 MB). It serves
 * Create Applicant's résumé upload and Candidate Exported's résumé file. Messages name the
 * field and only the link's host: file links often carry their access token.
 */
import type { Readable } from 'node:stream';

import type { ZObject } from 'zapier-platform-core';

import { webLinkHost } from './web-link';

/**
 * The largest résumé either direction handles. JazzHR publishes no limit; 10 MB covers any
 * real CV and keeps the base64 copy (a third larger) well inside Zapier's limits.
 */
export const RESUME_MAX_BYTES = 10 * 1024 * 1024;

/** How a caller's messages speak of the file and what the user can do. */
export interface DownloadWording {
  /** Named first in every message: "Resume", "Resume File". */
  field: string;
  /** The file as the user knows it: "the file", "the résumé". */
  file: string;
  /** What to try when the link cannot be read. */
  advice: string;
  /** What to do with a file past the cap. */
  tooLargeAdvice: string;
  /** The whole message for a value that is not an http(s) link. */
  notALink: string;
  /** The HTTP status of a failed download: 400 when the input is at fault, 502 when the far side is. */
  failureStatus: number;
  /** An answer the caller explains its own way (an expired link); undefined for the general message. */
  statusError?: (status: number) => Error | undefined;
}

export interface DownloadLimits {
  /** The Accept header: what the link should answer with. */
  accept?: string;
  maxBytes?: number;
  timeoutMs?: number;
  /** The cap as the user should hear it, when maxBytes allows for a wrapper around the file. */
  statedMaxBytes?: number;
}

export interface DownloadedFile {
  bytes: Buffer;
  contentType: string | undefined;
  /** Only the host, for the caller's own messages. */
  host: string;
}

export const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** Network failures as a short reason: node-fetch's own messages contain the full URL. */
function describeNetworkFailure(error: unknown): string {
  const { code, type } = (error ?? {}) as { code?: unknown; type?: unknown };
  if (type === 'request-timeout' || code === 'ETIMEDOUT') return 'the download timed out';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be found';
  if (code === 'ECONNREFUSED') return 'the server refused the connection';
  if (code === 'ECONNRESET') return 'the connection was reset';
  return 'the server could not be reached';
}

/** Past the cap: says the file is too large and how large it may be. */
export function fileTooLarge(
  z: ZObject,
  wording: DownloadWording,
  host: string,
  limitBytes: number,
  sizeBytes?: number,
): Error {
  // One byte over would read "10.0 MB, at most 10.0 MB": the size is said only when it differs.
  const shown = sizeBytes === undefined ? undefined : megabytes(sizeBytes);
  const size = shown === undefined || shown === megabytes(limitBytes) ? '' : ` (${shown})`;
  return new z.errors.Error(
    `${wording.field}: ${wording.file} from ${host} is too large${size}: it may be at most ${megabytes(limitBytes)}. ${wording.tooLargeAdvice}`,
    'resume_too_large',
    wording.failureStatus === 400 ? 400 : 413,
  );
}

/** GET the link and check its status and declared length; the body is still to be read. */
async function openDownload(
  z: ZObject,
  url: string,
  host: string,
  wording: DownloadWording,
  { accept, maxBytes, timeoutMs, statedMaxBytes }: Required<DownloadLimits>,
) {
  const failed = (message: string) =>
    new z.errors.Error(`${wording.field}: ${message}`, 'resume_unreachable', wording.failureStatus);
  let response;
  try {
    response = await z.request({
      url,
      method: 'GET',
      headers: { accept },
      raw: true,
      skipThrowForStatus: true,
      timeout: timeoutMs,
    });
  } catch (error) {
    if (error instanceof z.errors.ThrottledError) {
      throw new z.errors.ThrottledError(
        `${wording.field}: ${host} is limiting downloads right now (HTTP 429); Zapier will try again later.`,
      );
    }
    throw failed(
      `could not download ${wording.file} from ${host}: ${describeNetworkFailure(error)}. ${wording.advice}`,
    );
  }
  const body = response.body as Readable;
  if (response.status < 200 || response.status >= 300) {
    body.destroy?.();
    throw (
      wording.statusError?.(response.status) ??
      failed(
        `downloading ${wording.file} from ${host} failed with HTTP ${response.status}. ${wording.advice}`,
      )
    );
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    body.destroy?.();
    throw fileTooLarge(z, wording, host, statedMaxBytes, declared);
  }
  return { body, contentType: response.headers.get('content-type') ?? undefined };
}

/** Reads the body up to the cap; Content-Length can be absent or wrong, so the bytes read count. */
async function readCapped(
  z: ZObject,
  body: Readable,
  host: string,
  wording: DownloadWording,
  { maxBytes, statedMaxBytes }: Required<DownloadLimits>,
  remainingMs: number,
): Promise<Buffer> {
  // node-fetch 2 neither ends nor fails the body when a connection drops mid-download.
  const deadline = setTimeout(
    () => body.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    Math.max(0, remainingMs),
  );
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      total += bytes.length;
      if (total > maxBytes) {
        body.destroy();
        throw fileTooLarge(z, wording, host, statedMaxBytes);
      }
      chunks.push(bytes);
    }
  } catch (error) {
    if (error instanceof z.errors.Error) throw error;
    throw new z.errors.Error(
      `${wording.field}: the download from ${host} broke off: ${describeNetworkFailure(error)}. ${wording.advice}`,
      'resume_unreachable',
      wording.failureStatus,
    );
  } finally {
    clearTimeout(deadline);
  }
  return Buffer.concat(chunks);
}

/** Downloads a file (without the API key: the link's own token is the access), capped and on a deadline. */
export async function downloadFile(
  z: ZObject,
  url: string,
  wording: DownloadWording,
  limits: DownloadLimits = {},
): Promise<DownloadedFile> {
  const startedAt = Date.now();
  const maxBytes = limits.maxBytes ?? RESUME_MAX_BYTES;
  const resolved: Required<DownloadLimits> = {
    accept: limits.accept ?? '*/*',
    maxBytes,
    timeoutMs: limits.timeoutMs ?? 15_000,
    statedMaxBytes: limits.statedMaxBytes ?? maxBytes,
  };
  const host = webLinkHost(url);
  if (host === undefined) throw new z.errors.Error(wording.notALink, 'invalid_input', 400);
  const { body, contentType } = await openDownload(z, url, host, wording, resolved);
  const remainingMs = resolved.timeoutMs - (Date.now() - startedAt);
  const bytes = await readCapped(z, body, host, wording, resolved, remainingMs);
  return { bytes, contentType, host };
}
