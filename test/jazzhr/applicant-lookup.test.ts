import nock from 'nock';
import zapier, { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';

import {
  EMAIL_ONLY_MAX_DETAILS,
  findApplicantByEmail,
  NAME_LOOKUP_MAX_DETAILS,
  type ApplicantEmailQuery,
} from '../../src/jazzhr/applicant-lookup';
import { applicantDetail, applicantSummary, prospectId } from '../fixtures/applicants/builders';
import { API_KEY, errorTexts, failureOf, jazzhrApi, userMessage } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';

const appTester = createAppTester({ version: '1.0.0', platformVersion: zapier.version });

function lookup(query: ApplicantEmailQuery) {
  return appTester((z: ZObject, bundle: Bundle) => findApplicantByEmail(z, bundle, query), {
    authData: { api_key: API_KEY },
  });
}

const JANE_PATH = '/v1/applicants/name/Jane%20Doe';
const OLD_JANE = prospectId('20230105080000', 'OLDJANEOLDJANE00');
const NEW_JANE = prospectId('20240105080000', 'NEWJANENEWJANE00');
const JANET = prospectId('20240601080000', 'JANETJANETJANET0');

function listPage(path: string, page: number, body: nock.Body) {
  return jazzhrApi().get(`${path}/page/${page}`).query({ apikey: API_KEY }).reply(200, body);
}
function detail(id: string, email: string, first = 'Jane', last = 'Doe') {
  return jazzhrApi()
    .get(`/v1/applicants/${id}`)
    .query({ apikey: API_KEY })
    .reply(200, applicantDetail({ id, email, first_name: first, last_name: last }));
}

installNockGuards();

describe('findApplicantByEmail with a name', () => {
  it('checks exact name matches first, newest first, and stops at the first email match', async () => {
    listPage(JANE_PATH, 1, [
      applicantSummary(OLD_JANE, 'Jane', 'Doe'),
      applicantSummary(JANET, 'Janet', 'Doerr'),
      applicantSummary(NEW_JANE, 'jane', 'DOE'),
    ]);
    detail(NEW_JANE, 'someone.else@example.com');
    detail(OLD_JANE, ' Jane.Doe@Example.com ');
    // JANET (a loose match) is never read: the exact match was found first.

    const found = await lookup({
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
    });
    expect(found?.id).toBe(OLD_JANE);
    expect(found?.email).toBe(' Jane.Doe@Example.com ');
  });

  it('reads no detail when no listed applicant has exactly that first and last name', async () => {
    // What JazzHR's loose name filter returns for "Ann Lee": no detail mock, so a read is a stray.
    listPage('/v1/applicants/name/Ann%20Lee', 1, [
      applicantSummary(prospectId('20240601080000', 'JOANNLEEDS000000'), 'Joann', 'Leeds'),
      applicantSummary(prospectId('20240602080000', 'ANNIELEE00000000'), 'Annie', 'Lee'),
      applicantSummary(prospectId('20240603080000', 'ANNLEEDS00000000'), 'Ann', 'Leeds'),
      applicantSummary(prospectId('20240604080000', 'ANNALEE000000000'), 'Anna', 'Lee'),
      applicantSummary(prospectId('20240605080000', 'LEEANN0000000000'), 'Lee', 'Ann'),
    ]);
    await expect(
      lookup({ email: 'ann.lee@example.com', firstName: 'Ann', lastName: 'Lee' }),
    ).resolves.toBeUndefined();
  });

  it('compares names without regard to case, accents or extra spaces', async () => {
    const chloe = prospectId('20240601080000', 'CHLOEMULLER00000');
    listPage('/v1/applicants/name/Chlo%C3%A9%20M%C3%BCller', 1, [
      applicantSummary(chloe, ' CHLOE ', 'Muller'),
      applicantSummary(prospectId('20240602080000', 'CHLOEMULLERS0000'), 'Chloé', 'Müllers'),
    ]);
    detail(chloe, 'chloe@example.com', 'Chloe', 'Muller');
    const found = await lookup({
      email: 'chloe@example.com',
      firstName: 'Chloé',
      lastName: 'Müller',
    });
    expect(found?.id).toBe(chloe);
  });

  it('reads a one-applicant answer sent as a bare object (the single-record quirk)', async () => {
    listPage(JANE_PATH, 1, applicantSummary(NEW_JANE, 'Jane', 'Doe'));
    detail(NEW_JANE, 'jane.doe@example.com');
    const found = await lookup({
      email: 'JANE.DOE@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
    });
    expect(found?.id).toBe(NEW_JANE);
  });

  it('returns undefined for an empty list without reading any detail', async () => {
    listPage(JANE_PATH, 1, []);
    await expect(
      lookup({ email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe' }),
    ).resolves.toBeUndefined();
  });

  it('crosses onto page 2 and ranks the exact name found there ahead of page 1', async () => {
    const looseMatches = Array.from({ length: 100 }, (_, index) =>
      applicantSummary(
        prospectId('20240701080000', `LOOSE${String(index).padStart(11, '0')}`),
        'Janette',
        'Doe',
      ),
    );
    listPage(JANE_PATH, 1, looseMatches);
    listPage(JANE_PATH, 2, [applicantSummary(OLD_JANE, 'Jane', 'Doe')]);
    detail(OLD_JANE, 'jane.doe@example.com');
    const found = await lookup({
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
    });
    expect(found?.id).toBe(OLD_JANE);
  });

  it('reads at most 2 list pages and 10 details, then gives up', async () => {
    const page = (n: number) =>
      Array.from({ length: 100 }, (_, index) =>
        applicantSummary(
          prospectId(`2024070${n}080000`, `SAME${String(index).padStart(12, '0')}`),
          'Jane',
          'Doe',
        ),
      );
    listPage(JANE_PATH, 1, page(1));
    listPage(JANE_PATH, 2, page(2));
    // Newest first: page 2's stamps are later, so its first 10 are the ones read.
    const read = page(2).slice(0, NAME_LOOKUP_MAX_DETAILS);
    for (const summary of read) detail(summary.id, 'not.her@example.com');
    await expect(
      lookup({ email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe' }),
    ).resolves.toBeUndefined();
    expect(NAME_LOOKUP_MAX_DETAILS).toBe(10);
  });

  it('honours a smaller maxDetails', async () => {
    listPage(JANE_PATH, 1, [
      applicantSummary(NEW_JANE, 'Jane', 'Doe'),
      applicantSummary(OLD_JANE, 'Jane', 'Doe'),
    ]);
    detail(NEW_JANE, 'other@example.com');
    await expect(
      lookup({ email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', maxDetails: 1 }),
    ).resolves.toBeUndefined();
  });

  it('skips an applicant deleted between the list and the detail read', async () => {
    listPage(JANE_PATH, 1, [
      applicantSummary(NEW_JANE, 'Jane', 'Doe'),
      applicantSummary(OLD_JANE, 'Jane', 'Doe'),
    ]);
    jazzhrApi().get(`/v1/applicants/${NEW_JANE}`).query({ apikey: API_KEY }).reply(404, '');
    detail(OLD_JANE, 'jane.doe@example.com');
    const found = await lookup({
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
    });
    expect(found?.id).toBe(OLD_JANE);
  });

  it('narrows by the one name part given', async () => {
    listPage('/v1/applicants/name/Doe', 1, [applicantSummary(NEW_JANE, 'Jane', 'Doe')]);
    detail(NEW_JANE, 'jane.doe@example.com');
    const found = await lookup({ email: 'jane.doe@example.com', lastName: ' Doe ' });
    expect(found?.id).toBe(NEW_JANE);
  });
});

describe('findApplicantByEmail without a name', () => {
  it(`checks only the newest ${EMAIL_ONLY_MAX_DETAILS} applicants of page 1`, async () => {
    const everyone = Array.from({ length: 100 }, (_, index) =>
      applicantSummary(
        prospectId(
          `20240101${String(index).padStart(6, '0')}`,
          `P${String(index).padStart(15, '0')}`,
        ),
        `First${index}`,
        `Last${index}`,
      ),
    );
    listPage('/v1/applicants', 1, everyone);
    const newest = [...everyone]
      .sort((a, b) => b.id.localeCompare(a.id))
      .slice(0, EMAIL_ONLY_MAX_DETAILS);
    for (const summary of newest.slice(0, -1)) detail(summary.id, 'nobody@example.com');
    const last = newest[newest.length - 1]!;
    detail(last.id, 'jane.doe@example.com');

    const found = await lookup({ email: 'jane.doe@example.com' });
    expect(found?.id).toBe(last.id);
    expect(EMAIL_ONLY_MAX_DETAILS).toBe(25);
  });

  it('makes no request for a blank email', async () => {
    await expect(
      lookup({ email: '   ', firstName: 'Jane', lastName: 'Doe' }),
    ).resolves.toBeUndefined();
  });
});

describe('findApplicantByEmail failures', () => {
  it('turns a 429 into a throttle error instead of "not found"', async () => {
    jazzhrApi().get(`${JANE_PATH}/page/1`).query({ apikey: API_KEY }).reply(429, '');
    const error = await failureOf(
      lookup({ email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe' }),
    );
    expect(error.name).toBe('ThrottledError');
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('reports a rejected key without echoing it', async () => {
    jazzhrApi()
      .get(`${JANE_PATH}/page/1`)
      .query({ apikey: API_KEY })
      .reply(401, { error: 'Invalid API key' });
    const error = await failureOf(
      lookup({ email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe' }),
    );
    expect(userMessage(error)).toMatch(/rejected the API key/);
    expect(errorTexts(error)).not.toContain(API_KEY);
  });

  it('does not swallow a detail read that fails for another reason', async () => {
    listPage(JANE_PATH, 1, [applicantSummary(NEW_JANE, 'Jane', 'Doe')]);
    jazzhrApi()
      .get(`/v1/applicants/${NEW_JANE}`)
      .query({ apikey: API_KEY })
      .reply(200, { _error: 'Something broke' });
    const error = await failureOf(
      lookup({ email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe' }),
    );
    expect(userMessage(error)).toMatch(/Something broke/);
  });
});
