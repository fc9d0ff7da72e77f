import { joinNonEmpty } from '../src/blank';
import { nameWithEmail, personName } from '../src/people';

describe('personName', () => {
  it('joins the parts it has', () => {
    expect(personName(' Alan ', 'Turing')).toBe('Alan Turing');
    expect(personName('', 'Turing')).toBe('Turing');
    expect(personName(null, undefined)).toBe('');
  });
});

describe('joinNonEmpty', () => {
  it('skips blank and missing parts, trimming the rest', () => {
    expect(joinNonEmpty([' Austin ', '', null, 'TX'], ', ')).toBe('Austin, TX');
    expect(joinNonEmpty([undefined, '  '], ' — ')).toBe('');
  });
});

describe('nameWithEmail', () => {
  it('shows both when it has both, else the one it has, else the fallback', () => {
    expect(nameWithEmail('Dana Whitfield', ' dana@example.com ', 'usr_1')).toBe(
      'Dana Whitfield (dana@example.com)',
    );
    expect(nameWithEmail('', 'dana@example.com', 'usr_1')).toBe('dana@example.com');
    expect(nameWithEmail('Dana', '  ', 'usr_1')).toBe('Dana');
    expect(nameWithEmail('', '', 'usr_1')).toBe('usr_1');
  });
});
