/**
 * The operator console on a real relay process (SQLite): over HTTP for its guards, and in a
 * real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) for the flow
 * an operator follows: log in, find the failed delivery, retry it, see it delivered.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser } from 'playwright-core';

import {
  connect,
  relayWithFailedDelivery,
  sendExport,
  useRelayProcesses,
} from './support/failed-delivery';
import type { ConnectionResponse } from '../../src/relay/protocol';
import type { RelayProcess } from './support/process';
import { EXPORT_BODY } from './support/relay';
import { OTHER_VALID_API_KEY } from './support/servers';

const ADMIN_TOKEN = 'console-admin-token-0123456789abcdef';
/** The fixture candidate's name and email: never on a console page. */
const CANDIDATE_DATA = ['Kenny', 'kenny.jazzhr@jazzhr.com', 'Pittsburgh'];
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function form(fields: Record<string, string>, cookie?: string): RequestInit {
  return {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie === undefined ? {} : { cookie }),
    },
    body: new URLSearchParams(fields).toString(),
  };
}

async function logIn(relayUrl: string): Promise<{ cookie: string; setCookie: string }> {
  const response = await fetch(`${relayUrl}/console/login`, form({ token: ADMIN_TOKEN }));
  expect(response.status).toBe(303);
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

async function page(url: string, cookie: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  return { status: response.status, html: await response.text() };
}

/** A login POSTed from another loopback address, so the relay sees a second client. */
function logInFrom(localAddress: string, relayUrl: string, token: string): Promise<number> {
  const body = new URLSearchParams({ token }).toString();
  return new Promise((resolve, reject) => {
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
    };
    const post = request(
      `${relayUrl}/console/login`,
      { method: 'POST', localAddress, headers },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    post.on('error', reject);
    post.end(body);
  });
}

function csrfOf(html: string): string {
  return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
}

describe('operator console', () => {
  const setup = useRelayProcesses({
    env: () => ({ RELAY_ADMIN_TOKEN: ADMIN_TOKEN }),
    each: 'file',
  });
  const { processes, target } = setup;
  let relay: RelayProcess;
  let connectionId: string;

  beforeAll(async () => {
    const failed = await relayWithFailedDelivery(setup);
    relay = failed.relay;
    connectionId = failed.connection.id;
  });

  it('is off (404) without RELAY_ADMIN_TOKEN', async () => {
    const bare = await processes.start({ RELAY_ADMIN_TOKEN: '' });
    expect((await fetch(`${bare.url}/console`)).status).toBe(404);
    expect((await fetch(`${bare.url}/console/login`, form({ token: 'x' }))).status).toBe(404);
    await processes.stop(bare);
  });

  it('serves the login form with strict security headers, and refuses a wrong token', async () => {
    const response = await fetch(`${relay.url}/console`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('script-src');
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).toContain('name="token"');
    // The one inline style block is allowed by its exact hash, or the browser drops it.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);

    const wrong = await fetch(`${relay.url}/console/login`, form({ token: 'not-the-token' }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('That token is not this relay’s RELAY_ADMIN_TOKEN.');
  });

  it('limits failed logins per address: 429 with Retry-After and no hint about the token', async () => {
    // A relay of its own, so the other tests' logins from this address are not limited.
    const limited = await processes.start();
    const logInWith = (token: string) => fetch(`${limited.url}/console/login`, form({ token }));
    for (let i = 0; i < 9; i += 1) expect((await logInWith(`wrong-${i}`)).status).toBe(401);
    // Under the limit the right token still gets in.
    expect((await logInWith(ADMIN_TOKEN)).status).toBe(303);
    expect((await logInWith('wrong-9')).status).toBe(401);

    // Ten failures: now even the right token is refused, with the same answer as a wrong one.
    for (const token of [ADMIN_TOKEN, 'wrong-10']) {
      const refused = await logInWith(token);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('set-cookie')).toBeNull();
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(890);
      expect(retryAfter).toBeLessThanOrEqual(900);
      const html = await refused.text();
      expect(html).toContain(`Too many failed sign-ins; try again in ${retryAfter} seconds.`);
      expect(html).toContain('name="token"');
      expect(html).not.toContain('That token is not');
    }
    // The operator API takes the same token, so it shares the count.
    const operator = await fetch(`${limited.url}/v1/operator/recover`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ since: new Date().toISOString() }),
    });
    expect(operator.status).toBe(429);
    expect(operator.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another client address is not limited.
    expect(await logInFrom('127.0.0.2', limited.url, ADMIN_TOKEN)).toBe(303);
    await limited.waitForLog(
      (line) => line.msg === 'console login refused' && line.reason === 'too many failed sign-ins',
    );
    await processes.stop(limited);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie on /console, not Secure over plain http', async () => {
    const { setCookie } = await logIn(relay.url);
    expect(setCookie).toMatch(/^relay_console=[^;]+; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/console');
    expect(setCookie).not.toContain('Secure');
  });

  it('marks the cookie Secure when RELAY_PUBLIC_URL is https', async () => {
    const tls = await processes.start({ RELAY_PUBLIC_URL: 'https://relay.example.com' });
    expect((await logIn(tls.url)).setCookie).toContain('Secure');
    await processes.stop(tls);
  });

  it('sends a visitor without a session to the login form, and a forged session too', async () => {
    const detail = `${relay.url}/console/connections/${connectionId}`;
    expect((await page(detail, '')).status).toBe(303);
    const forged = `relay_console=${Date.now() + 3_600_000}.forged`;
    expect((await page(detail, forged)).status).toBe(303);
    expect((await page(`${relay.url}/console`, forged)).html).toContain('name="token"');
  });

  it('lists connections and shows ids, statuses and errors, never candidate data or hook URLs', async () => {
    const { cookie } = await logIn(relay.url);
    const list = await page(`${relay.url}/console`, cookie);
    expect(list.html).toContain(connectionId);
    expect(list.html).toMatch(/<td class="">confirmed \d{4}-\d{2}-\d{2}/);
    const detail = await page(`${relay.url}/console/connections/${connectionId}`, cookie);
    expect(detail.status).toBe(200);
    expect(detail.html).toContain('uuid-to-recover');
    expect(detail.html).toContain('status-failed');
    expect(detail.html).toContain(new URL(target.url).host);
    expect(detail.html).not.toContain(`${target.url}/hook`);
    for (const text of [...CANDIDATE_DATA, ADMIN_TOKEN]) {
      expect(list.html).not.toContain(text);
      expect(detail.html).not.toContain(text);
    }
  });

  it('refuses a POST with a wrong or missing CSRF token (403) and changes nothing', async () => {
    const { cookie } = await logIn(relay.url);
    const detail = await page(`${relay.url}/console/connections/${connectionId}`, cookie);
    const deliveryId = /\/console\/deliveries\/([^/]+)\/retry/.exec(detail.html)![1]!;
    const retry = `${relay.url}/console/deliveries/${deliveryId}/retry`;
    expect((await fetch(retry, form({ csrf: 'forged' }, cookie))).status).toBe(403);
    expect((await fetch(retry, form({}, cookie))).status).toBe(403);
    expect((await fetch(retry, form({ csrf: csrfOf(detail.html) }))).status).toBe(403);
    const after = await page(`${relay.url}/console/connections/${connectionId}`, cookie);
    expect(after.html).toContain('status-failed');
    expect(target.received).toHaveLength(0);
  });

  it('names the bad field of a recovery range and requeues nothing', async () => {
    const { cookie } = await logIn(relay.url);
    const detail = await page(`${relay.url}/console/connections/${connectionId}`, cookie);
    const response = await fetch(
      `${relay.url}/console/connections/${connectionId}/recover`,
      form(
        { csrf: csrfOf(detail.html), since: '2026-12-02T10:00', until: '2026-12-01T10:00' },
        cookie,
      ),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('since must not be after until');
  });

  describe('erasing a candidate', () => {
    const EMAIL = 'kenny.jazzhr@jazzhr.com';
    /** The same email under another JazzHR person id, and another candidate who must stay. */
    const sameEmail = Buffer.from(EXPORT_BODY.toString('utf8').replaceAll('39011522', '39011999'));
    const otherCandidate = Buffer.from(
      EXPORT_BODY.toString('utf8')
        .replace(EMAIL, 'ada@example.com')
        .replaceAll('39011522', '55501'),
    );
    const KENNY = ['kenny-first', 'kenny-second'];
    let connection: ConnectionResponse;
    let detailUrl: string;
    let erasePath: string;

    // A connection of its own (another API key, no subscription): the other tests see no change.
    beforeAll(async () => {
      connection = await connect(relay.url, OTHER_VALID_API_KEY);
      await sendExport(relay.url, connection, 'kenny-first');
      await sendExport(relay.url, connection, 'kenny-second', sameEmail);
      await sendExport(relay.url, connection, 'ada-kept', otherCandidate);
      detailUrl = `${relay.url}/console/connections/${connection.id}`;
      erasePath = `${detailUrl}/erase-candidate`;
    });

    const erase = (fields: Record<string, string>, cookie: string) =>
      fetch(erasePath, form({ email: '', candidate_id: '', ...fields }, cookie));

    async function storedUuids(): Promise<string[]> {
      const response = await fetch(`${relay.url}/v1/connections/${connection.id}/exports`, {
        headers: { authorization: `Bearer ${OTHER_VALID_API_KEY}` },
      });
      const { exports } = (await response.json()) as { exports: Array<{ uuid: string }> };
      return exports.map((item) => item.uuid).sort();
    }

    it.each([
      ['neither field', {}, 'Give exactly one of email and candidate_id'],
      ['both fields', { email: EMAIL, candidate_id: '39011522' }, 'Give exactly one of email and'],
      ['an over-long email', { email: `${'k'.repeat(320)}@x.com` }, 'email must be at most 320'],
    ])('shows the page again with 400 for %s, echoing nothing', async (_case, fields, message) => {
      const { cookie } = await logIn(relay.url);
      const csrf = csrfOf((await page(detailUrl, cookie)).html);
      const refused = await erase({ csrf, ...fields }, cookie);
      expect(refused.status).toBe(400);
      const html = await refused.text();
      expect(html).toContain(message);
      expect(html).toContain('<h2>Erase a candidate</h2>');
      expect(html).toContain('kenny-first');
      expect(html).not.toContain(EMAIL);
      expect(html).not.toContain('kkkkkkkk');
      expect(await storedUuids()).toEqual(['ada-kept', ...KENNY]);
    });

    it('refuses a wrong CSRF token (403) and erases nothing', async () => {
      const { cookie } = await logIn(relay.url);
      const refused = await erase({ csrf: 'forged', email: EMAIL }, cookie);
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain(EMAIL);
      expect(await storedUuids()).toEqual(['ada-kept', ...KENNY]);
    });

    it('erases every export of the candidate, says how many, and the email goes nowhere', async () => {
      const { cookie } = await logIn(relay.url);
      const csrf = csrfOf((await page(detailUrl, cookie)).html);
      const answers: string[] = [];
      const eraseAndFollow = async () => {
        const response = await erase({ csrf, email: '  Kenny.JazzHR@JazzHR.com ' }, cookie);
        expect(response.status).toBe(303);
        const location = response.headers.get('location') ?? '';
        const after = await page(new URL(location, relay.url).href, cookie);
        answers.push(location, await response.text(), after.html);
        return { location, html: after.html };
      };

      const first = await eraseAndFollow();
      expect(first.location).toBe(`/console/connections/${connection.id}?notice=erased&count=2`);
      expect(first.html).toContain('Erased 2 exports of that candidate.');
      for (const uuid of KENNY) expect(first.html).not.toContain(uuid);
      expect(first.html).toContain('ada-kept');
      expect(await storedUuids()).toEqual(['ada-kept']);
      await relay.waitForLog(
        (line) => line.msg === 'candidate erased' && line.by === 'email' && line.exports === 2,
      );

      expect((await eraseAndFollow()).html).toContain('No stored export matched.');
      // Only the fixed notice codes put words on the page, not what an object inherits.
      const inherited = await page(`${detailUrl}?notice=constructor&count=2`, cookie);
      expect(inherited.html).not.toContain('role="status"');
      const logs = JSON.stringify(relay.logs).toLowerCase();
      for (const text of [...answers, logs]) expect(text.toLowerCase()).not.toContain(EMAIL);
    });
  });

  describe('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    });
    afterAll(async () => {
      await browser.close();
    });

    it('logs in, retries the failed delivery and sees it delivered', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const tab = await context.newPage();
      await tab.goto(`${relay.url}/console`);
      await tab.fill('input[name=token]', 'a-wrong-token');
      await tab.click('button[type=submit]');
      await tab.getByText('That token is not this relay’s RELAY_ADMIN_TOKEN.').waitFor();

      await tab.fill('input[name=token]', ADMIN_TOKEN);
      await tab.click('button[type=submit]');
      const row = tab.locator('tr', { hasText: connectionId });
      await expect(row.locator('td').nth(2).innerText()).resolves.toMatch(/^confirmed /);
      expect(await row.locator('td').nth(6).innerText()).toBe('1');
      await row.getByRole('link').click();

      const failed = tab
        .locator('tr', { hasText: 'uuid-to-recover' })
        .filter({ hasText: 'failed' });
      await failed.getByRole('button', { name: 'Retry' }).click();
      await tab.getByText('The delivery is pending again').waitFor();
      const delivered = tab.locator('td.status-delivered');
      for (let reloads = 0; reloads < 40 && (await delivered.count()) === 0; reloads += 1) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        await tab.reload();
      }
      expect(await delivered.innerText()).toBe('delivered');
      expect(target.received).toHaveLength(1);
      expect(target.received[0]!.headers['x-jazzhr-uuid']).toBe('uuid-to-recover');

      await tab.screenshot({ path: join(tmpdir(), 'relay-console-laptop.png'), fullPage: true });
      await tab.setViewportSize({ width: 390, height: 844 });
      await tab.screenshot({ path: join(tmpdir(), 'relay-console-phone.png'), fullPage: true });

      await tab.getByRole('button', { name: 'Log out' }).click();
      await tab.getByText('You are logged out.').waitFor();
      await context.close();
    });
  });
});
