import nock from 'nock';
import { createAppTester } from 'zapier-platform-core';

import app from '../../../index';
import {
  candidateExportApplicantId,
  candidateExportResumeFile,
} from '../../../src/triggers/candidate_exported/hydrators';
import { RESUME_MAX_BYTES } from '../../../src/download';
import { applicantDetail, applicantSummary, prospectId } from '../../fixtures/applicants/builders';
import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from '../../support/jazzhr';
import { installNockGuards } from '../../support/nock-guards';

const appTester = createAppTester(app);

const ATTACHMENT_HOST = 'https://api.jazz.co';
const ATTACHMENT_PATH = '/public/document/eyJ0eXAiOiJKV1QifQ.eyJleHAiOjE3MDkzMDE2MDB9.c2ln';
const ATTACHMENT_URL = `${ATTACHMENT_HOST}${ATTACHMENT_PATH}`;
const RESUME_BYTES = Buffer.from('%PDF-1.4\n% Kenny JazzHR — résumé\n%%EOF\n', 'utf8');

/** Zapier's side of z.stashFile: the RPC that hands out an upload form, and the upload. */
const RPC = 'https://rpc.zapier.com';
const UPLOAD = 'https://zapier-dev-files.s3.amazonaws.com';
let uploads: string[];
function acceptStash(key: string) {
  nock(RPC)
    .post('/cli')
    .reply(200, (_uri, body) => ({
      id: (JSON.parse(typeof body === 'string' ? body : JSON.stringify(body)) as { id: string }).id,
      result: { url: `${UPLOAD}/`, fields: { key } },
    }));
  nock(UPLOAD)
    .post('/')
    .reply(204, (_uri, body) => {
      uploads.push(decodeNockBody(body));
      return '';
    });
}

/** nock hands over binary request bodies hex-encoded and text bodies as they are. */
function decodeNockBody(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return /^(?:[0-9a-f]{2})+$/.test(text) ? Buffer.from(text, 'hex').toString('utf8') : text;
}

const savedDeployKey = process.env.ZAPIER_DEPLOY_KEY;
installNockGuards();
beforeAll(() => {
  process.env.ZAPIER_DEPLOY_KEY = 'test-deploy-key';
});
beforeEach(() => {
  uploads = [];
});
afterAll(() => {
  if (savedDeployKey === undefined) delete process.env.ZAPIER_DEPLOY_KEY;
  else process.env.ZAPIER_DEPLOY_KEY = savedDeployKey;
});

function resumeFile(inputData: Record<string, unknown>) {
  return appTester(candidateExportResumeFile, {
    authData: { api_key: API_KEY },
    inputData,
  }) as Promise<string>;
}

