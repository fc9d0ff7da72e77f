import users from '../fixtures/jazzhr/users.list.synthetic.json';
import { userLabel } from '../../src/triggers/user_list';
import { User } from '../../src/jazzhr/schemas';
import { API_KEY, jazzhrApi } from '../support/jazzhr';
import { installNockGuards } from '../support/nock-guards';
import { runDropdown } from './dropdown-support';

installNockGuards();

describe('user_list trigger', () => {
  it('labels users "First Last (email)", sorted by name', async () => {
    jazzhrApi().get('/v1/users/page/1').query({ apikey: API_KEY }).reply(200, users);
    const items = await runDropdown('user_list');
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

  it('labels users with missing names or emails sensibly', () => {
    expect(userLabel(User.parse({ id: 'usr_1', email: 'ops@example.com' }))).toBe(
      'ops@example.com',
    );
    expect(userLabel(User.parse({ id: 'usr_1', first_name: 'Sam' }))).toBe('Sam');
    expect(userLabel(User.parse({ id: 'usr_1' }))).toBe('usr_1');
  });
});
