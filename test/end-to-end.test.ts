/**
 * A signed export through the relay to a local "Zapier" that runs the app's
 * candidate_exported perform, and the flat item comes out. Everything of ours is real: the
 * relay (in-process, on loopback, SQLite in a temp dir, its delivery worker running on the
 * wall clock), the app (createAppTester) and its relay client. Stand-ins exist only for
 * what cannot be reached: JazzHR's API (a loopback server answering the key check) and
 * Zapier (the hook target servers below, and its cache RPC through nock).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';

import nock from 'nock';
import { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';

import app from '../index';
import type candidateExportedTrigger from '../src/triggers/candidate_exported';
import { systemClock } from '../src/relay/clock';
import { simulate } from '../src/relay/simulate';
import type { Store } from '../src/relay/store/types';
import { RELAY_ACCESS_TOKEN_ENV, RELAY_URL_ENV } from '../src/relay-client';
import { CANDIDATE_EXPORTED_SAMPLE } from '../src/triggers/candidate_exported/output';
import {
  candidateExportedItemSchema,
  type CandidateExportedItem,
  type SubscribeData,
} from '../src/triggers/candidate_exported/steps';
import { createSqliteDatabase, type TestDatabase } from './relay/support/databases';
import { hmacHex, jazzhrHeaders, startTestRelay, type TestRelay } from './relay/support/relay';
import { RecordingServer, VALID_API_KEY, type ReceivedRequest } from './relay/support/servers';

/** The sample export exactly as the file holds it: the bytes JazzHR signs and the relay keeps. */
const EXPORT_BODY = readFileSync(join(__dirname, '../src/samples/candidate-export.body.json'));
const EXPORT_CONTEXT = 'job_20240412150513_NXHAJRBBMEYWLCQY';
const PROFILE_LINK = 'https://app.jazz.co/app/v2/candidate/39011522';
const ACCESS_TOKEN = 'e2e-relay-access-token-5c1f9a7b3d';
const DEPLOY_KEY = 'e2e-zapier-deploy-key';
const AUTH = { api_key: VALID_API_KEY };

const appTester = createAppTester(app);
// The trigger as registered in the app, which is what appTester runs.
const candidateExported = hookOperation(app.triggers!.candidate_exported!.operation);

/** The app's own functions for the hook, checked to be there. */
function hookOperation(operation: typeof candidateExportedTrigger.operation) {
  if (operation.type !== 'hook') throw new Error('candidate_exported must be a hook trigger');
  const operationFunction = (value: unknown, name: string) => {
    if (typeof value !== 'function') throw new Error(`candidate_exported has no ${name}`);
    return value as (z: ZObject, bundle: Bundle) => Promise<unknown>;
  };
  return {
    perform: operationFunction(operation.perform, 'perform'),
    performList: operationFunction(operation.performList, 'performList'),
    performSubscribe: operationFunction(operation.performSubscribe, 'performSubscribe'),
    performUnsubscribe: operationFunction(operation.performUnsubscribe, 'performUnsubscribe'),
    setupField: operationFunction(
      operation.inputFields?.find((field) => typeof field === 'function'),
      'setup field',
    ),
  };
}

/**
 * appTester's own z.cache mock answers `true` to every set and ignores `nx`, so through it
 * the trigger's set-if-absent dedupe could never say "seen". Without the mock, core sends
 * cache calls to Zapier's RPC endpoint; this stands in for it with the documented
 * semantics (a set with nx succeeds only for an absent key), so a replay can be refused
 * here just as on Zapier.
 */
const zapierCache = new Map<string, string>();
const cacheSets: Array<{ key: string; ttl: unknown; nx: unknown }> = [];
function standInForZapierCache(): void {
  (appTester as unknown as { zcacheTestObj?: object }).zcacheTestObj = undefined;
  nock('https://rpc.zapier.com')
    .persist()
    .post('/cli')
    .matchHeader('x-deploy-key', DEPLOY_KEY)
    .reply((_uri, body) => {
      const call = (typeof body === 'string' ? JSON.parse(body) : body) as {
        id: string;
        method: string;
        params: unknown[];
      };
      const { id, method, params } = call;
      const [key, value, ttl, , nx] = params as [string, string, unknown, unknown, unknown];
      switch (method) {
        case 'zcache_set': {
          cacheSets.push({ key, ttl, nx });
          if (nx === true && zapierCache.has(key)) return [200, { id, result: false }];
          zapierCache.set(key, value);
          return [200, { id, result: true }];
        }
        case 'zcache_get':
          return [200, { id, result: zapierCache.get(key) ?? null }];
        case 'zcache_delete':
          return [200, { id, result: zapierCache.delete(key) }];
        default:
          return [200, { id, error: `the stand-in does not know ${method}` }];
      }
    });
}

