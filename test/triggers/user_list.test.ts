import { createAppTester } from 'zapier-platform-core';

import app from '../../index';
import users from '../fixtures/jazzhr/users.list.synthetic.json';
import sample from '../../src/samples/user_list.json';
import userList, { userLabel, perform } from '../../src/triggers/user_list';
import { User } from '../../src/jazzhr/schemas';
import { API_KEY, jazzhrApi, expectEveryMockUsed } from '../support/jazzhr';
import { describeJazzHRFailures } from '../support/jazzhr-error-cases';

const appTester = createAppTester(app);
const run = (page = 0) =>
  appTester(perform, {
    authData: { api_key: API_KEY },
    meta: { page, isFillingDynamicDropdown: true },
  }) as Promise<Record<string, string>[]>;

expectEveryMockUsed();

describe('user_list trigger', () => {
  it('is a hidden dropdown source registered under its key', () => {
    expect(app.triggers.user_list).toBe(userList);
    expect(userList.display.hidden).toBe(true);
  });

  it('labels users "First Last (email)", sorted by name', async () => {
    jazzhrApi().get('/v1/users/page/1').query({ apikey: API_KEY }).reply(200, users);
    const items = await run();
    expect(items.map((item) => item.name)).toEqual([
      'Dana Whitfield (dana.whitfield@example.com)',
      'Marcus Oyelaran (marcus.oyelaran@example.com)',
      'Priya Raman (priya.raman@example.com)',
    ]);
    expect(items[0]).toMatchObject({
      id: 'usr_20160511131709_PZEHEMXY9AYAOTRS',
      type: 'Super Admin',
    });
  });

  it('handles a single user sent as a bare object', async () => {
    jazzhrApi().get('/v1/users/page/1').query(true).reply(200, users[1]);
    expect(await run()).toEqual([expect.objectContaining({ id: users[1]?.id })]);
  });

  it.each(['[]', '', 'null'])('returns nothing for an empty answer %j', async (body) => {
    jazzhrApi().get('/v1/users/page/1').query(true).reply(200, body);
    expect(await run()).toEqual([]);
  });

  it('maps Zapier dropdown page N to JazzHR page N+1', async () => {
    const fullPage = Array.from({ length: 100 }, (_, index) => ({
      ...users[0],
      id: `usr_20240101000000_${String(index).padStart(16, '0')}`,
    }));
    jazzhrApi().get('/v1/users/page/1').query(true).reply(200, fullPage);
    jazzhrApi().get('/v1/users/page/2').query(true).reply(200, [users[2]]);
    expect(await run(0)).toHaveLength(100);
    expect(await run(1)).toEqual([expect.objectContaining({ id: users[2]?.id })]);
  });

  it('labels users with missing names or emails sensibly', () => {
    expect(userLabel(User.parse({ id: 'usr_1', email: 'ops@example.com' }))).toBe(
      'ops@example.com',
    );
    expect(userLabel(User.parse({ id: 'usr_1', first_name: 'Sam' }))).toBe('Sam');
    expect(userLabel(User.parse({ id: 'usr_1' }))).toBe('usr_1');
  });

  it('explains a user JazzHR sent without an id', async () => {
    jazzhrApi()
      .get('/v1/users/page/1')
      .query(true)
      .reply(200, [{ first_name: 'Ghost' }]);
    await expect(run()).rejects.toThrow(/JazzHR sent a users record \(record 1\)/);
  });

  it('has a sample shaped like its output', async () => {
    jazzhrApi().get('/v1/users/page/1').query(true).reply(200, [users[0]]);
    const [item] = await run();
    expect(item).toEqual(sample);
    expect(
      (userList.operation.outputFields ?? []).map((field) => (field as { key: string }).key).sort(),
    ).toEqual(Object.keys(sample).sort());
  });

  describeJazzHRFailures('/v1/users/page/1', () => run());
});
