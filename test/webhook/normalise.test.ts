import { createHash } from 'node:crypto';

import fc from 'fast-check';

import realExport from '../../src/samples/candidate-export.body.json';
import {
  attachmentExpiry,
  candidateExportItemSchema,
  isoString,
  normaliseExport,
  pickResumeAttachment,
  toIsoUtc,
} from '../../src/webhook/normalise';
import { parseCandidateExport } from '../../src/webhook/payload';
import officialTemplate from '../fixtures/candidate-export.official-template.json';

const realBody = JSON.stringify(realExport, null, 2);
const RECEIVED_AT = '2024-03-01T12:00:00.000Z';

function normaliseBody(
  body: unknown,
  context: Partial<Parameters<typeof normaliseExport>[1]> = {},
) {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  return normaliseExport(parseCandidateExport(rawBody), {
    rawBody,
    receivedAt: RECEIVED_AT,
    ...context,
  });
}

/** A copy of the real capture with two applications to different jobs. */
function twoJobExport() {
  const copy = JSON.parse(realBody);
  const second = JSON.parse(JSON.stringify(copy.candidate.profiles[0]));
  second.profileId.value = '39187999';
  second.associatedPositionOpenings[0].positionOpeningId.value = '777001';
  second.associatedPositionOpenings[0].positionTitle = 'Warehouse Associate';
  second.associatedPositionOpenings[0].positionUri =
    'https://acme.applytojob.com/apply/Xy12/Warehouse-Associate';
  second.associatedPositionOpenings[0].candidateStatus.name = 'Phone Screen';
  second.attachments = [
    {
      id: { value: '60000001' },
      descriptions: ['Cover letter.pdf'],
      url: 'https://api.jazz.co/public/document/abc',
    },
    copy.candidate.profiles[0].attachments[0],
  ];
  copy.candidate.profiles.push(second);
  return copy;
}

