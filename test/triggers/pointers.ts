/** The pointers z.dehydrate gives, unsigned outside Zapier's runtime: made and read here. */
export interface Pointer {
  type: string;
  method: string;
  bundle: Record<string, string>;
}

/** What z.dehydrate gives for `hydrators.<hydrator>` with `bundle`. */
export function pointerTo(hydrator: string, bundle: Record<string, string>): string {
  const pointer: Pointer = { type: 'method', method: `hydrators.${hydrator}`, bundle };
  return `hydrate|||${JSON.stringify(pointer)}|||hydrate`;
}

/** Decodes what z.dehydrate produced. */
export function readPointer(value: unknown): Pointer {
  const match = typeof value === 'string' ? /^hydrate\|\|\|(.*)\|\|\|hydrate$/s.exec(value) : null;
  if (!match?.[1]) throw new Error(`not a dehydrated pointer: ${JSON.stringify(value)}`);
  return JSON.parse(match[1]) as Pointer;
}
