/** The text as a URL when it is an absolute http(s) URL; undefined for anything else. */
export function httpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export const isHttpUrl = (text: string): boolean => httpUrl(text) !== undefined;

/** The host of an http(s) link; undefined when the text is not one. */
export function webLinkHost(link: string): string | undefined {
  return httpUrl(link)?.host;
}
