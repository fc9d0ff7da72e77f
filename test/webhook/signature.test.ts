import fc from 'fast-check';

import realExport from '../../src/samples/candidate-export.body.json';
import { signBody, verifySignature } from '../../src/webhook/signature';

// JazzHR's published check value (REFERENCE.md §2).
const PUBLIC_KEY = 'B0D78206-964C-47D4-BE1F-E06409791ED5';
const VERIFY_BODY = '{"data": "JazzHR Verify Event"}';
const PUBLIC_DIGEST = '62cd9aabc89922c65951d9cd4a6e4ede184e736d9e1092c0334bafa1e336c297';

const SECRET = 'current-secret-4f1c9a';
const PREVIOUS = 'previous-secret-77aa02';
const realBody = JSON.stringify(realExport, null, 2);

describe('signBody', () => {
  it('reproduces JazzHR’s public check value', () => {
    expect(signBody(VERIFY_BODY, PUBLIC_KEY)).toBe(PUBLIC_DIGEST);
  });

  it('signs the bytes, so a string and its UTF-8 bytes give the same digest', () => {
    const body = '{"name": "Zoë Ōkubo"}';
    expect(signBody(Buffer.from(body, 'utf8'), SECRET)).toBe(signBody(body, SECRET));
  });
});

describe('verifySignature', () => {
  it('accepts the public check value', () => {
    expect(verifySignature(VERIFY_BODY, PUBLIC_DIGEST, [PUBLIC_KEY])).toEqual({
      ok: true,
      secretIndex: 0,
    });
  });

  it('accepts the real capture’s shape signed with the current secret', () => {
    expect(verifySignature(realBody, signBody(realBody, SECRET), [SECRET, PREVIOUS])).toEqual({
      ok: true,
      secretIndex: 0,
    });
  });

  it('accepts an upper-case signature', () => {
    const upper = signBody(realBody, SECRET).toUpperCase();
    expect(verifySignature(realBody, upper, [SECRET]).ok).toBe(true);
  });

  it('verifies unusual whitespace and non-ASCII names over the raw bytes, not re-serialised JSON', () => {
    const raw =
      '{ "candidate" :\t{"person":{"name":{"given":"Zoë","family":"Ōkubo-Søren 李"}}}\r\n\n }';
    const bytes = Buffer.from(raw, 'utf8');
    const signature = signBody(bytes, SECRET);
    expect(verifySignature(bytes, signature, [SECRET]).ok).toBe(true);
    expect(verifySignature(raw, signature, [SECRET]).ok).toBe(true);
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(verifySignature(reserialised, signature, [SECRET])).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('rejects a body with one tampered byte', () => {
    const bytes = Buffer.from(realBody, 'utf8');
    const signature = signBody(bytes, SECRET);
    const tampered = Buffer.from(bytes);
    tampered[100] = tampered[100]! ^ 0x01;
    expect(verifySignature(tampered, signature, [SECRET])).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('rejects a signature made with the wrong secret', () => {
    const signature = signBody(realBody, 'someone-elses-secret');
    expect(verifySignature(realBody, signature, [SECRET, PREVIOUS])).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('accepts the previous secret during rotation and says which one matched', () => {
    const signature = signBody(realBody, PREVIOUS);
    expect(verifySignature(realBody, signature, [SECRET, PREVIOUS])).toEqual({
      ok: true,
      secretIndex: 1,
    });
    expect(verifySignature(realBody, signature, [SECRET, null])).toMatchObject({
      reason: 'mismatch',
    });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['empty', ''],
  ])('reports a missing signature (%s)', (_label, signature) => {
    expect(verifySignature(realBody, signature, [SECRET])).toMatchObject({
      ok: false,
      reason: 'missing_signature',
      message: expect.stringContaining('X-JazzHR-Signature'),
    });
  });

  it.each([
    ['too short', 'abc123'],
    ['too long', 'a'.repeat(65)],
    ['64 characters, not all hex', 'g'.repeat(64)],
    ['prefixed', `sha256=${'a'.repeat(57)}`],
    ['surrounded by spaces', ` ${'a'.repeat(62)} `],
    ['huge', 'f'.repeat(5_000_000)],
  ])('reports a malformed signature (%s)', (_label, signature) => {
    const result = verifySignature(realBody, signature, [SECRET]);
    expect(result).toMatchObject({ ok: false, reason: 'malformed_signature' });
    expect(result.ok === false && result.message).toMatch(/64 hexadecimal characters/);
  });

  it.each([
    ['no secrets', []],
    ['only empty values', [null, undefined, '']],
  ])('reports that no secret is configured (%s)', (_label, secrets) => {
    expect(verifySignature(realBody, signBody(realBody, SECRET), secrets)).toMatchObject({
      ok: false,
      reason: 'no_secret',
    });
  });

  it('checks a 10 MB body (Zapier’s webhook limit) and reports a plain mismatch', () => {
    const large = Buffer.alloc(10 * 1024 * 1024, 0x7b);
    expect(verifySignature(large, signBody(large, SECRET), [SECRET]).ok).toBe(true);
    expect(verifySignature(large, 'e'.repeat(64), [SECRET])).toMatchObject({ reason: 'mismatch' });
  });

  it('never reveals the secret or the expected digest', () => {
    const expected = signBody(realBody, SECRET);
    const results = [
      verifySignature(realBody, 'f'.repeat(64), [SECRET]),
      verifySignature(realBody, expected.slice(1), [SECRET]),
      verifySignature(realBody, undefined, [SECRET]),
    ];
    for (const result of results) {
      expect(result.ok).toBe(false);
      const text = JSON.stringify(result);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(expected);
    }
  });

  it('does not throw on inputs that break the declared types', () => {
    const strange = verifySignature(42 as unknown as string, 'a'.repeat(64), [SECRET]);
    expect(strange).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifySignature(realBody, 'a'.repeat(64), 'nope' as unknown as string[])).toMatchObject({
      reason: 'no_secret',
    });
    expect(verifySignature(realBody, 7 as unknown as string, [SECRET])).toMatchObject({
      reason: 'missing_signature',
    });
  });
});

describe('verifySignature properties', () => {
  const body = fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 2048 }));
  const secret = fc.string({ minLength: 1, maxLength: 64, unit: 'binary' });

  it('sign-then-verify always holds, under either case of hex', () => {
    fc.assert(
      fc.property(body, secret, fc.boolean(), (payload, key, upper) => {
        const signature = signBody(payload, key);
        const sent = upper ? signature.toUpperCase() : signature;
        expect(verifySignature(payload, sent, [key])).toEqual({ ok: true, secretIndex: 0 });
      }),
    );
  });

  it('a string is hashed as its UTF-8 bytes, lone surrogates included', () => {
    const anyUtf16 = fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    });
    fc.assert(
      fc.property(fc.oneof(anyUtf16, fc.string({ unit: 'binary' })), secret, (text, key) => {
        const bytes = Buffer.from(text, 'utf8');
        expect(signBody(text, key)).toBe(signBody(bytes, key));
        expect(verifySignature(text, signBody(bytes, key), [key]).ok).toBe(true);
        expect(verifySignature(new Uint8Array(bytes), signBody(text, key), [key]).ok).toBe(true);
      }),
    );
  });

  it('any change to the body fails', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 1024 }),
        secret,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (payload, key, at, flip) => {
          const signature = signBody(payload, key);
          const changed = Uint8Array.from(payload);
          const index = at % changed.length;
          changed[index] = changed[index]! ^ flip;
          expect(verifySignature(changed, signature, [key]).ok).toBe(false);
        },
      ),
    );
  });

  it('any change to the signature fails', () => {
    fc.assert(
      fc.property(
        body,
        secret,
        fc.nat({ max: 63 }),
        fc.integer({ min: 1, max: 15 }),
        (payload, key, at, delta) => {
          const signature = signBody(payload, key);
          const digit = (parseInt(signature[at]!, 16) + delta) % 16;
          const changed = signature.slice(0, at) + digit.toString(16) + signature.slice(at + 1);
          expect(verifySignature(payload, changed, [key])).toMatchObject({
            ok: false,
            reason: 'mismatch',
          });
        },
      ),
    );
  });

  it('any other secret fails', () => {
    fc.assert(
      fc.property(body, secret, secret, (payload, key, other) => {
        fc.pre(key !== other);
        expect(verifySignature(payload, signBody(payload, key), [other]).ok).toBe(false);
      }),
    );
  });

  it('arbitrary headers, bodies and secrets give a typed result, never a throw, never the secret', () => {
    const reasons = ['missing_signature', 'malformed_signature', 'no_secret', 'mismatch'];
    fc.assert(
      fc.property(
        body,
        fc.option(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-fA-F]{64}$/)), {
          nil: undefined,
        }),
        fc.array(fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/), { nil: null }), {
          maxLength: 3,
        }),
        (payload, signature, secrets) => {
          const result = verifySignature(payload, signature, secrets);
          if (result.ok) return;
          expect(reasons).toContain(result.reason);
          for (const key of secrets) {
            if (key) expect(result.message).not.toContain(key);
          }
        },
      ),
    );
  });
});
