import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  EncryptionKeyError,
  Sealer,
  generateEncryptionKey,
  decodeEncryptionKey,
  makeKeyCheck,
  resolveEncryptionKeys,
  verifyKeyCheck,
} from '../../src/relay/encryption';

describe('Sealer', () => {
  const key = generateEncryptionKey();
  const sealer = new Sealer(key);

  it('seals so the plaintext is not in the sealed bytes, and opens it again', () => {
    const sealed = sealer.seal('export.body', '{"name":"Ada Lovelace"}');
    expect(sealed.includes(Buffer.from('Ada Lovelace'))).toBe(false);
    expect(sealer.openText('export.body', sealed)).toBe('{"name":"Ada Lovelace"}');
  });

  it('uses a fresh IV each time: the same text seals differently', () => {
    expect(
      sealer.seal('connection.secret', 's3cret').equals(sealer.seal('connection.secret', 's3cret')),
    ).toBe(false);
  });

  it('refuses a value sealed for another field', () => {
    const sealed = sealer.seal('subscription.secret', 's3cret');
    expect(() => sealer.open('connection.secret', sealed)).toThrow(/integrity check/);
  });

  it('refuses a value whose ciphertext was altered', () => {
    const sealed = sealer.seal('export.body', 'candidate');
    sealed[20] = sealed[20]! ^ 1;
    expect(() => sealer.open('export.body', sealed)).toThrow(EncryptionKeyError);
  });

  it('refuses plain text that was never sealed', () => {
    expect(() => sealer.open('export.body', Buffer.from('{"plain": true}'))).toThrow(
      /not in the relay's encrypted format/,
    );
  });

  it('opens values sealed under the previous key, and says which need sealing again', () => {
    const previous = generateEncryptionKey();
    const old = new Sealer(previous).seal('export.body', 'from before');
    const rotated = new Sealer(key, [previous]);
    expect(rotated.openText('export.body', old)).toBe('from before');
    expect(rotated.isUnderCurrentKey(old)).toBe(false);
    expect(rotated.isUnderCurrentKey(rotated.seal('export.body', 'now'))).toBe(true);
  });

  it('names the problem when a value was sealed under a key it was not given', () => {
    const other = new Sealer(generateEncryptionKey()).seal('export.body', 'x');
    expect(() => sealer.open('export.body', other)).toThrow(/RELAY_ENCRYPTION_KEY_PREVIOUS/);
  });

  it('opens a value held in a slice of a larger buffer', () => {
    const sealed = sealer.seal('export.headers', '{}');
    const pool = Buffer.concat([Buffer.alloc(7), sealed, Buffer.alloc(3)]);
    expect(sealer.openText('export.headers', pool.subarray(7, 7 + sealed.length))).toBe('{}');
  });

  it('makes candidate lookup keys that are stable per key, apart from a plain hash, and found under the previous key', () => {
    const email = 'email:ada@example.com';
    const lookup = sealer.lookupKey(email);
    expect(lookup).toHaveLength(32);
    expect(sealer.lookupKey(email)).toEqual(lookup);
    expect(sealer.lookupKey('email:grace@example.com')).not.toEqual(lookup);
    expect(lookup).not.toEqual(createHmac('sha256', key).update(email).digest());
    const rotated = new Sealer(generateEncryptionKey(), [key]);
    expect(rotated.lookupKey(email)).not.toEqual(lookup);
    expect(rotated.lookupKeys(email)).toEqual([rotated.lookupKey(email), lookup]);
  });
});

describe('key check value', () => {
  it('passes with the key it was made with, or when that key is now the previous one', () => {
    const key = generateEncryptionKey();
    const check = makeKeyCheck(new Sealer(key));
    expect(() => verifyKeyCheck(new Sealer(key), check, 'relay.sqlite')).not.toThrow();
    expect(() =>
      verifyKeyCheck(new Sealer(generateEncryptionKey(), [key]), check, 'relay.sqlite'),
    ).not.toThrow();
  });

  it('stops with a message that says the key is wrong', () => {
    const check = makeKeyCheck(new Sealer(generateEncryptionKey()));
    expect(() =>
      verifyKeyCheck(new Sealer(generateEncryptionKey()), check, '/data/relay.sqlite'),
    ).toThrow(
      /The database \/data\/relay.sqlite was encrypted with a different key than RELAY_ENCRYPTION_KEY/,
    );
  });
});

describe('decodeEncryptionKey', () => {
  it('reads 32 bytes of base64, ignoring surrounding white space', () => {
    const key = generateEncryptionKey();
    expect(decodeEncryptionKey(` ${key.toString('base64')}\n`)?.equals(key)).toBe(true);
  });

  it.each([
    ['too short', Buffer.alloc(16).toString('base64')],
    ['too long', Buffer.alloc(48).toString('base64')],
    ['not base64', 'this is not base64 at all, not even close!!'],
    ['hex instead of base64', 'ab'.repeat(32)],
  ])('refuses a key that is %s', (_case, text) => {
    expect(decodeEncryptionKey(text)).toBeUndefined();
  });
});

describe('resolveEncryptionKeys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses RELAY_ENCRYPTION_KEY and RELAY_ENCRYPTION_KEY_PREVIOUS when given, writing no key file', () => {
    const key = generateEncryptionKey();
    const previous = generateEncryptionKey();
    const keys = resolveEncryptionKeys({
      key,
      previousKey: previous,
      database: { kind: 'sqlite', path: join(dir, 'relay.sqlite') },
    });
    expect(keys.current.equals(key)).toBe(true);
    expect(keys.previous.map((k) => k.toString('hex'))).toEqual([previous.toString('hex')]);
    expect(keys.keyFile).toBeUndefined();
    expect(() => statSync(join(dir, 'relay.key'))).toThrow();
  });

  it('on SQLite without a key, creates relay.key (0600) beside the database once, then reuses it', () => {
    const database = { kind: 'sqlite' as const, path: join(dir, 'relay.sqlite') };
    const first = resolveEncryptionKeys({ key: undefined, previousKey: undefined, database });
    const path = join(dir, 'relay.key');
    expect(first.keyFile).toEqual({ path, created: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(decodeEncryptionKey(readFileSync(path, 'utf8'))?.equals(first.current)).toBe(true);

    const second = resolveEncryptionKeys({ key: undefined, previousKey: undefined, database });
    expect(second.keyFile).toEqual({ path, created: false });
    expect(second.current.equals(first.current)).toBe(true);
  });

  it('says which key file is damaged', () => {
    writeFileSync(join(dir, 'relay.key'), 'garbage');
    expect(() =>
      resolveEncryptionKeys({
        key: undefined,
        previousKey: undefined,
        database: { kind: 'sqlite', path: join(dir, 'relay.sqlite') },
      }),
    ).toThrow(`The key file ${join(dir, 'relay.key')} must be 32 random bytes in base64`);
  });

  it('requires the key on PostgreSQL', () => {
    expect(() =>
      resolveEncryptionKeys({
        key: undefined,
        previousKey: undefined,
        database: { kind: 'postgres' },
      }),
    ).toThrow(/RELAY_ENCRYPTION_KEY is required with PostgreSQL/);
  });

  it('uses a throwaway key for an in-memory database', () => {
    const keys = resolveEncryptionKeys({
      key: undefined,
      previousKey: undefined,
      database: { kind: 'sqlite', path: ':memory:' },
    });
    expect(keys.current).toHaveLength(32);
    expect(keys.keyFile).toBeUndefined();
  });
});
