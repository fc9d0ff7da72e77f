import type { Readable } from 'node:stream';

import type { ZObject } from 'zapier-platform-core';

import { webLinkHost } from '../web-link';

/**
 * The largest resume we forward. JazzHR publishes no limit; 10 MB covers any real CV and keeps
 * the base64 copy (a third larger) well inside Zapier's memory and request limits.
 */
export const RESUME_MAX_BYTES = 10 * 1024 * 1024;

/** For the whole download, body included; the lookup before it shares Zapier's 30 s step limit. */
export const RESUME_TIMEOUT_MS = 15_000;

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** Network failures as a short reason: node-fetch's own messages contain the full URL. */
function describeNetworkFailure(error: unknown): string {
  const { code, type } = (error ?? {}) as { code?: unknown; type?: unknown };
  if (type === 'request-timeout' || code === 'ETIMEDOUT') return 'the download timed out';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be found';
  if (code === 'ECONNREFUSED') return 'the server refused the connection';
  if (code === 'ECONNRESET') return 'the connection was reset';
  return 'the server could not be reached';
}

/**
 * Downloads the file behind a Zapier `file` field and returns it base64-encoded, as JazzHR's
 * `base64-resume` expects. Errors name the field and only the host: file links often carry
 * access tokens in their query string.
 */
export async function downloadResumeAsBase64(
  z: ZObject,
  fileUrl: string,
  { maxBytes = RESUME_MAX_BYTES, timeoutMs = RESUME_TIMEOUT_MS } = {},
): Promise<string> {
  const startedAt = Date.now();
  const host = webLinkHost(fileUrl);
  if (host === undefined) {
    throw new z.errors.Error(
      'Resume: expected a file (or a link to one starting with https://). Map a file from an earlier step, or leave Resume empty.',
      'invalid_input',
      400,
    );
  }
  const tooLarge = (bytes: string) =>
    new z.errors.Error(
      `Resume: the file from ${host} is ${bytes}; the most this action sends to JazzHR is ${megabytes(maxBytes)}. Map a smaller file (a PDF or Word document).`,
      'resume_too_large',
      400,
    );

  let response;
  try {
    response = await z.request({
      url: fileUrl,
      method: 'GET',
      raw: true,
      skipThrowForStatus: true,
      timeout: timeoutMs,
    });
  } catch (error) {
    if (error instanceof z.errors.ThrottledError) {
      throw new z.errors.ThrottledError(
        `Resume: ${host} is limiting downloads right now (HTTP 429); Zapier will try again later.`,
      );
    }
    throw new z.errors.Error(
      `Resume: could not download the file from ${host}: ${describeNetworkFailure(error)}. Check that the file link still works.`,
      'resume_unreachable',
      400,
    );
  }

  if (response.status < 200 || response.status >= 300) {
    (response.body as Readable).destroy?.();
    throw new z.errors.Error(
      `Resume: downloading the file from ${host} failed with HTTP ${response.status}. Check that the file link still works and is not private.`,
      'resume_unreachable',
      400,
    );
  }

  const lengthHeader = response.headers.get('content-length');
  const declaredLength = lengthHeader === null ? Number.NaN : Number(lengthHeader);
  if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
    (response.body as Readable).destroy?.();
    throw tooLarge(megabytes(declaredLength));
  }

  // Content-Length can be absent or wrong, so the bytes actually read are capped too.
  const body = response.body as Readable;
  // node-fetch 2 neither ends nor fails the body when a connection drops mid-download.
  const deadline = setTimeout(
    () => body.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    Math.max(0, timeoutMs - (Date.now() - startedAt)),
  );
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      total += bytes.length;
      if (total > maxBytes) {
        body.destroy();
        throw tooLarge(`larger than ${megabytes(maxBytes)}`);
      }
      chunks.push(bytes);
    }
  } catch (error) {
    if (error instanceof z.errors.Error) throw error;
    throw new z.errors.Error(
      `Resume: the download from ${host} broke off: ${describeNetworkFailure(error)}. Try again, or check the file link.`,
      'resume_unreachable',
      400,
    );
  } finally {
    clearTimeout(deadline);
  }
  if (total === 0) {
    throw new z.errors.Error(
      `Resume: the file from ${host} is empty. Map the resume file itself, or leave Resume empty.`,
      'invalid_input',
      400,
    );
  }
  return Buffer.concat(chunks).toString('base64');
}
