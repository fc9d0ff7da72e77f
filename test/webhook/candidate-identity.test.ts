import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  candidateIdentifiers,
  emailIdentifier,
  parseCandidateExport,
  personIdentifier,
} from '../../src/webhook';

const sample = readFileSync(join(__dirname, '../../src/samples/candidate-export.body.json'));

describe('candidateIdentifiers', () => {
  it('names the candidate by each email address and by the person id', () => {
    expect(candidateIdentifiers(parseCandidateExport(sample))).toEqual([
      'email:kenny.jazzhr@jazzhr.com',
      'person:39011522',
    ]);
  });

  it('trims and lower-cases emails, drops empty ones and repeats, and reads a numeric id', () => {
    const exported = parseCandidateExport(
      JSON.stringify({
        candidate: {
          person: {
            id: { value: 42 },
            communication: {
              email: [
                { address: ' Ada@Example.COM ' },
                { address: 'ada@example.com' },
                { address: '' },
              ],
            },
          },
        },
      }),
    );
    expect(candidateIdentifiers(exported)).toEqual(['email:ada@example.com', 'person:42']);
  });

  it('has nothing to name a candidate without a person', () => {
    expect(candidateIdentifiers(parseCandidateExport('{"candidate": {"profiles": []}}'))).toEqual(
      [],
    );
  });

  it('spells an erase request the way an export is keyed', () => {
    expect(emailIdentifier('\tKenny.JazzHR@JazzHR.com ')).toBe('email:kenny.jazzhr@jazzhr.com');
    expect(personIdentifier(' 39011522')).toBe('person:39011522');
  });
});
