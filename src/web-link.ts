/** The host of an http(s) link; undefined when the text is not one. */
export function webLinkHost(link: string): string | undefined {
  try {
    const { protocol, host } = new URL(link);
    return protocol === 'https:' || protocol === 'http:' ? host : undefined;
  } catch {
    return undefined;
  }
}
