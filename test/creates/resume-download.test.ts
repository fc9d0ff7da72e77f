import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import nock from 'nock';
import type { Bundle, ZObject } from 'zapier-platform-core';

import { downloadResumeAsBase64, RESUME_MAX_BYTES } from '../../src/creates/resume-download';
import { errorTexts, failureOf, userMessage } from '../support/jazzhr';
import { appTester, installNockGuards } from './operation-support';

installNockGuards();

const HOST = 'https://files.example.com';
const URL_WITH_TOKEN = `${HOST}/cv.pdf?X-Amz-Signature=abc123secret`;

function download(url: string, maxBytes?: number): Promise<string> {
  return appTester((z: ZObject, _bundle: Bundle) => downloadResumeAsBase64(z, url, maxBytes), {});
}

describe('downloadResumeAsBase64', () => {
  it('caps files at 10 MB', () => {
    expect(RESUME_MAX_BYTES).toBe(10 * 1024 * 1024);
  });

  it('returns the bytes base64-encoded, streamed in chunks up to exactly the cap', async () => {
    nock(HOST)
      .get('/cv.pdf')
      .query(true)
      .reply(200, () => Readable.from([Buffer.from('abc'), Buffer.from('defgh')]));
    await expect(download(URL_WITH_TOKEN, { maxBytes: 8 })).resolves.toBe(
      Buffer.from('abcdefgh').toString('base64'),
    );
  });

  it('stops at the first byte past the cap even without a Content-Length', async () => {
    nock(HOST)
      .get('/cv.pdf')
      .query(true)
      .reply(200, () => Readable.from([Buffer.from('abcde'), Buffer.from('fghi')]));
    const error = await failureOf(download(URL_WITH_TOKEN, { maxBytes: 8 }));
    expect(userMessage(error)).toMatch(/^Resume: the file from files\.example\.com is larger than/);
  });

  it('refuses a link that is not http(s), before any request', async () => {
    for (const value of [
      'ftp://files.example.com/cv.pdf',
      'just some text',
      'javascript:alert(1)',
    ]) {
      const error = await failureOf(download(value));
      expect(userMessage(error)).toMatch(/^Resume: expected a file/);
    }
  });

  it('names only the host when the server cannot be reached', async () => {
    nock(HOST).get('/cv.pdf').query(true).replyWithError('getaddrinfo ENOTFOUND files.example.com');
    const error = await failureOf(download(URL_WITH_TOKEN));
    expect(userMessage(error)).toMatch(
      /^Resume: could not download the file from files\.example\.com: /,
    );
    expect(errorTexts(error)).not.toContain('abc123secret');
  });

  it('asks Zapier to retry later when the file host throttles', async () => {
    nock(HOST).get('/cv.pdf').query(true).reply(429, '');
    const error = await failureOf(download(URL_WITH_TOKEN));
    expect(error.name).toBe('ThrottledError');
    expect(userMessage(error)).toMatch(/^Resume: files\.example\.com is limiting downloads/);
  });

  it('refuses an empty file', async () => {
    nock(HOST).get('/cv.pdf').query(true).reply(200, '');
    const error = await failureOf(download(URL_WITH_TOKEN));
    expect(userMessage(error)).toMatch(/^Resume: the file from files\.example\.com is empty/);
  });

  it('gives up on a body shorter than its announced length when the deadline passes', async () => {
    nock(HOST).get('/cv.pdf').query(true).reply(200, 'partial', { 'Content-Length': '1000' });
    const error = await failureOf(download(URL_WITH_TOKEN, { timeoutMs: 500 }));
    expect(userMessage(error)).toMatch(
      /^Resume: the download from files\.example\.com broke off: the download timed out/,
    );
  });

  it('reports a download that breaks off midway instead of waiting for ever', async () => {
    // A real server: the connection drops after part of the announced body, which
    // node-fetch 2 never reports; the download's own deadline ends it.
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Length': '1000' });
      response.write('partial');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // nock would intercept it; this test needs the real socket to drop.
    nock.restore();
    try {
      const error = await failureOf(
        download(`http://127.0.0.1:${port}/cv.pdf?token=abc123secret`, { timeoutMs: 500 }),
      );
      expect(userMessage(error)).toMatch(
        /^Resume: the download from 127\.0\.0\.1:\d+ broke off: the download timed out/,
      );
      expect(errorTexts(error)).not.toContain('abc123secret');
    } finally {
      nock.activate();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
