import { activityPeople, USER_DIRECTORY_KEY } from '../../src/triggers/hydrators';
import sample from '../../src/samples/new_activity.json';
import activities from '../fixtures/jazzhr/activities.list.synthetic.json';
import detail from '../fixtures/jazzhr/applicant.detail.synthetic.json';
import users from '../fixtures/jazzhr/users.list.synthetic.json';
import { API_KEY, failureOf, jazzhrApi, userMessage } from '../support/jazzhr';
import { installNockGuards, recordUnmatched } from '../support/nock-guards';
import {
  cacheCallsOf,
  clearCache,
  describeCommonPollingCases,
  hydrate,
  jazzhr,
  poll,
} from './polling-support';
import { pointerTo, readPointer } from './pointers';

installNockGuards();
beforeEach(clearCache);
afterEach(() => jest.restoreAllMocks());

const LIST = '/v1/activities/page/1';
const USERS = '/v1/users/page/1';
const DANA = 'usr_20160511131709_PZEHEMXY9AYAOTRS';
const MARCUS = 'usr_20160511132222_QLIBROB6ILNWD5ZO';
const STEVEN = 'prospect_20160513152410_WUEGUJS8TFT8VNTR';
const GEORGE = 'prospect_20160512181803_UFGDGYCOYQPH48X2';
const [stevenMoved, alanApplied, jobOpened] = activities;

const peoplePointer = (userId: string, objectId: string) =>
  pointerTo('activityPeople', { user_id: userId, object_id: objectId });

const applicantDetail = (id: string, first: string, last: string) => ({
  ...detail,
  id,
  first_name: first,
  last_name: last,
  email: `${first.toLowerCase()}@example.com`,
});

describeCommonPollingCases({
  key: 'new_activity',
  listPath: LIST,
  record: stevenMoved!,
  sample,
  mockLiveItem: () =>
    jazzhrApi()
      .get(LIST)
      .query({ apikey: API_KEY })
      .reply(200, stevenMoved)
      .get(USERS)
      .query({ apikey: API_KEY })
      .reply(200, users)
      .get(`/v1/applicants/${STEVEN}`)
      .query({ apikey: API_KEY })
      .reply(200, applicantDetail(STEVEN, 'Steven', 'Stevenson')),
});

