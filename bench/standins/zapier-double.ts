import zapier from 'zapier-platform-core';

/**
 * A minimal z/bundle double for timing a hook trigger's perform outside Zapier: the real
 * z.dehydrate/z.dehydrateFile (from zapier-platform-core, so their cost counts), z.errors,
 * and an in-memory z.cache honouring set-if-absent (`nx`), which appTester's mock does not.
 * z.request refuses: the pipeline being timed must not call out.
 */

type App = Record<string, unknown>;
type Perform = (z: unknown, bundle: unknown) => unknown;

// zapier-platform-core ships this helper without types; its package exports ./src/*.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createDehydrator = require('zapier-platform-core/src/tools/create-dehydrator') as (
  input: unknown,
  type: 'method' | 'file',
) => (fn: unknown, inputData: unknown, cacheExpiration?: number) => string;

function memoryCache() {
  const store = new Map<string, string>();
  return {
    get: async (key: string) => {
      const value = store.get(key);
      return value === undefined ? null : JSON.parse(value);
    },
    set: async (
      key: string,
      value: unknown,
      _ttl?: number | null,
      _scope?: unknown,
      nx?: boolean | null,
    ) => {
      if (nx && store.has(key)) return false;
      store.set(key, JSON.stringify(value));
      return true;
    },
    delete: async (key: string) => store.delete(key),
  };
}

function zDouble(app: App) {
  const input = { _zapier: { app } };
  const quiet = () => undefined;
  return {
    console: { log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet },
    cache: memoryCache(),
    dehydrate: createDehydrator(input, 'method'),
    dehydrateFile: createDehydrator(input, 'file'),
    errors: zapier.errors,
    JSON: { parse: JSON.parse, stringify: JSON.stringify },
    hash: () => {
      throw new Error('z.hash is not available in the bench double');
    },
    request: () => {
      throw new Error('the webhook pipeline made an HTTP request; the bench double refuses it');
    },
    stashFile: () => {
      throw new Error('z.stashFile is not available in the bench double');
    },
  };
}

export type HookRunner =
  | {
      ok: true;
      runner: (body: string, signature: string, secret: string) => (i: number) => Promise<unknown>;
    }
  | { ok: false; reason: string };

export const perform = {
  /** Finds a hook trigger's perform in the built app; says why not when it cannot. */
  async load(key: string): Promise<HookRunner> {
    let app: App;
    try {
      app = ((await import('../../index')) as unknown as { default: App }).default;
    } catch (error) {
      return { ok: false, reason: `dist/index.js failed to load: ${(error as Error).message}` };
    }
    const trigger = (
      app.triggers as Record<string, { operation?: { perform?: unknown } }> | undefined
    )?.[key];
    const performFn = trigger?.operation?.perform;
    if (!trigger) return { ok: false, reason: `trigger ${key} is not registered in index.ts yet` };
    if (typeof performFn !== 'function')
      return { ok: false, reason: `${key} has no perform function` };
    return {
      ok: true,
      runner: (body, signature, secret) => {
        const z = zDouble(app);
        // Zapier parses the body into cleanedRequest before perform runs: not the pipeline's cost.
        const cleanedRequest = JSON.parse(body) as unknown;
        return async (i) => {
          const headers = {
            'Http-X-Jazzhr-Event': 'CANDIDATE-EXPORT',
            'Http-X-Jazzhr-Signature': signature,
            'Http-X-Jazzhr-Uuid': `bench-${process.pid}-${i}`,
            'Http-Link': 'https://app.jazz.co/app/v2/candidate/39011522',
            'Content-Type': 'application/json',
          };
          const bundle = {
            authData: { api_key: 'bench-api-key' },
            inputData: {},
            meta: {},
            subscribeData: { id: 'sub_bench', connection_id: 'con_bench', secret },
            rawRequest: { method: 'POST', querystring: '', headers, content: body },
            cleanedRequest,
          };
          const items = await (performFn as Perform)(z, bundle);
          if (!Array.isArray(items) || items.length !== 1)
            throw new Error(
              `${key} perform returned ${Array.isArray(items) ? items.length : typeof items} items, expected 1`,
            );
          return items;
        };
      },
    };
  },
};
