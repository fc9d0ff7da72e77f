import fc from 'fast-check';

import {
  headerReader,
  jazzhrLink,
  JAZZHR_EVENT,
  JAZZHR_HEADER,
  readHeader,
} from '../../src/webhook/headers';

describe('readHeader', () => {
  it('reads a header whatever its case', () => {
    const headers = { 'x-jazzhr-uuid': 'abc', 'X-JAZZHR-EVENT': 'VERIFY' };
    expect(readHeader(headers, JAZZHR_HEADER.uuid)).toBe('abc');
    expect(readHeader(headers, JAZZHR_HEADER.event)).toBe(JAZZHR_EVENT.verify);
  });

  it('accepts Zapier’s Http- prefixed, Camel-Cased spelling and the CGI form', () => {
    expect(readHeader({ 'Http-X-Jazzhr-Signature': 'aa' }, JAZZHR_HEADER.signature)).toBe('aa');
    expect(readHeader({ HTTP_X_JAZZHR_SIGNATURE: 'bb' }, JAZZHR_HEADER.signature)).toBe('bb');
    expect(readHeader({ 'Http-Link': '<https://x>' }, JAZZHR_HEADER.link)).toBe('<https://x>');
  });

  it('prefers the plain spelling when both are present, in any order', () => {
    expect(
      readHeader(
        { 'Http-X-Jazzhr-Uuid': 'prefixed', 'X-JazzHR-UUID': 'plain' },
        JAZZHR_HEADER.uuid,
      ),
    ).toBe('plain');
    expect(
      readHeader(
        { 'X-JazzHR-UUID': 'plain', 'Http-X-Jazzhr-Uuid': 'prefixed' },
        JAZZHR_HEADER.uuid,
      ),
    ).toBe('plain');
  });

  it('takes the first value of a repeated header and trims surrounding whitespace', () => {
    expect(readHeader({ link: ['  <https://a>  ', '<https://b>'] }, 'Link')).toBe('<https://a>');
    expect(readHeader({ link: [] }, 'Link')).toBeUndefined();
  });

  it('returns undefined for absent headers, absent bags and lookalike names', () => {
    expect(readHeader({ 'X-JazzHR-UUIDs': 'x', uuid: 'y' }, JAZZHR_HEADER.uuid)).toBeUndefined();
    expect(readHeader({ 'x-jazzhr-uuid': undefined }, JAZZHR_HEADER.uuid)).toBeUndefined();
    expect(readHeader(undefined, JAZZHR_HEADER.uuid)).toBeUndefined();
    expect(readHeader(null, JAZZHR_HEADER.uuid)).toBeUndefined();
  });
});

describe('headerReader', () => {
  type Headers = Record<string, string | string[] | undefined>;

  /** The rule readHeader documents, one lookup at a time: the first plain spelling, else the first prefixed one. */
  function lookUp(headers: Headers, name: string): string | undefined {
    const spelling = (key: string) => key.trim().toLowerCase().replace(/_/g, '-');
    const wanted = spelling(name);
    let prefixed: string | undefined;
    for (const [key, raw] of Object.entries(headers)) {
      const first = Array.isArray(raw) ? raw.find((item) => typeof item === 'string') : raw;
      if (typeof first !== 'string') continue;
      if (spelling(key) === wanted) return first.trim();
      if (prefixed === undefined && spelling(key) === `http-${wanted}`) prefixed = first.trim();
    }
    return prefixed;
  }

  const names = [...Object.values(JAZZHR_HEADER), 'x_jazzhr_uuid', ' HTTP-LINK ', 'Content-Type'];

  it('answers every name as looking each one up alone would', () => {
    const key = fc.oneof(
      fc.constantFrom(
        ...['X-JazzHR-UUID', 'x-jazzhr-uuid', 'Http-X-Jazzhr-Uuid', 'HTTP_X_JAZZHR_UUID'],
        ...['Link', ' link ', 'Http-Link', 'http_link', 'X-JazzHR-Event', 'Http-X-Jazzhr-Event'],
      ),
      fc.string({ maxLength: 8 }),
    );
    const value = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.dictionary(key, value), (headers) => {
        const header = headerReader(headers as Headers);
        for (const name of names) {
          expect(header(name)).toBe(lookUp(headers as Headers, name));
          expect(readHeader(headers as Headers, name)).toBe(lookUp(headers as Headers, name));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reads nothing from an absent bag', () => {
    expect(headerReader(undefined)(JAZZHR_HEADER.uuid)).toBeUndefined();
    expect(headerReader(null)(JAZZHR_HEADER.link)).toBeUndefined();
  });
});

describe('jazzhrLink', () => {
  it.each([
    ['https://app.jazz.co/app/v2/candidate/1', true],
    ['https://JAZZ.CO/x', true],
    ['https://eu.app.jazzhr.com/x', true],
    ['<https://app.jazz.co/x>; rel="alternate"', true],
    ['http://app.jazz.co/x', false],
    ['https://notjazz.co/x', false],
    ['https://jazz.co.evil.example/x', false],
    ['https://a:b@jazz.co/x', false],
    ['javascript:alert(1)', false],
    ['', false],
  ])('%s is forwarded: %s', (value, forwarded) => {
    expect(jazzhrLink(value)).toBe(forwarded ? value : undefined);
  });

  it('leaves an absent Link absent', () => {
    expect(jazzhrLink(undefined)).toBeUndefined();
  });
});
