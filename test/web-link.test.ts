import { webLinkHost } from '../src/web-link';

describe('webLinkHost', () => {
  it('gives the host (with its port) of http and https links only', () => {
    expect(webLinkHost('https://files.example.com/cv.pdf?sig=abc')).toBe('files.example.com');
    expect(webLinkHost('http://127.0.0.1:8080/file')).toBe('127.0.0.1:8080');
    expect(webLinkHost('ftp://files.example.com/cv.pdf')).toBeUndefined();
    expect(webLinkHost('data:text/plain,hello')).toBeUndefined();
    expect(webLinkHost('not a link')).toBeUndefined();
    expect(webLinkHost('')).toBeUndefined();
  });
});
