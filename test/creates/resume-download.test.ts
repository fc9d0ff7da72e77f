import nock from 'nock';
import type { Bundle, ZObject } from 'zapier-platform-core';

import { downloadResumeAsBase64, RESUME_MAX_BYTES } from '../../src/creates/resume-download';
import { errorTexts, failureOf, userMessage } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';
import { appTester } from './operation-support';

installNockGuards();

const HOST = 'https://files.example.com';
const URL_WITH_TOKEN = `${HOST}/cv.pdf?X-Amz-Signature=abc123secret`;

function download(
  url: string,
  limits?: { maxBytes?: number; timeoutMs?: number },
): Promise<string> {
  return appTester((z: ZObject, _bundle: Bundle) => downloadResumeAsBase64(z, url, limits), {});
}

describe('downloadResumeAsBase64', () => {
  it('caps files at 10 MB', () => {
    expect(RESUME_MAX_BYTES).toBe(10 * 1024 * 1024);
  });

  it('returns the bytes base64-encoded, up to exactly the cap', async () => {
    nock(HOST).get('/cv.pdf').query(true).reply(200, Buffer.from('abcdefgh'));
    await expect(download(URL_WITH_TOKEN, { maxBytes: 8 })).resolves.toBe(
      Buffer.from('abcdefgh').toString('base64'),
    );
  });

  it('stops at the first byte past the cap even without a Content-Length', async () => {
    nock(HOST).get('/cv.pdf').query(true).reply(200, Buffer.from('abcdefghi'));
    const error = await failureOf(download(URL_WITH_TOKEN, { maxBytes: 8 }));
    expect(userMessage(error)).toBe(
      'Resume: the file from files.example.com is too large: it may be at most 0.0 MB. Map a smaller file (a PDF or Word document).',
    );
  });

  it('refuses a file whose declared length is past the cap before reading it, saying both sizes', async () => {
    nock(HOST)
      .get('/cv.pdf')
      .query(true)
      .reply(200, 'x', { 'Content-Length': String(RESUME_MAX_BYTES * 1.5) });
    const error = await failureOf(download(URL_WITH_TOKEN));
    expect(userMessage(error)).toBe(
      'Resume: the file from files.example.com is too large (15.0 MB): it may be at most 10.0 MB. Map a smaller file (a PDF or Word document).',
    );
    expect(errorTexts(error)).not.toContain('abc123secret');
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
    // A real refused connection (nothing listens on port 1), not a simulated one.
    nock.enableNetConnect('127.0.0.1');
    try {
      const error = await failureOf(download('http://127.0.0.1:1/cv.pdf?token=abc123secret'));
      expect(userMessage(error)).toBe(
        'Resume: could not download the file from 127.0.0.1:1: the server refused the connection. Check that the file link still works and is not private.',
      );
      expect(errorTexts(error)).not.toContain('abc123secret');
    } finally {
      nock.disableNetConnect();
    }
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

  it('gives up on a body that stops short of its announced length instead of waiting for ever', async () => {
    // node-fetch 2 neither ends nor fails such a body; the download's own deadline ends it.
    nock(HOST).get('/cv.pdf').query(true).reply(200, 'partial', { 'Content-Length': '1000' });
    const error = await failureOf(download(URL_WITH_TOKEN, { timeoutMs: 500 }));
    expect(userMessage(error)).toMatch(
      /^Resume: the download from files\.example\.com broke off: the download timed out/,
    );
  });
});
