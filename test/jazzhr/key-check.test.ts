import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { checkApiKey } from '../../src/jazzhr/key-check';
import { API_KEY } from '../support/jazzhr';

/** A real local HTTP server standing in for JazzHR, so the global fetch path is exercised end to end. */
let server: Server;
let baseUrl: string;
let answer: { status: number; body: string; headers?: Record<string, string> };
let lastUrl = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    lastUrl = request.url ?? '';
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('checkApiKey', () => {
  it('accepts a key JazzHR answers a list for, with one request to /users/page/1', async () => {
    answer = { status: 200, body: '[{"id":"usr_1","first_name":"Dana"}]' };
    await expect(checkApiKey(API_KEY, { baseUrl })).resolves.toEqual({ ok: true });
    expect(lastUrl).toBe(`/v1/users/page/1?apikey=${API_KEY}`);
  });

  it('accepts an account whose user list is a single bare object', async () => {
    answer = { status: 200, body: '{"id":"usr_1"}' };
    await expect(checkApiKey(API_KEY, { baseUrl })).resolves.toEqual({ ok: true });
  });

  it.each([
    [401, `{"error":"Invalid apikey ${API_KEY}"}`],
    [403, ''],
    [200, '{"_error":"Invalid API key"}'],
  ])('reports a rejected key (HTTP %i)', async (status, body) => {
    answer = { status, body };
    const result = await checkApiKey(API_KEY, { baseUrl });
    expect(result).toMatchObject({ ok: false, reason: 'rejected' });
    if (!result.ok) {
      expect(result.message).toContain('JazzHR rejected the API key');
      expect(result.message).not.toContain(API_KEY);
    }
  });

  it.each([
    ['a 429', { status: 429, body: '', headers: { 'retry-after': '10' } }, 'rate limit'],
    ['a 503', { status: 503, body: `down ${API_KEY}` }, 'JazzHR is failing right now'],
    ['a non-JSON body', { status: 200, body: `<html>${API_KEY}</html>` }, 'not JSON'],
    ['an error body', { status: 200, body: '{"error":"Account suspended"}' }, 'Account suspended'],
  ])('reports JazzHR as unavailable on %s', async (_label, reply, expected) => {
    answer = reply;
    const result = await checkApiKey(API_KEY, { baseUrl });
    expect(result).toMatchObject({ ok: false, reason: 'unavailable' });
    if (!result.ok) {
      expect(result.message).toContain(expected);
      expect(result.message).not.toContain(API_KEY);
    }
  });

  it('does not throw when JazzHR cannot be reached, and keeps the key out of the message', async () => {
    const failingFetch: typeof fetch = async (input) => {
      throw new TypeError(`fetch failed for ${String(input)}`);
    };
    const result = await checkApiKey(API_KEY, { baseUrl, fetch: failingFetch });
    expect(result).toMatchObject({ ok: false, reason: 'unavailable' });
    if (!result.ok) {
      expect(result.message).toContain('Could not reach JazzHR for GET /users/page/1');
      expect(result.message).not.toContain(API_KEY);
    }
  });

  it('gives up on a server that never answers', async () => {
    const hangingFetch: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    const result = await checkApiKey(API_KEY, { baseUrl, fetch: hangingFetch, timeoutMs: 20 });
    expect(result).toMatchObject({ ok: false, reason: 'unavailable' });
  });

  it('calls JAZZHR_API_URL, or JazzHR, when no base URL is given', async () => {
    const seen: string[] = [];
    const recordingFetch: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response('[]', { status: 200 });
    };
    await checkApiKey(API_KEY, { fetch: recordingFetch });
    process.env.JAZZHR_API_URL = 'http://relay-test.local/v1';
    try {
      await checkApiKey(API_KEY, { fetch: recordingFetch });
    } finally {
      delete process.env.JAZZHR_API_URL;
    }
    expect(seen.map((url) => url.replace(API_KEY, 'KEY'))).toEqual([
      'https://api.resumatorapi.com/v1/users/page/1?apikey=KEY',
      'http://relay-test.local/v1/users/page/1?apikey=KEY',
    ]);
  });

  it('rejects an empty key without a request', async () => {
    const noFetch: typeof fetch = async () => {
      throw new Error('must not be called');
    };
    await expect(checkApiKey('  ', { fetch: noFetch })).resolves.toMatchObject({
      ok: false,
      reason: 'rejected',
      message: expect.stringContaining('No JazzHR API key was given'),
    });
    await expect(
      checkApiKey(undefined as unknown as string, { fetch: noFetch }),
    ).resolves.toMatchObject({ ok: false });
  });
});
