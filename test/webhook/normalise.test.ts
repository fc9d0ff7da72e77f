import { createHash } from 'node:crypto';

import fc from 'fast-check';

import realExport from '../../src/samples/candidate-export.body.json';
import { deriveExportUuid } from '../../src/webhook/headers';
import {
  attachmentExpiry,
  candidateExportItemSchema,
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

  it('derives a stable id from the raw bytes when there is no X-JazzHR-UUID, as the relay does', () => {
    const item = normaliseBody(realBody);
    const digest = createHash('sha256').update(Buffer.from(realBody)).digest('hex');
    expect(item.id).toBe(deriveExportUuid(Buffer.from(realBody)));
    expect(item.id.replace(/-/g, '').slice(0, 12)).toBe(digest.slice(0, 12));
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

describe('attachment expiry, from the last path segment of the parsed link', () => {
  const receivedAt = new Date(RECEIVED_AT);
  const documentedExpiry = '2024-03-01T14:30:00.000Z';
  const claims = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
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
  ])('reads the expiry of %s as URL parsing sees its last segment', (link, expected) => {
    expect(attachmentExpiry(link, receivedAt)).toBe(expected);
  });
});