describe('normaliseExport', () => {
  it('flattens the real capture into one item', () => {
    const item = normaliseBody(realBody, {
      uuid: '5f0c5b1e-3c1d-4c6a-9a55-0d0f2b9d7e11',
      link: 'https://app.jazz.co/app/v2/candidate/39011522',
    });
    expect(candidateExportItemSchema.strict().parse(item)).toEqual(item);
    expect(item).toMatchObject({
      id: '5f0c5b1e-3c1d-4c6a-9a55-0d0f2b9d7e11',
      export_uuid: '5f0c5b1e-3c1d-4c6a-9a55-0d0f2b9d7e11',
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
      formatted_address: '685 West 82st St Pittsburgh PA 15233',
      gender: 'No Answer',
      citizenship: 'No Answer',
      apply_date: '2018-09-17',
      job_id: '934951',
      job_title: 'Sample Job',
      job_url: 'https://asuresoftwarenfr.applytojob.com/apply/tZqAHP6nnh/Sample-Job',
      application_id: '39187151',
      status: 'New',
      status_category: 'Active',
      status_changed_at: '2018-09-17T17:18:30.000Z',
      education_level: 'No Answer',
      resume_file_name: 'ResumeTest.docx',
      profile_url: 'https://app.jazz.co/app/v2/candidate/39011522',
      export_context: null,
      received_at: RECEIVED_AT,
    });
    expect(item.attachments).toEqual([
      {
        id: '57691853',
        file_name: 'ResumeTest.docx',
        url: realExport.candidate.profiles[0]!.attachments[0]!.url,
        // The link's JWT says exp 1589647042.
        expires_at: '2020-05-16T16:37:22.000Z',
      },
      expect.objectContaining({ id: '57559232', file_name: 'applicant summary.pdf' }),
    ]);
    expect(item.resume_url).toBe(item.attachments[0]!.url);
  });

  it('derives a stable id from the raw bytes when there is no X-JazzHR-UUID', () => {
    const item = normaliseBody(realBody);
    const digest = createHash('sha256').update(Buffer.from(realBody)).digest('hex');
    expect(item.id).toBe(`sha256-${digest}`);
    expect(item.export_uuid).toBeNull();
    expect(normaliseBody(realBody, { uuid: '  ' }).id).toBe(item.id);
    expect(normaliseBody(`${realBody}\n`).id).not.toBe(item.id);
  });

  it('reads the official template, whose values are type names', () => {
    const item = normaliseBody(officialTemplate, { uuid: 'u-1' });
    expect(item).toMatchObject({
      first_name: 'string',
      citizenship: 'string',
      state: 'string',
      apply_date: null,
      status_changed_at: null,
    });
    expect(item.attachments[0]).toMatchObject({
      url: 'string',
      expires_at: '2024-03-01T14:30:00.000Z',
    });
  });

  it('keeps nulls and empty lists as nulls, never inventing values', () => {
    const item = normaliseBody({
      candidate: { person: { name: null, communication: null }, profiles: null },
    });
    expect(item).toMatchObject({
      candidate_id: null,
      first_name: null,
      full_name: null,
      email: null,
      job_id: null,
      application_id: null,
      citizenship: null,
      attachments: [],
      resume_url: null,
      resume_file_name: null,
    });
  });

  it('builds full_name from the parts, merges both citizenship spellings, and falls back to the first subdivision', () => {
    const item = normaliseBody({
      candidate: {
        person: {
          name: { given: ' Zoë ', family: 'Ōkubo' },
          citizenShip: ['US', 'JP'],
          citizenship: ['US', ''],
          communication: {
            address: [{ countrySubdivisions: [{ type: 'county', value: 'Allegheny' }] }],
            email: [{ address: ' ' }, { address: 'zoe@example.com' }],
          },
        },
      },
    });
    expect(item).toMatchObject({
      first_name: 'Zoë',
      last_name: 'Ōkubo',
      full_name: 'Zoë Ōkubo',
      citizenship: 'US, JP',
      state: 'Allegheny',
      email: 'zoe@example.com',
    });
  });

  describe('choosing the job', () => {
    it('takes the first job when there is no export context', () => {
      expect(normaliseBody(twoJobExport())).toMatchObject({
        job_id: '934951',
        application_id: '39187151',
      });
    });

    it.each([
      ['the bare job id', '777001'],
      ['the job id in JSON', '{"jobId": 777001}'],
      ['the job id inside text', 'job:777001'],
      ['the title, any case', 'warehouse associate'],
      ['the title in JSON', '{"job": {"title": "Warehouse Associate"}}'],
      ['the job URL', 'https://acme.applytojob.com/apply/Xy12/Warehouse-Associate'],
      [
        'text holding the job URL',
        'from https://acme.applytojob.com/apply/Xy12/Warehouse-Associate',
      ],
    ])('matches the export context on %s', (_label, exportContext) => {
      const item = normaliseBody(twoJobExport(), { exportContext });
      expect(item).toMatchObject({
        job_id: '777001',
        job_title: 'Warehouse Associate',
        application_id: '39187999',
        status: 'Phone Screen',
        export_context: exportContext,
      });
      // The matched application's attachments come first; the shared one is listed once.
      expect(item.attachments.map((attachment) => attachment.id)).toEqual([
        '60000001',
        '57691853',
        '57559232',
      ]);
      expect(item.resume_file_name).toBe('ResumeTest.docx');
    });

    it('falls back to the first job when the context matches nothing', () => {
      expect(normaliseBody(twoJobExport(), { exportContext: 'Somewhere else' })).toMatchObject({
        job_id: '934951',
      });
    });
  });

  it('reads the profile URL from a bare Link or an RFC 8288 Link, and ignores anything else', () => {
    expect(
      normaliseBody(realBody, { link: '<https://app.jazz.co/c/1>; rel="profile"' }).profile_url,
    ).toBe('https://app.jazz.co/c/1');
    expect(normaliseBody(realBody, { link: 'javascript:alert(1)' }).profile_url).toBeNull();
    expect(normaliseBody(realBody, { link: 'not a url' }).profile_url).toBeNull();
  });

  it('uses now as the receipt time when none (or an unreadable one) is given', () => {
    const before = Date.now();
    const item = normaliseExport(parseCandidateExport(realBody), {
      rawBody: realBody,
      receivedAt: 'soon',
    });
    expect(Date.parse(item.received_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(item.received_at)).toBeLessThanOrEqual(Date.now());
  });

  it('always produces the item schema for any parseable export', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.constant(null));
    fc.assert(
      fc.property(
        fc.record({
          person: fc.option(
            fc.record({
              id: scalar,
              name: fc.option(fc.record({ given: scalar, family: scalar, formattedName: scalar })),
              applyDate: scalar,
            }),
          ),
          profiles: fc.array(
            fc.record({
              associatedPositionOpenings: fc.array(
                fc.record({
                  positionTitle: scalar,
                  candidateStatus: fc.record({ transitionDateTime: scalar }),
                }),
              ),
              attachments: fc.array(fc.record({ url: scalar, descriptions: fc.array(scalar) })),
            }),
            { minLength: 1 },
          ),
        }),
        fc.option(fc.string()),
        (candidate, exportContext) => {
          const item = normaliseBody({ candidate }, { exportContext: exportContext ?? undefined });
          expect(candidateExportItemSchema.strict().safeParse(item).success).toBe(true);
        },
      ),
    );
  });
});