/** `x-jazzhr-uuid` → `Http-X-Jazzhr-Uuid`: how Zapier hands a hook's headers to perform. */
function zapierHeaderName(name: string): string {
  const camel = name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-');
  return `Http-${camel}`;
}

/** The bundle Zapier builds for a request to a Zap's hook URL. */
function hookBundle(
  request: ReceivedRequest,
  subscribeData: SubscribeData,
  inputData: Record<string, string> = {},
) {
  const content = request.body.toString('utf8');
  const querystring = request.path.split('?')[1] ?? '';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined)
      headers[zapierHeaderName(name)] = Array.isArray(value) ? value.join(', ') : value;
  }
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(content) as Record<string, unknown>;
  } catch {
    // Zapier hands over an empty object for a body that is not JSON.
  }
  return {
    authData: AUTH,
    subscribeData,
    inputData,
    rawRequest: { method: 'POST' as const, querystring, headers, content },
    cleanedRequest: {
      ...parsed,
      querystring: Object.fromEntries(new URLSearchParams(querystring)),
    },
  };
}

/**
 * One Zap's hook URL. Like Zapier it answers 200 at once and runs the trigger's perform
 * on what arrived; each run is kept with the request that caused it.
 */
class ZapTarget {
  readonly server = new RecordingServer();
  readonly runs: Array<{ request: ReceivedRequest; items: Promise<CandidateExportedItem[]> }> = [];
  subscribeData: SubscribeData | undefined;

  /** `inputData`: the Zap's trigger inputs (integration name, filters), as Zapier passes them to every call. */
  constructor(
    private readonly name: string,
    readonly inputData: Record<string, string> = {},
  ) {}

  async start(): Promise<this> {
    this.server.respond = (request) => {
      const subscribeData = this.subscribeData;
      if (!subscribeData) throw new Error(`${this.name} got a request before it subscribed`);
      if (request.method !== 'POST') throw new Error(`${this.name} got a ${request.method}`);
      const items = appTester(
        candidateExported.perform,
        hookBundle(request, subscribeData, this.inputData),
      );
      // Awaited by the tests; this only keeps a failed run from being unhandled meanwhile.
      items.catch(() => undefined);
      this.runs.push({ request, items: items as Promise<CandidateExportedItem[]> });
      return 200;
    };
    await this.server.start();
    return this;
  }

  get url(): string {
    return `${this.server.url}/hooks/standard/4242/${this.name}/`;
  }

  /** The items of the `index`th run, once that many requests have arrived. */
  async run(index: number): Promise<{ request: ReceivedRequest; items: CandidateExportedItem[] }> {
    await this.server.waitFor(index + 1);
    const run = this.runs[index]!;
    return { request: run.request, items: await run.items };
  }

  /** Posts straight to the hook URL, as anyone who learnt it could. */
  async post(body: Buffer | string, headers: Record<string, string>): Promise<void> {
    const response = await fetch(this.url, { method: 'POST', headers, body });
    expect(response.status).toBe(200);
  }
}

/** The JazzHR headers of a delivery the relay made, to send again. */
function jazzhrHeadersOf(request: ReceivedRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of [
    'content-type',
    'x-jazzhr-event',
    'x-jazzhr-uuid',
    'x-jazzhr-signature',
    'x-jazzhr-export-context',
    'link',
  ]) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

let database: TestDatabase;
let store: Store;
let relay: TestRelay;
const zapA = new ZapTarget('zap-a');
const zapB = new ZapTarget('zap-b');
/** Zaps fed by named JazzHR integrations: each has its own channel on the relay. */
const zapPayroll = new ZapTarget('zap-payroll', {
  integration_name: 'Zapier – Payroll',
  status_category: 'Hired',
});
const zapScreening = new ZapTarget('zap-screening', { integration_name: 'Phone Screen → Slack' });
const ZAPS = [zapA, zapB, zapPayroll, zapScreening];
let connection: { id: string; ingestUrl: string; secret: string };
let firstExport: { uuid: string; item: CandidateExportedItem };
/** What z.console.log wrote (console.log under appTester): in this test, and in the whole file. */
let logLines: string[] = [];
const allLogLines: string[] = [];
let logSpy: jest.SpyInstance;
const savedEnv = { ...process.env };

