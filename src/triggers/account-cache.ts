/**
 * z.cache scoped to the connected JazzHR account ('auth'), so one account's entries never serve
 * another's Zaps. Core 19's cache.get and cache.delete take a scope at run time
 * (create-cache.js) but their types omit it.
 */
import type { ZObject } from 'zapier-platform-core';

const SCOPE = ['auth'];
type ScopedGet = (key: string, scope: string[]) => Promise<unknown>;
type ScopedDelete = (key: string, scope: string[]) => Promise<boolean>;

export function accountCache(z: ZObject) {
  return {
    get: (key: string): Promise<unknown> => (z.cache.get as unknown as ScopedGet)(key, SCOPE),
    set: (key: string, value: unknown, ttlSeconds: number): Promise<boolean | null> =>
      z.cache.set(key, value, ttlSeconds, SCOPE),
    delete: (key: string): Promise<boolean> =>
      (z.cache.delete as unknown as ScopedDelete)(key, SCOPE),
  };
}