describe('new_activity', () => {
  it('lists newest first by date and time, whatever order JazzHR sends', async () => {
    const requests: string[] = [];
    jazzhr(requests).get(LIST).query({ apikey: API_KEY }).reply(200, activities);
    const items = await poll('new_activity');
    expect(items.map((item) => item.occurred_at)).toEqual([
      '2016-05-13 16:02:33',
      '2016-05-13 15:25:01',
      '2016-05-13 09:00:05',
      '2016-05-12 18:44:07',
    ]);
    expect(items[0]).toMatchObject({
      id: jobOpened?.id,
      category: 'job',
      action: 'Changed the status of Executive Consultant to Open',
      user_id: MARCUS,
      object_id: 'job_20160513151834_OTSLF01TKSHFNRUF',
    });
    expect(readPointer(items[0]?.details)).toEqual({
      type: 'method',
      method: 'hydrators.activityPeople',
      bundle: { user_id: MARCUS, object_id: 'job_20160513151834_OTSLF01TKSHFNRUF' },
    });
    expect(requests).toEqual([`GET ${LIST}`]);
  });

  it('breaks ties on the same second by id, numeric ids as numbers', async () => {
    const at = { date: '2016-05-13', time: '10:00:00' };
    jazzhrApi()
      .get(LIST)
      .query({ apikey: API_KEY })
      .reply(200, [
        { ...stevenMoved, ...at, id: 9 },
        { ...stevenMoved, ...at, id: '10' },
        { ...stevenMoved, ...at, id: '8' },
      ]);
    const items = await poll('new_activity');
    expect(items.map((item) => item.id)).toEqual(['10', '9', '8']);
  });

  it('gives an activity without an id a stable id of its own', async () => {
    const withoutIds = [
      { ...stevenMoved, id: '' },
      { ...alanApplied, id: null },
    ];
    jazzhrApi().get(LIST).query({ apikey: API_KEY }).times(2).reply(200, withoutIds);
    const first = await poll('new_activity');
    const second = await poll('new_activity');
    expect(first.map((item) => item.id)).toEqual(second.map((item) => item.id));
    expect(first[0]?.id).toMatch(/^derived_[0-9a-f]{32}$/);
    expect(first[0]?.id).not.toBe(first[1]?.id);
  });

  it('reads the action from `activity` when JazzHR names it that way', async () => {
    jazzhrApi()
      .get(LIST)
      .query({ apikey: API_KEY })
      .reply(200, { ...stevenMoved, action: '', activity: 'Emailed Steven' });
    const [item] = await poll('new_activity');
    expect(item?.action).toBe('Emailed Steven');
  });

  it('filters by applicant and category as path segments', async () => {
    const requests: string[] = [];
    const path = `/v1/activities/object_id/${STEVEN}/category/applicant%20status/page/1`;
    jazzhr(requests).get(path).query({ apikey: API_KEY }).reply(200, stevenMoved);
    const items = await poll('new_activity', {
      inputData: { applicant_id: STEVEN, category: ' applicant status ' },
    });
    expect(items).toHaveLength(1);
    expect(requests).toEqual([`GET ${path}`]);
  });

  it('treats blank inputs as no filter', async () => {
    jazzhrApi().get(LIST).query({ apikey: API_KEY }).reply(200, []);
    await expect(
      poll('new_activity', { inputData: { applicant_id: '', category: '  ' } }),
    ).resolves.toEqual([]);
  });

  it('rejects an applicant that is not a JazzHR applicant id, before any request', async () => {
    const unmatched = recordUnmatched();
    const error = await failureOf(
      poll('new_activity', { inputData: { applicant_id: 'Steven Stevenson' } }),
    );
    expect(userMessage(error)).toMatch(
      /^Applicant must be a JazzHR ID that starts with "prospect_"/,
    );
    expect(unmatched).toEqual([]);
  });

  it('rejects an overlong category', async () => {
    const error = await failureOf(
      poll('new_activity', { inputData: { category: 'x'.repeat(101) } }),
    );
    expect(userMessage(error)).toBe('Category is longer than 100 characters.');
  });

  it('names the user and the applicant when a pointer is hydrated', async () => {
    const requests: string[] = [];
    jazzhr(requests)
      .get(USERS)
      .query({ apikey: API_KEY })
      .reply(200, users)
      .get(`/v1/applicants/${STEVEN}`)
      .query({ apikey: API_KEY })
      .reply(200, applicantDetail(STEVEN, 'Steven', 'Stevenson'));
    const people = await hydrate(peoplePointer(DANA, STEVEN));
    expect(people).toEqual({
      user_name: 'Dana Whitfield',
      user_email: 'dana.whitfield@example.com',
      applicant_name: 'Steven Stevenson',
      applicant_email: 'steven@example.com',
      applicant_phone: '2345678910',
    });
    expect(requests.sort()).toEqual([`GET ${USERS}`, `GET /v1/applicants/${STEVEN}`].sort());
  });

  it('lists the users once and serves later activities from the cache', async () => {
    const requests: string[] = [];
    jazzhr(requests)
      .get(USERS)
      .query({ apikey: API_KEY })
      .reply(200, users)
      .get(`/v1/applicants/${STEVEN}`)
      .query({ apikey: API_KEY })
      .reply(200, applicantDetail(STEVEN, 'Steven', 'Stevenson'))
      .get(`/v1/applicants/${GEORGE}`)
      .query({ apikey: API_KEY })
      .reply(200, applicantDetail(GEORGE, 'George', 'Washington'));
    await hydrate(peoplePointer(DANA, STEVEN));
    const second = await hydrate(peoplePointer(MARCUS, GEORGE));
    expect(second).toMatchObject({
      user_name: 'Marcus Oyelaran',
      applicant_name: 'George Washington',
    });
    expect(requests.filter((request) => request === `GET ${USERS}`)).toHaveLength(1);
    expect(requests).toHaveLength(3);
  });

  it('reloads the users for an unknown id only once the directory is ten minutes old', async () => {
    const start = Date.parse('2024-03-05T10:00:00Z');
    const now = jest.spyOn(Date, 'now').mockReturnValue(start);
    const stranger = 'usr_20240305095959_NEWUSERNEWUSER01';
    const requests: string[] = [];
    jazzhr(requests).get(USERS).query({ apikey: API_KEY }).reply(200, users);
    await hydrate(peoplePointer(DANA, ''));

    now.mockReturnValue(start + 9 * 60 * 1000);
    await expect(hydrate(peoplePointer(stranger, ''))).resolves.toMatchObject({ user_name: '' });
    expect(requests).toHaveLength(1);

    now.mockReturnValue(start + 11 * 60 * 1000);
    jazzhr(requests)
      .get(USERS)
      .query({ apikey: API_KEY })
      .reply(200, [...users, { id: stranger, first_name: 'Noor', last_name: 'Haddad', email: '' }]);
    await expect(hydrate(peoplePointer(stranger, ''))).resolves.toMatchObject({
      user_name: 'Noor Haddad',
    });
    expect(requests).toHaveLength(2);
  });

  it('keeps the user directory per JazzHR account (cache scope "auth")', async () => {
    jazzhrApi().get(USERS).query({ apikey: API_KEY }).reply(200, users);
    const calls = await cacheCallsOf(activityPeople, {
      authData: { api_key: API_KEY },
      inputData: { user_id: DANA, object_id: '' },
    });
    expect(calls).toEqual([
      ['get', USER_DIRECTORY_KEY, ['auth']],
      [
        'set',
        USER_DIRECTORY_KEY,
        expect.objectContaining({ users: expect.any(Object) }),
        3600,
        ['auth'],
      ],
    ]);
  });

  it('fetches nothing for an activity with no user and no applicant', async () => {
    const unmatched = recordUnmatched();
    await expect(
      hydrate(peoplePointer('', 'job_20160513151834_OTSLF01TKSHFNRUF')),
    ).resolves.toEqual({
      user_name: '',
      user_email: '',
      applicant_name: '',
      applicant_email: '',
      applicant_phone: '',
    });
    expect(unmatched).toEqual([]);
  });

  it('loads a sample of three, listing the users once for all of them', async () => {
    const requests: string[] = [];
    jazzhr(requests)
      .get(LIST)
      .query({ apikey: API_KEY })
      .reply(200, activities)
      .get(USERS)
      .query({ apikey: API_KEY })
      .reply(200, users)
      .get(`/v1/applicants/${STEVEN}`)
      .query({ apikey: API_KEY })
      .reply(200, applicantDetail(STEVEN, 'Steven', 'Stevenson'))
      .get(`/v1/applicants/${GEORGE}`)
      .query({ apikey: API_KEY })
      .reply(200, applicantDetail(GEORGE, 'George', 'Washington'));
    const items = await poll('new_activity', { meta: { isLoadingSample: true } });
    expect(items.map((item) => item.details)).toEqual([
      expect.objectContaining({ user_name: 'Marcus Oyelaran', applicant_name: '' }),
      expect.objectContaining({ user_name: 'Dana Whitfield', applicant_name: 'Steven Stevenson' }),
      expect.objectContaining({ user_name: 'Dana Whitfield', applicant_name: 'George Washington' }),
    ]);
    expect(requests).toHaveLength(4);
  });
});
