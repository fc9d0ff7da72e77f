import http from 'node:http';
import https from 'node:https';

import nock from 'nock';

// Zapier's runtime wraps http(s).request once per process to log traffic, capturing the
// request function of that moment. In a jest worker that wrapper outlives the test file
// and holds on to that file's nock, so nock stops intercepting in the next file the
// worker runs. Marking the modules as already wrapped makes the runtime skip it; tests
// do not need that logging (z.request logs through its own middleware).
for (const httpModule of [http, https] as unknown as { patchedByZapier?: boolean }[]) {
  httpModule.patchedByZapier = true;
}

/** A distinctive key, so any test can check no message or log line contains it. */
export const API_KEY = 'TEST-KEY-n7Vq3Zr9Wx1Lm5Pk';
export const JAZZHR_ORIGIN = 'https://api.resumatorapi.com';

/** nock scope for JazzHR's default base URL; paths given to it start with /v1. */
export function jazzhrApi(): nock.Scope {
  return nock(JAZZHR_ORIGIN);
}

/** Every text form of an error a user or a log could see. */
export function errorTexts(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return [String(error), error.message, error.stack ?? '', JSON.stringify(error)].join('\n');
}

/** Runs a promise that must fail and returns what it threw. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, got ${String(error)}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The user-facing message inside a Zapier AppError/ThrottledError (their message is JSON). */
export function userMessage(error: Error): string {
  try {
    const parsed = JSON.parse(error.message) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // ExpiredAuthError and friends carry the text directly.
  }
  return error.message;
}
