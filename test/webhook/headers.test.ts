import { createHash } from 'node:crypto';

import fc from 'fast-check';

import {
  deriveExportUuid,
  envelopeFromHeaders,
  envelopeToHeaders,
  headerReader,
  jazzhrLink,
  JAZZHR_EVENT,
  JAZZHR_HEADER,
  readHeader,
  type ExportEnvelope,
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

describe('the export envelope', () => {
  const asSent = (name: string) =>
    name.replace(
      /(^|-)([a-z])/g,
      (_match, dash: string, letter: string) => dash + letter.toUpperCase(),
    );
  /** The spellings an envelope's headers reach us in: Node's, as sent, Zapier's, CGI's. */
  const spellings: Record<string, (name: string) => string> = {
    node: (name) => name,
    sent: asSent,
    zapier: (name) => `Http-${asSent(name)}`,
    cgi: (name) => `HTTP_${name.toUpperCase().replace(/-/g, '_')}`,
  };
  const respelled = (headers: Record<string, string>, spell: (name: string) => string) =>
    Object.fromEntries(Object.entries(headers).map(([name, value]) => [spell(name), value]));

  const text = fc
    .string({ minLength: 1, maxLength: 20 })
    .map((value) => value.trim())
    .filter((value) => value !== '');
  const envelope: fc.Arbitrary<ExportEnvelope> = fc.record(
    {
      event: fc.constantFrom(JAZZHR_EVENT.candidateExport, JAZZHR_EVENT.verify, 'candidate-export'),
      uuid: text,
      signature: fc.stringMatching(/^[0-9a-f]{64}$/),
      exportContext: text,
      link: fc.constantFrom(
        'https://app.jazz.co/app/v2/candidate/1',
        '<https://jazzhr.com/c/2>; rel="x"',
      ),
      receivedAt: fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((date) => date.toISOString()),
    },
    { requiredKeys: [] },
  );

  it('reads back what it wrote, in every spelling', () => {
    fc.assert(
      fc.property(envelope, fc.constantFrom(...Object.keys(spellings)), (sent, spelling) => {
        const headers = envelopeToHeaders(sent);
        expect(Object.keys(headers)).toHaveLength(Object.keys(sent).length);
        expect(envelopeFromHeaders(respelled(headers, spellings[spelling]!))).toStrictEqual({
          ...sent,
        });
      }),
    );
  });

  it("writes lower-case names, the relay's receipt time as X-Relay-Received-At", () => {
    expect(
      envelopeToHeaders({
        event: 'CANDIDATE-EXPORT',
        uuid: 'u-1',
        signature: 'ab',
        exportContext: 'job_1',
        link: 'https://app.jazz.co/c/1',
        receivedAt: '2024-03-01T12:00:00.000Z',
      }),
    ).toStrictEqual({
      'x-jazzhr-event': 'CANDIDATE-EXPORT',
      'x-jazzhr-uuid': 'u-1',
      'x-jazzhr-signature': 'ab',
      'x-jazzhr-export-context': 'job_1',
      link: 'https://app.jazz.co/c/1',
      'x-relay-received-at': '2024-03-01T12:00:00.000Z',
    });
    expect(envelopeToHeaders({})).toStrictEqual({});
  });

  it("leaves out blank values and a Link that is not JazzHR's, and keeps the event as sent", () => {
    expect(
      envelopeFromHeaders({
        'Http-X-Jazzhr-Event': ' candidate-export ',
        'Http-X-Jazzhr-Uuid': '  ',
        'Http-X-Jazzhr-Export-Context': '',
        'Http-Link': 'https://evil.example/?next=https://app.jazz.co/',
        'Http-X-Relay-Received-At': '',
        'Content-Type': 'application/json',
      }),
    ).toStrictEqual({ event: 'candidate-export' });
    expect(envelopeFromHeaders({ 'X-JazzHR-Event': '' })).toStrictEqual({ event: '' });
    expect(envelopeFromHeaders(undefined)).toStrictEqual({});
  });

  it('reads an export row stored before there was an envelope, and would store it alike', () => {
    const storedRow = JSON.parse(
      '{"x-jazzhr-event":"CANDIDATE-EXPORT","x-jazzhr-uuid":"old-export","x-jazzhr-export-context":"job_1","link":"https://app.jazz.co/c/1"}',
    ) as Record<string, string>;
    const read = envelopeFromHeaders(storedRow);
    expect(read).toStrictEqual({
      event: 'CANDIDATE-EXPORT',
      uuid: 'old-export',
      exportContext: 'job_1',
      link: 'https://app.jazz.co/c/1',
    });
    expect(envelopeToHeaders(read)).toStrictEqual(storedRow);
    // Older relays kept a blank X-JazzHR-Export-Context; it reads as none.
    expect(envelopeFromHeaders({ ...storedRow, 'x-jazzhr-export-context': '' })).not.toHaveProperty(
      'exportContext',
    );
  });
});

describe('deriveExportUuid', () => {
  it('derives a stable, UUID-shaped id from the body bytes', () => {
    const body = Buffer.from('{"candidate": {}}');
    const uuid = deriveExportUuid(body);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveExportUuid(Buffer.from('{"candidate": {}}'))).toBe(uuid);
    expect(deriveExportUuid(Buffer.from('{"candidate": {} }'))).not.toBe(uuid);
    const digest = createHash('sha256').update(body).digest('hex');
    expect(uuid.replace(/-/g, '').slice(0, 12)).toBe(digest.slice(0, 12));
  });

  it('derives the same id from a body as text and as bytes', () => {
    const body = '{"candidate": {"person": {"name": "Zoë"}}}';
    expect(deriveExportUuid(body)).toBe(deriveExportUuid(Buffer.from(body)));
  });
});
