import { joinNonEmpty, personName } from '../../src/triggers/dropdown';

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
