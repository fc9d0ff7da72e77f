import fc from 'fast-check';

import realExport from '../../src/samples/candidate-export.body.json';
import {
  CandidateExportParseError,
  candidateExportSchema,
  parseCandidateExport,
} from '../../src/webhook/payload';
import officialTemplate from '../fixtures/candidate-export.official-template.json';

function parseError(body: string | Uint8Array): CandidateExportParseError {
  try {
    parseCandidateExport(body);
  } catch (error) {
    if (error instanceof CandidateExportParseError) return error;
    throw error;
  }
  throw new Error('expected a CandidateExportParseError');
}

describe('parseCandidateExport', () => {
  it('reads the real capture: lower-case citizenship, numeric-string ids, odd schemeIds', () => {
    const parsed = parseCandidateExport(JSON.stringify(realExport, null, 2));
    const person = parsed.candidate.person!;
    expect(person.id?.value).toBe('39011522');
    expect(person.citizenship).toEqual(['No Answer']);
    expect(person.citizenShip).toEqual([]);
    const profile = parsed.candidate.profiles[0]!;
    expect(profile.attachments).toHaveLength(2);
    expect(profile.associatedPositionOpenings[0]?.candidateStatus?.transitionDateTime).toBe(
      '2018-09-17T17:18:30+00:00',
    );
  });

  it('reads the official template, spelled citizenShip', () => {
    const parsed = parseCandidateExport(JSON.stringify(officialTemplate));
    expect(parsed.candidate.person?.citizenShip).toEqual(['string']);
    expect(parsed.candidate.person?.communication?.email[0]?.address).toBe('string');
  });

  it('reads raw bytes, with or without a byte-order mark', () => {
    const body = JSON.stringify(realExport);
    expect(parseCandidateExport(Buffer.from(body)).candidate.person?.id?.value).toBe('39011522');
    expect(parseCandidateExport(`\uFEFF${body}`).candidate.person?.id?.value).toBe('39011522');
  });

  it('accepts numbers for ids, nulls anywhere, and bare objects or scalars for lists', () => {
    const parsed = parseCandidateExport(
      JSON.stringify({
        candidate: {
          person: {
            id: { value: 39011522, schemeId: 'JazzHR Candidate,,' },
            name: null,
            gender: null,
            citizenShip: 'US',
            communication: {
              address: { city: 'Pittsburgh', countrySubdivisions: { type: 'state', value: 'PA' } },
              phone: '888-353-0887',
              email: ['kenny@example.com'],
              web: 'template',
            },
          },
          profiles: {
            profileId: 39187151,
            associatedPositionOpenings: { positionOpeningId: { value: 934951 } },
            education: null,
            attachments: '',
          },
        },
      }),
    );
    const person = parsed.candidate.person!;
    expect(person.id?.value).toBe('39011522');
    expect(person.name).toBeNull();
    expect(person.citizenShip).toEqual(['US']);
    expect(person.communication?.address[0]?.countrySubdivisions[0]?.value).toBe('PA');
    expect(person.communication?.phone[0]?.formattedNumber).toBe('888-353-0887');
    expect(person.communication?.email[0]?.address).toBe('kenny@example.com');
    const profile = parsed.candidate.profiles[0]!;
    expect(profile.profileId?.value).toBe('39187151');
    expect(profile.associatedPositionOpenings[0]?.positionOpeningId?.value).toBe('934951');
    expect(profile.education).toEqual([]);
    expect(profile.attachments).toEqual([]);
  });

  it.each([
    ['malformed JSON', '{"candidate": ', 'invalid_json', /not valid JSON/],
    ['an empty body', '', 'invalid_json', /not valid JSON/],
    ['a JSON list', '[]', 'not_candidate_export', /JSON object.*a list/],
    ['a JSON string', '"hi"', 'not_candidate_export', /a string/],
    ['JazzHR’s VERIFY event', '{"data": "JazzHR Verify Event"}', 'verify_event', /VERIFY event/],
    ['another object', '{"foo": 1}', 'not_candidate_export', /"candidate" object.*"foo"/],
    ['a null candidate', '{"candidate": null}', 'not_candidate_export', /has null/],
    ['an empty candidate', '{"candidate": {}}', 'not_candidate_export', /neither "person"/],
    [
      'a field of the wrong type',
      '{"candidate": {"person": {"gender": {"x": 1}, "name": []}}}',
      'invalid_field',
      /candidate\.person\.name: expected an object, got a list; candidate\.person\.gender: expected text, got an object\.$/,
    ],
  ])('rejects %s with a typed error saying what is wrong', (_label, body, reason, message) => {
    const error = parseError(body);
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(message);
  });

  it('reports at most three wrong fields and counts the rest', () => {
    const error = parseError(
      JSON.stringify({
        candidate: { person: { gender: {}, applyDate: {}, citizenShip: [{}], id: { value: [] } } },
      }),
    );
    expect(error.message).toMatch(/; and 1 more\.$/);
  });

  it('turns pathologically nested JSON into its own error', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(parseError(deep)).toBeInstanceOf(CandidateExportParseError);
  });

  it('throws nothing but its own typed error on arbitrary JSON', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ candidate: fc.jsonValue() }),
          fc.record({ candidate: fc.record({ person: fc.jsonValue(), profiles: fc.jsonValue() }) }),
        ),
        (value) => {
          try {
            parseCandidateExport(JSON.stringify(value) ?? '');
          } catch (error) {
            expect(error).toBeInstanceOf(CandidateExportParseError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('throws nothing but its own typed error on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        try {
          parseCandidateExport(text);
        } catch (error) {
          expect(error).toBeInstanceOf(CandidateExportParseError);
        }
      }),
    );
  });
});