/** Fails instead of waiting for ever, so a stuck shutdown shows up as an error. */
async function withDeadline<T>(promise: Promise<T> | undefined, ms: number, message: string) {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function postExport(body: Buffer, headers: Record<string, string>) {
  const response = await fetch(connection.ingestUrl, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function deliveriesOf(exportUuid: string) {
  const { status, body } = await relay.api('GET', `/v1/connections/${connection.id}/deliveries`, {
    key: VALID_API_KEY,
    token: ACCESS_TOKEN,
  });
  expect(status).toBe(200);
  return (body.deliveries as Array<Record<string, unknown>>).filter(
    (delivery) => delivery.export_uuid === exportUuid,
  );
}

beforeAll(async () => {
  // Zapier's runtime wraps http(s).request for its logs with a function of two arguments,
  // which turns the relay's request(url, options, callback) into a GET without a callback.
  // The relay never runs inside Zapier; here it shares the process, so the wrap is skipped
  // (the test environment takes the flag away again after this file).
  for (const httpModule of [http, https] as unknown as Array<{ patchedByZapier?: boolean }>)
    httpModule.patchedByZapier = true;
  if (process.env.ZAPIER_BASE_ENDPOINT)
    throw new Error('Unset ZAPIER_BASE_ENDPOINT: the cache stand-in answers for rpc.zapier.com.');
  // Only Zapier's cache RPC is intercepted; the relay, the targets and JazzHR's stand-in
  // are real servers on loopback.
  nock.disableNetConnect();
  nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host));
  standInForZapierCache();

  database = await createSqliteDatabase();
  store = await database.openStore();
  relay = await startTestRelay(store, {
    config: { accessToken: ACCESS_TOKEN, deliveryTimeoutMs: 10_000 },
    relay: { clock: systemClock, random: Math.random, startWorker: true },
  });
  for (const zap of ZAPS) await zap.start();
  process.env[RELAY_URL_ENV] = relay.relay.url;
  process.env[RELAY_ACCESS_TOKEN_ENV] = ACCESS_TOKEN;
  process.env.ZAPIER_DEPLOY_KEY = DEPLOY_KEY;
});

beforeEach(() => {
  logLines = [];
  logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    const line = args.map(String).join(' ');
    logLines.push(line);
    allLogLines.push(line);
  });
});

afterEach(() => {
  logSpy.mockRestore();
  // A request a Zap could not take (answered 500) fails the test that caused it.
  expect(ZAPS.flatMap((zap) => zap.server.errors).map(String)).toEqual([]);
});