describe('toIsoUtc', () => {
  it.each([
    ['2018-09-17T17:18:30+00:00', '2018-09-17T17:18:30.000Z'],
    ['2018-09-17T12:18:30-05:00', '2018-09-17T17:18:30.000Z'],
    ['2018-09-18T02:48:30+0930', '2018-09-17T17:18:30.000Z'],
    ['2018-09-17 17:18:30', '2018-09-17T17:18:30.000Z'],
    ['2018-09-17T17:18:30.25Z', '2018-09-17T17:18:30.250Z'],
    ['2018-09-17T17:18', '2018-09-17T17:18:00.000Z'],
    ['2018-09-17', '2018-09-17T00:00:00.000Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(toIsoUtc(input)).toBe(expected);
  });

  it.each([
    ['datetime'],
    [''],
    [null],
    [undefined],
    ['2018-02-30 10:00:00'],
    ['2018-09-17 24:00:00'],
    ['17/09/2018'],
  ])('gives null for %p', (input) => {
    expect(toIsoUtc(input)).toBeNull();
  });
});

describe('toIsoUtc, against Date', () => {
  it('agrees with reading the fields and letting Date check and shift them', () => {
    const pattern =
      /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
    const byDate = (value: string): string | null => {
      const match = pattern.exec(value.trim());
      if (!match) return null;
      const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0', zone = 'Z'] = match;
      const utc = Date.UTC(
        +y!,
        +mo! - 1,
        +d!,
        +h,
        +mi,
        +s,
        Math.floor(Number(`0.${fraction}`) * 1000),
      );
      const date = new Date(utc);
      if (
        date.getUTCFullYear() !== +y! ||
        date.getUTCMonth() !== +mo! - 1 ||
        date.getUTCDate() !== +d!
      )
        return null;
      if (+h >= 24 || +mi >= 60 || +s >= 60) return null;
      const offset = /^z$/i.test(zone)
        ? 0
        : (zone.startsWith('-') ? -1 : 1) *
          (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(1).replace(':', '').slice(2) || '0'));
      return new Date(utc - offset * 60_000).toISOString();
    };
    // Mostly in range, so that most stamps are real times; sometimes any two digits.
    const twoDigits = (max: number) =>
      fc
        .oneof(fc.integer({ min: 1, max }), fc.integer({ min: 0, max: 99 }))
        .map((n) => String(n).padStart(2, '0'));
    const stamp = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
        twoDigits(12),
        twoDigits(31),
        fc.option(
          fc.tuple(
            twoDigits(23),
            twoDigits(59),
            fc.option(twoDigits(59)),
            fc.option(fc.stringMatching(/^\d{1,9}$/)),
          ),
        ),
        fc.constantFrom('', 'Z', 'z', '+00:00', '-05:00', '+0930', '+14', ' Z'),
        fc.constantFrom('T', ' '),
      )
      .map(([y, mo, d, time, zone, separator]) => {
        const clock = time
          ? `${separator}${time[0]}:${time[1]}${time[2] === null ? '' : `:${time[2]}${time[3] === null ? '' : `.${time[3]}`}`}`
          : '';
        return `${y}-${mo}-${d}${clock}${zone}`;
      });
    fc.assert(
      fc.property(fc.oneof(stamp, fc.string({ maxLength: 12 })), (value) => {
        expect(toIsoUtc(value)).toBe(byDate(value));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('attachment expiry', () => {
  const receivedAt = new Date(RECEIVED_AT);
  const jwtUrl = (claims: unknown) =>
    `https://api.jazz.co/public/document/e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

  it('uses the link’s JWT exp when it has a plausible one', () => {
    expect(attachmentExpiry(jwtUrl({ exp: 1709301600 }), receivedAt)).toBe(
      '2024-03-01T14:00:00.000Z',
    );
  });

  it.each([
    ['no JWT', 'https://api.jazz.co/public/document/plain'],
    ['exp in milliseconds', jwtUrl({ exp: 1709301600000 })],
    ['exp as text', jwtUrl({ exp: '1709301600' })],
    ['claims that are not JSON', 'https://api.jazz.co/public/document/a.b.c'],
    ['not a URL', 'string'],
  ])('falls back to 2 h 30 min after receipt with %s', (_label, url) => {
    expect(attachmentExpiry(url, receivedAt)).toBe('2024-03-01T14:30:00.000Z');
  });
});

describe('pickResumeAttachment', () => {
  const attachment = (file_name: string | null, url: string | null = `https://x/${file_name}`) => ({
    id: null,
    file_name,
    url,
    expires_at: null,
  });

  it('prefers a file named like a resume or CV, else the first with a link', () => {
    expect(
      pickResumeAttachment([attachment('cover.pdf'), attachment('Jane_CV.pdf')])?.file_name,
    ).toBe('Jane_CV.pdf');
    expect(
      pickResumeAttachment([attachment('a.pdf'), attachment('Résumé 2024.docx')])?.file_name,
    ).toBe('Résumé 2024.docx');
    expect(
      pickResumeAttachment([attachment('resume.pdf', null), attachment('other.pdf')])?.file_name,
    ).toBe('other.pdf');
    expect(pickResumeAttachment([])).toBeUndefined();
  });
});

/**
 * The normaliser reads plain http(s) links without a full URL parse; these hold it to what a
 * full parse (WHATWG URL, as `new URL` does it) gives, on links near and far from plain.
 */
describe('links read without a full URL parse', () => {
  const receivedAt = new Date(RECEIVED_AT);
  const documentedExpiry = '2024-03-01T14:30:00.000Z';
  const claims = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  function expiryByFullParse(url: string): string {
    try {
      const lastSegment = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
      const parts = lastSegment.split('.');
      if (parts.length !== 3 || !parts[1]) return documentedExpiry;
      const exp = (
        JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown }
      )?.exp;
      if (typeof exp !== 'number' || exp < 946684800 || exp > 7258118400) return documentedExpiry;
      return new Date(exp * 1000).toISOString();
    } catch {
      return documentedExpiry;
    }
  }

  function profileUrlByFullParse(link: string): string | null {
    const candidate = /<([^>]+)>/.exec(link.trim())?.[1] ?? link.trim();
    try {
      const url = new URL(candidate.trim());
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
    } catch {
      return null;
    }
  }

  const host = fc.oneof(
    fc.constantFrom(
      'api.jazz.co',
      'API.Jazz.co',
      'a..b',
      '-',
      '1.2.3.4',
      '1.2.3.256',
      '0x7f.1',
      'foo.1',
      '127.1',
      'xn--nxasmq6b',
      'xn--a',
      'a.b.',
      '.a',
    ),
    fc.stringMatching(/^[A-Za-z0-9.-]{1,12}$/),
  );
  const segment = fc.oneof(
    fc.constantFrom('', '.', '..', '%2e', 'a.b.c', 'x..y', '...', 'e30..sig'),
    fc.stringMatching(/^[A-Za-z0-9._~-]{0,10}$/),
    fc.integer({ min: 900_000_000, max: 8_000_000_000 }).map((exp) => `h.${claims({ exp })}.s`),
    fc.constant(`h.${claims({ exp: 1709301600 })}.s`),
    fc.constant(`h.${claims({ exp: 1709301600 })}.s.x`),
    fc.constant(`h.${claims({ exp: '1709301600' })}.s`),
    fc.string({ maxLength: 4 }),
  );
  const url = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          ...['https://', 'https://', 'https://', 'http://'],
          ...['HTTPS://', 'https:///', 'ftp://', 'https://u@'],
        ),
        host,
        fc.constantFrom('', '', '', ':8080', ':99999'),
        fc.array(segment, { maxLength: 5 }),
        fc.constantFrom(
          ...['', '', '', '', '/', '?q=a.b.c', '#a.b.c', '?x/y', '\\.', ' ', '\t'],
          ...['/\\', '/\\\\', '/\t', '/ ', '/%2e', '/x', '\\x', '/x\\', '/\u00a0'],
        ),
      )
      .map(
        ([scheme, name, port, segments, tail]) =>
          `${scheme}${name}${port}${segments.length > 0 ? `/${segments.join('/')}` : ''}${tail}`,
      ),
    fc.string({ maxLength: 30 }),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
  );

  const jwt = `h.${claims({ exp: 1709301600 })}.s`;
  it.each([
    [`https://api.jazz.co/d/${jwt}`, '2024-03-01T14:00:00.000Z'],
    [`https://api.jazz.co/d/${jwt}/`, '2024-03-01T14:00:00.000Z'],
    [`https://api.jazz.co/d/${jwt}/.`, '2024-03-01T14:00:00.000Z'],
    [`https://api.jazz.co/d/${jwt}/x/..`, '2024-03-01T14:00:00.000Z'],
    [`https://api.jazz.co/d/${jwt}/%2e`, '2024-03-01T14:00:00.000Z'],
    [`https://API.jazz.co/d/${jwt}`, '2024-03-01T14:00:00.000Z'],
    [`https://api.jazz.co/d/${jwt}/\\`, '2024-03-01T14:00:00.000Z'],
    [`https://api.jazz.co/d/${jwt}/ `, '2024-03-01T14:00:00.000Z'],
    [`https://api.jazz.co/d/${jwt}/\t`, '2024-03-01T14:00:00.000Z'],
    [`https://api.jazz.co/d/${jwt}?then/more`, '2024-03-01T14:00:00.000Z'],
    [`https://api.jazz.co/d/${jwt}#then/more`, '2024-03-01T14:00:00.000Z'],
    [`https://api.jazz.co/d/${jwt}/more`, documentedExpiry],
    [`https://api.jazz.co/d/${jwt}/..`, documentedExpiry],
    [`https://api.jazz.co/d/${jwt}.more`, documentedExpiry],
    [`https://api.jazz.co/d/h..${jwt}`, documentedExpiry],
    [`https://1.2.3.256/d/${jwt}`, documentedExpiry],
    [`https://a..b/d/${jwt}`, '2024-03-01T14:00:00.000Z'],
  ])('reads %s as a full parse does', (link, expected) => {
    expect(expiryByFullParse(link)).toBe(expected);
    expect(attachmentExpiry(link, receivedAt)).toBe(expected);
  });

  it('give an attachment the expiry a full parse of its link gives', () => {
    fc.assert(
      fc.property(url, (link) => {
        expect(attachmentExpiry(link, receivedAt)).toBe(expiryByFullParse(link));
      }),
      { numRuns: 2000 },
    );
  });

  it('give the profile URL a full parse of the Link header gives', () => {
    fc.assert(
      fc.property(url, fc.constantFrom('%s', '<%s>; rel="profile"', ' %s '), (link, shape) => {
        const header = shape.replace('%s', link);
        const item = normaliseBody({ candidate: { person: {} } }, { link: header });
        expect(item.profile_url).toBe(header.trim() === '' ? null : profileUrlByFullParse(header));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isoString', () => {
  it('writes any time exactly as Date#toISOString does', () => {
    const maxTime = 8.64e15;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -maxTime, max: maxTime }),
          fc.integer({ min: Date.UTC(1000, 0, 1) - 1000, max: Date.UTC(10000, 0, 1) + 1000 }),
        ),
        (time) => {
          expect(isoString(time)).toBe(new Date(time).toISOString());
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('refuses an invalid time as toISOString does', () => {
    expect(() => isoString(Number.NaN)).toThrow(RangeError);
    expect(() => isoString(8.64e15 + 1)).toThrow(RangeError);
  });
});
