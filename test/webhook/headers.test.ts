import { JAZZHR_EVENT, JAZZHR_HEADER, readHeader } from '../../src/webhook/headers';

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