afterAll(async () => {
  await Promise.all(ZAPS.map((zap) => zap.server.stop()));
  try {
    await withDeadline(relay?.close(), 15_000, 'the relay did not stop within 15 s');
  } finally {
    await database?.drop();
  }
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
  for (const name of [RELAY_URL_ENV, RELAY_ACCESS_TOKEN_ENV, 'ZAPIER_DEPLOY_KEY']) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

describe('a candidate export, end to end', () => {
  it('runs the app from its TypeScript source, not a compiled copy', () => {
    expect(require.resolve('../index')).toBe(join(__dirname, '../index.ts'));
  });

  it('subscribes two Zaps through the relay and tells the user where JazzHR should post', async () => {
    for (const zap of [zapA, zapB]) {
      zap.subscribeData = (await appTester(candidateExported.performSubscribe, {
        authData: AUTH,
        targetUrl: zap.url,
      })) as SubscribeData;
    }
    const [a, b] = [zapA.subscribeData!, zapB.subscribeData!];
    expect(a).toEqual({
      id: expect.stringMatching(/^sub_/),
      connection_id: expect.stringMatching(/^con_/),
      secret: expect.any(String),
    });
    expect(b.connection_id).toBe(a.connection_id);
    expect(b.id).not.toBe(a.id);
    expect(b.secret).not.toBe(a.secret);

    const [field] = (await appTester(candidateExported.setupField, { authData: AUTH })) as Array<{
      type: string;
      helpText: string;
    }>;
    expect(field?.type).toBe('copy');
    const ingestUrl = /webhook URL: `([^`]+)`/.exec(field?.helpText ?? '')?.[1];
    const secret = /\*\*Secret Key\*\*: `([^`]+)`/.exec(field?.helpText ?? '')?.[1];
    expect(ingestUrl).toMatch(new RegExp(`/hooks/jazzhr/${a.connection_id}$`));
    expect(secret).toMatch(/^\S{32,}$/);
    connection = { id: a.connection_id, ingestUrl: ingestUrl!, secret: secret! };

    // Saving the integration in JazzHR sends a signed VERIFY, which the relay must accept.
    const out: string[] = [];
    const code = await simulate(
      [connection.ingestUrl, '--secret', connection.secret, '--event', 'VERIFY'],
      { fetch, out: (line) => out.push(line), err: (line) => out.push(line) },
    );
    expect({ code, out }).toEqual({ code: 0, out: expect.arrayContaining(['HTTP 200 OK']) });
    // Three relay calls with one key, one check of it against JazzHR.
    expect(relay.jazzhr.received).toHaveLength(1);
  });

  it('delivers a signed export to each Zap, whose perform returns one flat item', async () => {
    const uuid = randomUUID();
    const answer = await postExport(
      EXPORT_BODY,
      jazzhrHeaders(EXPORT_BODY, connection.secret, uuid),
    );
    expect(answer).toEqual({
      status: 200,
      body: expect.objectContaining({ uuid, duplicate: false, deliveries: 2 }),
    });

    for (const zap of [zapA, zapB]) {
      const { request, items } = await zap.run(0);
      // The relay forwards JazzHR's bytes verbatim, signed with this Zap's own secret.
      expect(request.body.equals(EXPORT_BODY)).toBe(true);
      expect(request.headers['x-jazzhr-signature']).toBe(
        hmacHex(EXPORT_BODY, zap.subscribeData!.secret),
      );
      expect(items).toHaveLength(1);
      const [item] = items;
      expect(candidateExportedItemSchema.strict().parse(item)).toEqual(item);
      expect(item).toMatchObject({
        id: uuid,
        export_uuid: uuid,
        candidate_id: '39011522',
        first_name: 'Kenny',
        last_name: 'JazzHR',
        full_name: 'Kenny JazzHR',
        email: 'kenny.jazzhr@jazzhr.com',
        phone: '888-353-0887',
        address_line: '685 West 82st St',
        city: 'Pittsburgh',
        state: 'PA',
        postal_code: '15233',
        apply_date: '2018-09-17',
        job_id: '934951',
        job_title: 'Sample Job',
        job_url: 'https://asuresoftwarenfr.applytojob.com/apply/tZqAHP6nnh/Sample-Job',
        application_id: '39187151',
        status: 'New',
        status_category: 'Active',
        status_changed_at: '2018-09-17T17:18:30.000Z',
        resume_file_name: 'ResumeTest.docx',
        profile_url: PROFILE_LINK,
        export_context: EXPORT_CONTEXT,
      });
      expect(item!.attachments.map((attachment) => attachment.file_name)).toEqual([
        'ResumeTest.docx',
        'applicant summary.pdf',
      ]);
      // The applicant id and the résumé are pointers Zapier resolves only when a step uses them.
      expect(item!.applicant_id).toMatch(/^hydrate\|\|\|.*candidateExportApplicantId/);
      expect(item!.resume_file).toMatch(/^hydrate\|\|\|.*candidateExportResumeFile/);
      expect(Object.keys(item!).sort()).toEqual(Object.keys(CANDIDATE_EXPORTED_SAMPLE).sort());
      firstExport = { uuid, item: item! };
    }

    // Each Zap claimed the UUID once, for at least a day.
    const claims = cacheSets.filter(({ key }) => key.endsWith(uuid));
    expect(claims).toHaveLength(2);
    for (const claim of claims) {
      expect(claim.nx).toBe(true);
      expect(claim.ttl).toBeGreaterThanOrEqual(24 * 60 * 60);
    }
  });

  it('yields no second item for the same UUID: the relay drops a repeat, the trigger a replay', async () => {
    const { uuid } = firstExport;
    const again = await postExport(
      EXPORT_BODY,
      jazzhrHeaders(EXPORT_BODY, connection.secret, uuid),
    );
    expect(again).toEqual({
      status: 200,
      body: expect.objectContaining({ uuid, duplicate: true, deliveries: 0 }),
    });
    // The repeat made no delivery: still one per Zap, both done on the first attempt.
    const deliveries = await deliveriesOf(uuid);
    expect(deliveries).toHaveLength(2);
    expect(deliveries.map((delivery) => delivery.subscription_id).sort()).toEqual(
      [zapA.subscribeData!.id, zapB.subscribeData!.id].sort(),
    );
    for (const delivery of deliveries)
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 1 });

    // The relay's dedupe is not the only guard: the same delivery sent to the hook again
    // (a retry whose answer was lost, or a replay) is refused by the trigger's own claim.
    const first = await zapA.run(0);
    await zapA.post(first.request.body, jazzhrHeadersOf(first.request));
    expect((await zapA.run(1)).items).toEqual([]);
    expect(logLines.join('\n')).toContain(`export ${uuid} was already delivered`);
    expect(zapA.server.received).toHaveLength(2);
    expect(zapB.server.received).toHaveLength(1);
  });

  it('ignores a tampered delivery, and one signed for another Zap', async () => {
    const delivered = (await zapA.run(0)).request;
    const uuid = randomUUID();
    const headers = { ...jazzhrHeadersOf(delivered), 'x-jazzhr-uuid': uuid };
    const tampered = Buffer.from(delivered.body.toString('utf8').replace('Kenny', 'Kennx'));
    expect(tampered.equals(delivered.body)).toBe(false);

    await zapA.post(tampered, headers);
    expect((await zapA.run(2)).items).toEqual([]);
    await zapA.post(delivered.body, {
      ...headers,
      'x-jazzhr-signature': hmacHex(delivered.body, zapB.subscribeData!.secret),
    });
    expect((await zapA.run(3)).items).toEqual([]);
    expect(
      logLines.filter((line) => line.includes('signature check failed (mismatch)')),
    ).toHaveLength(2);

    // The same bytes and UUID, correctly signed, do make an item: only the tampering failed.
    await zapA.post(delivered.body, headers);
    expect((await zapA.run(4)).items).toEqual([expect.objectContaining({ id: uuid })]);
  });

  it('lists the stored export through the relay in the shape perform returns', async () => {
    const items = (await appTester(candidateExported.performList, {
      authData: AUTH,
      meta: { limit: 3, isLoadingSample: true },
    })) as CandidateExportedItem[];
    // Only the one export reached the relay (the VERIFY and the replays did not store anything).
    expect(items).toHaveLength(1);
    const [listed] = items;
    expect(candidateExportedItemSchema.strict().parse(listed)).toEqual(listed);
    const { item } = firstExport;
    // Times derived from receipt are the relay's in both: the delivery said when it received the export.
    const withoutReceiptTimes = (value: CandidateExportedItem) => ({
      ...value,
      received_at: undefined,
      attachments: value.attachments.map((attachment) => ({
        ...attachment,
        expires_at: undefined,
      })),
    });
    expect(withoutReceiptTimes(listed!)).toEqual(withoutReceiptTimes(item));
    expect(Date.parse(listed!.received_at)).toBeLessThanOrEqual(Date.parse(item.received_at));
    expect(listed).toEqual(item);
  });

  it('stops delivering to a Zap once it unsubscribes, and keeps delivering to the other', async () => {
    const unsubscribe = (subscribeData: SubscribeData, targetUrl: string) =>
      appTester(candidateExported.performUnsubscribe, {
        authData: AUTH,
        subscribeData,
        targetUrl,
      });
    expect(await unsubscribe(zapA.subscribeData!, zapA.url)).toEqual({
      id: zapA.subscribeData!.id,
      deleted: true,
    });
    // Zapier may call it again, which must not fail.
    await expect(unsubscribe(zapA.subscribeData!, zapA.url)).resolves.toMatchObject({
      id: zapA.subscribeData!.id,
    });

    // What an operator would run: `npm run simulate` sends the sample with a fresh UUID.
    const out: string[] = [];
    const code = await simulate([connection.ingestUrl, '--secret', connection.secret], {
      fetch,
      out: (line) => out.push(line),
      err: (line) => out.push(line),
    });
    expect(code).toBe(0);
    const uuid = /^Sending CANDIDATE-EXPORT (\S+) /.exec(out[0] ?? '')?.[1];
    expect(uuid).toBeDefined();
    expect(JSON.parse(out[2]!)).toMatchObject({ uuid, duplicate: false, deliveries: 1 });

    const { request, items } = await zapB.run(1);
    expect(request.headers['x-jazzhr-uuid']).toBe(uuid);
    expect(items).toEqual([expect.objectContaining({ id: uuid, full_name: 'Kenny JazzHR' })]);
    // Deliveries are made when an export is stored; none was made for the removed Zap.
    const deliveries = await deliveriesOf(uuid!);
    expect(deliveries).toEqual([
      expect.objectContaining({ subscription_id: zapB.subscribeData!.id, status: 'delivered' }),
    ]);
    expect(zapA.server.received.map((received) => received.headers['x-jazzhr-uuid'])).not.toContain(
      uuid,
    );
  });

  it('kept keys, secrets and candidate details out of the relay’s logs and the app’s', () => {
    const secrets = [
      VALID_API_KEY,
      ACCESS_TOKEN,
      connection.secret,
      zapA.subscribeData!.secret,
      zapB.subscribeData!.secret,
    ];
    const logs = [...relay.logs, ...allLogLines].join('\n');
    expect(relay.logs.length).toBeGreaterThan(0);
    expect(allLogLines.length).toBeGreaterThan(0);
    for (const value of [...secrets, 'Kenny', 'kenny.jazzhr@jazzhr.com'])
      expect(logs).not.toContain(value);
  });
});