describe('parseCandidateExport, compiled', () => {
  // parseCandidateExport runs the schema compiled by zod; the schema itself is the reference.
  const scalar = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(''),
  );
  const loose = fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 }));
  const listOf = <T>(item: fc.Arbitrary<T>) =>
    fc.oneof(fc.array(item, { maxLength: 3 }), item, fc.constant(null), fc.constant(''));
  const id = fc.oneof(fc.record({ value: scalar, schemeId: scalar }, { requiredKeys: [] }), scalar);
  const candidate = fc.record(
    {
      person: fc.oneof(
        loose,
        fc.record(
          {
            id,
            name: fc.oneof(
              fc.record(
                { given: scalar, family: scalar, formattedName: scalar },
                { requiredKeys: [] },
              ),
              scalar,
            ),
            gender: loose,
            citizenShip: listOf(loose),
            citizenship: listOf(scalar),
            applyDate: scalar,
            communication: fc.record(
              {
                address: listOf(
                  fc.record(
                    {
                      city: scalar,
                      countrySubdivisions: listOf(fc.record({ type: scalar, value: scalar })),
                    },
                    { requiredKeys: [] },
                  ),
                ),
                email: listOf(fc.oneof(fc.record({ address: loose }), scalar)),
                web: loose,
              },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        ),
      ),
      profiles: listOf(
        fc.oneof(
          loose,
          fc.record(
            {
              profileId: id,
              associatedPositionOpenings: listOf(
                fc.record(
                  {
                    positionOpeningId: id,
                    positionTitle: loose,
                    candidateStatus: fc.oneof(
                      fc.record({ name: scalar, transitionDateTime: loose }, { requiredKeys: [] }),
                      scalar,
                    ),
                  },
                  { requiredKeys: [] },
                ),
              ),
              education: listOf(
                fc.record({ educationLevelCodes: listOf(fc.record({ name: loose })) }),
              ),
              attachments: listOf(
                fc.record({ id, descriptions: listOf(loose), url: loose }, { requiredKeys: [] }),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      ),
    },
    { requiredKeys: [] },
  );

  it('reads any export exactly as the schema does, and rejects what it rejects with its messages', () => {
    fc.assert(
      fc.property(candidate, (value) => {
        const body = JSON.stringify({ candidate: value });
        const reference = candidateExportSchema.safeParse(JSON.parse(body));
        let parsed: unknown;
        try {
          parsed = parseCandidateExport(body);
        } catch (error) {
          expect(error).toBeInstanceOf(CandidateExportParseError);
          const { reason, message } = error as CandidateExportParseError;
          if (reason === 'not_candidate_export') return; // Caught before the schema runs.
          expect(reason).toBe('invalid_field');
          expect(reference.success).toBe(false);
          const first = reference.error!.issues[0]!;
          expect(message).toContain(
            `${first.path.map(String).join('.') || '(body)'}: ${first.message}`,
          );
          return;
        }
        expect(reference.success).toBe(true);
        expect(parsed).toStrictEqual(reference.data);
      }),
      { numRuns: 1500 },
    );
  });

  it('reads bytes in any Uint8Array, a view into a larger buffer included', () => {
    const body = `\uFEFF${JSON.stringify(realExport)}`;
    const inside = new Uint8Array(Buffer.from(`xx${body}yy`, 'utf8'));
    const view = inside.subarray(2, inside.length - 2);
    expect(parseCandidateExport(view)).toStrictEqual(parseCandidateExport(body));
    expect(parseCandidateExport(new Uint8Array(Buffer.from(body)))).toStrictEqual(
      parseCandidateExport(body),
    );
  });
});
