import { createAppTester } from 'zapier-platform-core';

import app from '../index';
import authentication, { accountOwner, connectionLabelFor } from '../src/authentication';
import { User } from '../src/jazzhr/schemas';
import users from './fixtures/jazzhr/users.list.synthetic.json';
import { API_KEY, jazzhrApi } from './support/jazzhr';
import { describeJazzHRFailures } from './support/jazzhr-error-cases';
import { installNockGuards } from './support/nock-guards';

const appTester = createAppTester(app);
const testAuth = (apiKey: string = API_KEY) =>
  appTester(authentication.test, {
    authData: { api_key: apiKey },
  });

/** Renders the connection label template the way Zapier does: test output keys at the top level. */
function renderLabel(template: string, testResult: Record<string, unknown>): string {
  return template.replace(/{{\s*([\w.]+)\s*}}/g, (_match, key: string) =>
    String(testResult[key] ?? ''),
  );
}

installNockGuards();

describe('authentication', () => {
  it('is registered on the app and asks for one required password field', () => {
    expect(app.authentication).toBe(authentication);
    expect(authentication.type).toBe('custom');
    expect(authentication.fields).toEqual([
      expect.objectContaining({ key: 'api_key', type: 'password', required: true }),
    ]);
    const help = authentication.fields[0]?.helpText ?? '';
    expect(help).toContain('Settings → Integrations');
    expect(help).toContain('only JazzHR admins');
    expect(help).toMatch(/Regenerating the key .* breaks every connection/);
  });

  it('proves the key with one request and labels the connection with the super admin', async () => {
    jazzhrApi()
      .get('/v1/users/page/1')
      .query({ apikey: API_KEY })
      .reply(200, [users[2], users[1], users[0]]);
    const result = await testAuth();
    expect(result).toEqual({
      connection_label: 'Dana Whitfield (dana.whitfield@example.com)',
      account_owner_id: 'usr_20160511131709_PZEHEMXY9AYAOTRS',
      account_owner_name: 'Dana Whitfield',
      account_owner_email: 'dana.whitfield@example.com',
      account_owner_type: 'Super Admin',
    });
    expect(renderLabel(authentication.connectionLabel, result)).toBe(
      'Dana Whitfield (dana.whitfield@example.com)',
    );
  });

  it('accepts an account with a single user sent as a bare object', async () => {
    jazzhrApi().get('/v1/users/page/1').query(true).reply(200, users[2]);
    const result = await testAuth();
    expect(result.connection_label).toBe('Priya Raman (priya.raman@example.com)');
  });

  it('still connects when JazzHR lists no users, leaving the label to Zapier’s default', async () => {
    jazzhrApi().get('/v1/users/page/1').query(true).reply(200, []);
    expect((await testAuth()).connection_label).toBe('');
  });

  it('refuses an empty key without calling JazzHR', async () => {
    await expect(testAuth('   ')).rejects.toThrow(/No JazzHR API key is connected/);
  });

  describeJazzHRFailures('/v1/users/page/1', () => testAuth());
});

describe('accountOwner', () => {
  const user = (fields: Record<string, string>) => User.parse(fields);

  it('prefers a super admin, then an admin, then the oldest user', () => {
    const hiringManager = user({
      id: 'usr_20150101000000_AAAAAAAAAAAAAAAA',
      type: 'Hiring Manager',
    });
    const recruitingAdmin = user({
      id: 'usr_20170101000000_BBBBBBBBBBBBBBBB',
      type: 'Recruiting Admin',
    });
    const superAdmin = user({ id: 'usr_20180101000000_CCCCCCCCCCCCCCCC', type: 'Super Admin' });
    expect(accountOwner([hiringManager, recruitingAdmin, superAdmin])).toBe(superAdmin);
    expect(accountOwner([hiringManager, recruitingAdmin])).toBe(recruitingAdmin);
    expect(accountOwner([recruitingAdmin, hiringManager])?.id).toBe(recruitingAdmin.id);
    expect(
      accountOwner([
        user({ id: 'x2', date_created: '2019-01-01' }),
        user({ id: 'x1', date_created: '2018-06-01' }),
      ])?.id,
    ).toBe('x1');
    expect(
      accountOwner([user({ id: 'no-date' }), user({ id: 'x1', date_created: '2018-06-01' })])?.id,
    ).toBe('x1');
    expect(accountOwner([])).toBeUndefined();
  });

  it('labels the owner by what is there, never by an id or fixed wording', () => {
    expect(connectionLabelFor([user({ id: 'usr_1', email: 'owner@example.com' })])).toBe(
      'owner@example.com',
    );
    expect(connectionLabelFor([user({ id: 'usr_1', first_name: 'Kim' })])).toBe('Kim');
    expect(connectionLabelFor([user({ id: 'usr_1' })])).toBe('');
    expect(connectionLabelFor([])).toBe('');
  });

  it('falls back to the likeliest owner who has a name or email', () => {
    const namelessOwner = user({ id: 'usr_20150101000000_AAAAAAAAAAAAAAAA', type: 'Super Admin' });
    const admin = user({
      id: 'usr_20170101000000_BBBBBBBBBBBBBBBB',
      type: 'Administrator',
      first_name: 'Lee',
      email: 'lee@example.com',
    });
    const recruiter = user({
      id: 'usr_20120101000000_CCCCCCCCCCCCCCCC',
      type: 'Recruiter',
      email: 'old@example.com',
    });
    expect(connectionLabelFor([recruiter, namelessOwner, admin])).toBe('Lee (lee@example.com)');
  });
});