describe('candidate exports routed by JazzHR integration name, end to end', () => {
  /** The body JazzHR would send for the same candidate in another status category. */
  const inCategory = (category: string) =>
    Buffer.from(
      EXPORT_BODY.toString('utf8').replace('"category": "Active"', `"category": "${category}"`),
    );
  const channelUrls = new Map<ZapTarget, string>();
  const receivedBefore = new Map<ZapTarget, number>();

  async function post(url: string, body: Buffer, uuid: string) {
    const response = await fetch(url, {
      method: 'POST',
      headers: jazzhrHeaders(body, connection.secret, uuid),
      body,
    });
    return (await response.json()) as Record<string, unknown>;
  }

  it('subscribes each named Zap and shows its own URL, with the connection’s one Secret Key', async () => {
    for (const zap of [zapPayroll, zapScreening]) {
      zap.subscribeData = (await appTester(candidateExported.performSubscribe, {
        authData: AUTH,
        targetUrl: zap.url,
        inputData: zap.inputData,
      })) as SubscribeData;
      expect(zap.subscribeData.connection_id).toBe(connection.id);
      const [field] = (await appTester(candidateExported.setupField, {
        authData: AUTH,
        inputData: zap.inputData,
      })) as Array<{ helpText: string }>;
      const text = field?.helpText ?? '';
      expect(text).toContain(`named “${zap.inputData.integration_name}”`);
      expect(/- Secret Key: `([^`]+)`/.exec(text)?.[1]).toBe(connection.secret);
      channelUrls.set(zap, /- URL: `([^`]+)`/.exec(text)?.[1] ?? '');
    }
    expect(channelUrls.get(zapPayroll)).toBe(`${connection.ingestUrl}/zapier-payroll`);
    expect(channelUrls.get(zapScreening)).toBe(`${connection.ingestUrl}/phone-screen-slack`);
    for (const zap of ZAPS) receivedBefore.set(zap, zap.server.received.length);

    // Saving each named integration in JazzHR sends a VERIFY to its URL.
    for (const url of channelUrls.values()) {
      const out: string[] = [];
      const code = await simulate([url, '--secret', connection.secret, '--event', 'VERIFY'], {
        fetch,
        out: (line) => out.push(line),
        err: (line) => out.push(line),
      });
      expect({ code, out }).toEqual({ code: 0, out: expect.arrayContaining(['HTTP 200 OK']) });
    }
  });

  it('runs only the Zap of the integration an export was sent to, and its filters decide', async () => {
    const hired = randomUUID();
    expect(await post(channelUrls.get(zapPayroll)!, inCategory('Hired'), hired)).toMatchObject({
      uuid: hired,
      deliveries: 1,
    });
    const { request, items } = await zapPayroll.run(0);
    expect(request.headers['x-jazzhr-uuid']).toBe(hired);
    expect(items).toEqual([expect.objectContaining({ id: hired, status_category: 'Hired' })]);

    // Still Active: sent to the payroll integration, but its Zap wants Hired candidates only.
    const active = randomUUID();
    expect(await post(channelUrls.get(zapPayroll)!, EXPORT_BODY, active)).toMatchObject({
      deliveries: 1,
    });
    expect((await zapPayroll.run(1)).items).toEqual([]);
    expect(logLines.join('\n')).toContain(
      `ignored export ${active} because none of the candidate's jobs matches Status Category “Hired” (their status categories: Active)`,
    );

    const screened = randomUUID();
    expect(await post(channelUrls.get(zapScreening)!, EXPORT_BODY, screened)).toMatchObject({
      deliveries: 1,
    });
    expect((await zapScreening.run(0)).items).toEqual([
      expect.objectContaining({ id: screened, full_name: 'Kenny JazzHR' }),
    ]);

    // Nothing sent to a named integration reached the Zaps on the shared URL, nor the other channel.
    const newlyReceived = (zap: ZapTarget) =>
      zap.server.received.length - (receivedBefore.get(zap) ?? 0);
    expect(ZAPS.map(newlyReceived)).toEqual([0, 0, 2, 1]);
  });

  it('lists each named integration’s own exports, filtered as perform filters them', async () => {
    const list = (inputData: Record<string, string>) =>
      appTester(candidateExported.performList, {
        authData: AUTH,
        inputData,
        meta: { limit: 3, isLoadingSample: true },
      }) as Promise<CandidateExportedItem[]>;
    const payroll = await list(zapPayroll.inputData);
    expect(payroll.map((item) => item.status_category)).toEqual(['Hired']);
    const screening = await list(zapScreening.inputData);
    expect(screening).toHaveLength(1);
    expect(screening[0]!.id).toBe((await zapScreening.run(0)).items[0]!.id);
    // The shared URL's list holds none of them.
    const shared = await list({});
    expect(shared.map((item) => item.id)).not.toContain(payroll[0]!.id);
  });

  it('kept the named Zaps’ secrets and the candidate out of every log', () => {
    const logs = [...relay.logs, ...allLogLines].join('\n');
    for (const value of [
      connection.secret,
      zapPayroll.subscribeData!.secret,
      zapScreening.subscribeData!.secret,
      'Kenny',
      'kenny.jazzhr@jazzhr.com',
    ])
      expect(logs).not.toContain(value);
  });
});