describe('candidateExportResumeFile', () => {
  it('downloads JazzHR’s JSON wrapper without the API key and stashes the decoded file', async () => {
    nock(ATTACHMENT_HOST, { badheaders: ['authorization'] })
      .get(ATTACHMENT_PATH)
      .reply(200, {
        content: RESUME_BYTES.toString('base64'),
        mimeType: 'application/pdf',
        fileName: 'Kenny JazzHR Resume.pdf',
      });
    acceptStash('stash/1/Kenny JazzHR Resume.pdf');

    const url = await resumeFile({ url: ATTACHMENT_URL, file_name: 'ResumeTest.docx' });

    expect(url).toBe(`${UPLOAD}/stash/1/Kenny%20JazzHR%20Resume.pdf`);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toContain(RESUME_BYTES.toString('utf8'));
    expect(uploads[0]).toContain('Content-Type: application/pdf');
    expect(uploads[0]).not.toContain(RESUME_BYTES.toString('base64'));
  });

  it('stashes the bytes as they are when the link serves the file itself', async () => {
    nock(ATTACHMENT_HOST)
      .get(ATTACHMENT_PATH)
      .reply(200, RESUME_BYTES, { 'content-type': 'application/pdf' });
    acceptStash('stash/2/ResumeTest.pdf');
    await resumeFile({ url: ATTACHMENT_URL, file_name: 'ResumeTest.pdf' });
    expect(uploads[0]).toContain(RESUME_BYTES.toString('utf8'));
    expect(uploads[0]).toContain('filename="ResumeTest.pdf"');
  });

  it.each([401, 403, 404, 410])(
    'explains an expired link (HTTP %i) without repeating it',
    async (status) => {
      nock(ATTACHMENT_HOST).get(ATTACHMENT_PATH).reply(status, 'expired');
      const error = await failureOf(resumeFile({ url: ATTACHMENT_URL }));
      expect(userMessage(error)).toMatch(
        /expired or was withdrawn.*2½ hours.*export the candidate from JazzHR again/,
      );
      expect(errorTexts(error)).not.toContain(ATTACHMENT_PATH);
    },
  );

  it('reports a server failure and an unreachable host by host name only', async () => {
    nock(ATTACHMENT_HOST).get(ATTACHMENT_PATH).reply(503, 'down');
    const failed = await failureOf(resumeFile({ url: ATTACHMENT_URL }));
    expect(userMessage(failed)).toMatch(/from api\.jazz\.co failed with HTTP 503/);
    nock(ATTACHMENT_HOST).get(ATTACHMENT_PATH).replyWithError('socket hang up');
    const unreachable = await failureOf(resumeFile({ url: ATTACHMENT_URL }));
    expect(userMessage(unreachable)).toMatch(/could not download the résumé from api\.jazz\.co/);
    expect(errorTexts(unreachable)).not.toContain(ATTACHMENT_PATH);
  });

  it('refuses a résumé past 10 MB, saying how large it may be, whether JazzHR wraps it or not', async () => {
    const tooLarge = (size: string) =>
      `Resume File: the résumé from api.jazz.co is too large${size}: it may be at most 10.0 MB. Download it from the candidate's profile in JazzHR instead.`;
    nock(ATTACHMENT_HOST)
      .get(ATTACHMENT_PATH)
      .reply(200, Buffer.alloc(RESUME_MAX_BYTES * 1.2), { 'content-type': 'application/pdf' });
    expect(userMessage(await failureOf(resumeFile({ url: ATTACHMENT_URL })))).toBe(
      tooLarge(' (12.0 MB)'),
    );

    // A wrapper whose base64 alone is past the cap is stopped while it is read.
    nock(ATTACHMENT_HOST)
      .get(ATTACHMENT_PATH)
      .reply(200, () => ({ content: 'A'.repeat(RESUME_MAX_BYTES * 1.4) }));
    expect(userMessage(await failureOf(resumeFile({ url: ATTACHMENT_URL })))).toBe(tooLarge(''));

    nock(ATTACHMENT_HOST)
      .get(ATTACHMENT_PATH)
      .reply(200, '{}', { 'Content-Length': String(RESUME_MAX_BYTES * 2) });
    expect(userMessage(await failureOf(resumeFile({ url: ATTACHMENT_URL })))).toBe(
      tooLarge(' (20.0 MB)'),
    );
  });

  it('refuses an empty file and pointers without a usable link', async () => {
    nock(ATTACHMENT_HOST)
      .get(ATTACHMENT_PATH)
      .reply(200, { content: '', mimeType: 'application/pdf' });
    expect(userMessage(await failureOf(resumeFile({ url: ATTACHMENT_URL })))).toMatch(/empty file/);
    nock(ATTACHMENT_HOST).get(ATTACHMENT_PATH).reply(200, '');
    expect(userMessage(await failureOf(resumeFile({ url: ATTACHMENT_URL })))).toMatch(/empty file/);
    expect(userMessage(await failureOf(resumeFile({})))).toMatch(/no résumé link/);
    expect(userMessage(await failureOf(resumeFile({ url: 'ftp://files.example/x' })))).toMatch(
      /not a web address/,
    );
  });
});

describe('candidateExportApplicantId', () => {
  const KENNY = prospectId('20180917171830', 'UWQ5KQYDXJ1SRZLB');
  const lookup = (inputData: Record<string, unknown>) =>
    appTester(candidateExportApplicantId, {
      authData: { api_key: API_KEY },
      inputData,
    }) as Promise<string>;
  const listByName = (body: unknown) =>
    jazzhrApi()
      .get('/v1/applicants/name/Kenny%20JazzHR/page/1')
      .query({ apikey: API_KEY })
      .reply(200, body as nock.Body);

  it('finds the REST applicant id by name and email', async () => {
    listByName([applicantSummary(KENNY, 'Kenny', 'JazzHR')]);
    jazzhrApi()
      .get(`/v1/applicants/${KENNY}`)
      .query({ apikey: API_KEY })
      .reply(200, applicantDetail({ id: KENNY, email: 'Kenny.JazzHR@jazzhr.com' }));
    await expect(
      lookup({ email: 'kenny.jazzhr@jazzhr.com', first_name: 'Kenny', last_name: 'JazzHR' }),
    ).resolves.toBe(KENNY);
  });

  it('says so when no applicant with the name has the email', async () => {
    listByName([]);
    const error = await failureOf(
      lookup({ email: 'kenny.jazzhr@jazzhr.com', first_name: 'Kenny', last_name: 'JazzHR' }),
    );
    expect(userMessage(error)).toMatch(
      /no JazzHR applicant with this candidate's name has the exported email/,
    );
  });

  it('needs an email to look up', async () => {
    const error = await failureOf(lookup({ first_name: 'Kenny' }));
    expect(userMessage(error)).toMatch(/no email address/);
  });
});
