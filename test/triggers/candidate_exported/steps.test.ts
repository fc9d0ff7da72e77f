import fc from 'fast-check';
import { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';

import app from '../../../index';
import {
  checkSignature,
  claimExportOnce,
  DEDUPE_TTL_SECONDS,
  processCandidateExportHook,
  readReceivedExport,
  skipUnknownEvent,
  skipVerifyEvent,
} from '../../../src/triggers/candidate_exported/steps';
import { signBody, type ReceivedExport } from '../../../src/webhook';
import {
  deliveryBundle,
  EXPORT_UUID,
  PREVIOUS_SECRET,
  REAL_BODY,
  SUBSCRIPTION,
} from './deliveries';

/**
 * z.cache as Zapier runs it: set with nx only writes an absent key and says whether it did.
 * appTester's own mock ignores nx and always answers true, so it cannot test a dedupe.
 */
class SetIfAbsentCache {
  readonly calls: Array<{ key: string; ttl?: number; scope?: string[]; nx?: boolean }> = [];
  private readonly values = new Map<string, unknown>();

  async get(key: string) {
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: unknown, ttl?: number, scope?: string[], nx?: boolean) {
    this.calls.push({ key, ttl, scope, nx });
    if (nx && this.values.has(key)) return false;
    this.values.set(key, value);
    return true;
  }

  async delete(key: string) {
    return this.values.delete(key);
  }
}

const incoming = (changes: Partial<ReceivedExport> = {}): ReceivedExport => ({
  event: 'CANDIDATE-EXPORT',
  uuid: EXPORT_UUID,
  rawBody: REAL_BODY,
  ...changes,
});

describe('step 1: readReceivedExport', () => {
  it('reads Zapier’s Http-X-Jazzhr-… headers and the raw body', () => {
    const bundle = deliveryBundle(REAL_BODY, {
      exportContext: '934951',
      link: 'https://app.jazz.co/c/1',
    });
    expect(readReceivedExport(bundle)).toEqual({
      event: 'CANDIDATE-EXPORT',
      signature: signBody(REAL_BODY, SUBSCRIPTION.secret),
      uuid: EXPORT_UUID,
      exportContext: '934951',
      link: 'https://app.jazz.co/c/1',
      rawBody: REAL_BODY,
    });
  });

  it('reads the plain spellings too, and tolerates a request without headers or body', () => {
    const bundle = deliveryBundle(REAL_BODY, { spelling: 'plain' });
    expect(readReceivedExport(bundle)).toMatchObject({
      event: 'CANDIDATE-EXPORT',
      uuid: EXPORT_UUID,
    });
    expect(readReceivedExport({})).toEqual({
      event: undefined,
      signature: undefined,
      uuid: undefined,
      exportContext: undefined,
      link: undefined,
      rawBody: '',
    });
  });
});

describe('steps 2 and 3: event filters', () => {
  it('stops a VERIFY event, in any case', () => {
    expect(skipVerifyEvent(incoming({ event: 'VERIFY' }))).toEqual({
      pass: false,
      reason: expect.stringContaining('VERIFY'),
    });
    expect(skipVerifyEvent(incoming({ event: 'verify' })).pass).toBe(false);
    expect(skipVerifyEvent(incoming()).pass).toBe(true);
  });

  it('stops unknown or missing events, naming only plain event names', () => {
    expect(skipUnknownEvent(incoming())).toEqual({ pass: true });
    expect(skipUnknownEvent(incoming({ event: 'CANDIDATE-DELETE' }))).toEqual({
      pass: false,
      reason: 'its event is CANDIDATE-DELETE, not CANDIDATE-EXPORT',
    });
    expect(skipUnknownEvent(incoming({ event: '<script>x</script>' }))).toEqual({
      pass: false,
      reason: 'its event is an unrecognised value, not CANDIDATE-EXPORT',
    });
    expect(skipUnknownEvent(incoming({ event: undefined }))).toEqual({
      pass: false,
      reason: 'it has no X-JazzHR-Event header',
    });
  });
});

describe('step 4: checkSignature', () => {
  const signed = (secret: string) => incoming({ signature: signBody(REAL_BODY, secret) });

  it('accepts the current secret, then the previous one', () => {
    expect(checkSignature(signed(SUBSCRIPTION.secret), SUBSCRIPTION)).toEqual({ pass: true });
    expect(
      checkSignature(signed(PREVIOUS_SECRET), {
        ...SUBSCRIPTION,
        previous_secret: PREVIOUS_SECRET,
      }),
    ).toEqual({ pass: true });
  });

  it('names the failure reason and nothing secret', () => {
    const verdict = checkSignature(signed('an-unknown-secret-000000'), {
      ...SUBSCRIPTION,
      previous_secret: PREVIOUS_SECRET,
    });
    expect(verdict).toEqual({ pass: false, reason: 'signature check failed (mismatch)' });
    expect(checkSignature(signed(SUBSCRIPTION.secret), undefined)).toEqual({
      pass: false,
      reason: 'signature check failed (no_secret)',
    });
  });
});

describe('step 5: claimExportOnce', () => {
  it('lets an export through once per subscription, with set-if-absent and a TTL of at least a day', async () => {
    const cache = new SetIfAbsentCache();
    expect(await claimExportOnce(cache, 'sub_A', incoming())).toEqual({ pass: true });
    expect(await claimExportOnce(cache, 'sub_A', incoming())).toEqual({
      pass: false,
      reason: `export ${EXPORT_UUID} was already delivered`,
    });
    // A second Zap on the same export has its own subscription and gets it too.
    expect(await claimExportOnce(cache, 'sub_B', incoming())).toEqual({ pass: true });
    expect(await claimExportOnce(cache, 'sub_A', incoming({ uuid: 'another-uuid' }))).toEqual({
      pass: true,
    });
    expect(cache.calls[0]).toEqual({
      key: `candidate-export:sub_A:${EXPORT_UUID}`,
      ttl: DEDUPE_TTL_SECONDS,
      scope: undefined,
      nx: true,
    });
    expect(DEDUPE_TTL_SECONDS).toBeGreaterThanOrEqual(24 * 60 * 60);
  });

  it('does not dedupe an export without a UUID', async () => {
    const cache = new SetIfAbsentCache();
    expect(await claimExportOnce(cache, 'sub_A', incoming({ uuid: undefined }))).toEqual({
      pass: true,
    });
    expect(await claimExportOnce(cache, 'sub_A', incoming({ uuid: undefined }))).toEqual({
      pass: true,
    });
    expect(cache.calls).toEqual([]);
  });

  it('lets the export through and says so when the cache fails', async () => {
    const logged: string[] = [];
    const broken = { set: () => Promise.reject(new Error('rpc down')) };
    const verdict = await claimExportOnce(broken, 'sub_A', incoming(), (line) => logged.push(line));
    expect(verdict).toEqual({ pass: true });
    expect(logged).toEqual([expect.stringContaining('duplicate check was unavailable')]);
  });
});

describe('the whole pipeline with a cache that honours nx', () => {
  const appTester = createAppTester(app);

  it('turns a repeated delivery of the same UUID into no run', async () => {
    const cache = new SetIfAbsentCache();
    const run = () =>
      appTester(
        (z: ZObject, bundle: Bundle) =>
          processCandidateExportHook({ ...z, cache } as ZObject, bundle),
        deliveryBundle(REAL_BODY),
      ) as Promise<unknown[]>;
    expect(await run()).toHaveLength(1);
    expect(await run()).toEqual([]);
    expect(cache.calls.map((call) => call.key)).toEqual([
      `candidate-export:${SUBSCRIPTION.id}:${EXPORT_UUID}`,
      `candidate-export:${SUBSCRIPTION.id}:${EXPORT_UUID}`,
    ]);
  });

  it('does not touch the cache for a request that fails the signature check', async () => {
    const cache = new SetIfAbsentCache();
    const bundle = deliveryBundle(REAL_BODY, { secret: 'forged-secret-0000000000' });
    const result = await appTester(
      (z: ZObject, b: Bundle) => processCandidateExportHook({ ...z, cache } as ZObject, b),
      bundle,
    );
    expect(result).toEqual([]);
    expect(cache.calls).toEqual([]);
  });
});

describe('the gates on arbitrary requests', () => {
  it('never throw, whatever the headers and body, and only a correct signature passes', () => {
    const headerName = fc.constantFrom(
      'Http-X-Jazzhr-Event',
      'X-JazzHR-Event',
      'Http-X-Jazzhr-Signature',
      'x-jazzhr-signature',
      'Http-X-Jazzhr-Uuid',
      'Link',
      'Content-Type',
    );
    const headers = fc.dictionary(fc.oneof(headerName, fc.string()), fc.string(), { maxKeys: 6 });
    fc.assert(
      fc.property(
        headers,
        fc.string({ unit: 'binary' }),
        fc.boolean(),
        (requestHeaders, content, sign) => {
          if (sign)
            requestHeaders['Http-X-Jazzhr-Signature'] = signBody(content, SUBSCRIPTION.secret);
          const request = readReceivedExport({ rawRequest: { headers: requestHeaders, content } });
          skipVerifyEvent(request);
          skipUnknownEvent(request);
          const verdict = checkSignature(request, SUBSCRIPTION);
          expect(verdict.pass).toBe(
            request.signature?.toLowerCase() === signBody(content, SUBSCRIPTION.secret),
          );
        },
      ),
    );
  });
});