describe('attachment links without an expiry of their own, end to end', () => {
  /** The sample export with links that carry no JWT, so their expiry is counted from receipt. */
  function withUndatedLinks(body: Buffer): Buffer {
    const parsed = JSON.parse(body.toString('utf8'));
    for (const profile of parsed.candidate.profiles)
      for (const attachment of profile.attachments)
        attachment.url = `https://api.jazz.co/public/document/undated-${attachment.id.value}`;
    return Buffer.from(JSON.stringify(parsed, null, 2));
  }

  it('expire at the same time in the live run and in the list: 2 h 30 min after the relay received them', async () => {
    const body = withUndatedLinks(EXPORT_BODY);
    const uuid = randomUUID();
    const runIndex = zapB.server.received.length;
    expect((await postExport(body, jazzhrHeaders(body, connection.secret, uuid))).status).toBe(200);
    const { request, items } = await zapB.run(runIndex);
    const receivedAt = request.headers['x-relay-received-at'] as string;
    const [live] = items;
    expect(live).toMatchObject({ id: uuid, received_at: receivedAt });
    const expiry = new Date(Date.parse(receivedAt) + 150 * 60_000).toISOString();
    expect(live!.attachments.map((attachment) => attachment.expires_at)).toEqual([expiry, expiry]);

    const listed = (await appTester(candidateExported.performList, {
      authData: AUTH,
      meta: { limit: 3, isLoadingSample: true },
    })) as CandidateExportedItem[];
    expect(listed.find((item) => item.id === uuid)).toEqual(live);
  });
});
