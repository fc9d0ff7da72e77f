import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import ts from 'typescript';
import { z } from 'zod';

import { deferZodLocales } from '../src/lazy-zod-locales';

type ModuleCache = Parameters<typeof deferZodLocales>[0];

const LOCALES_INDEX = require.resolve('zod/v4/locales');

describe('deferZodLocales', () => {
  it('stands in for zod’s locale index with the same locales, each read from its own file', () => {
    const cache: ModuleCache = {};
    expect(deferZodLocales(cache)).toBe(true);
    const lazyIndex = cache[LOCALES_INDEX]!;
    expect(lazyIndex.loaded).toBe(true);
    const locales = lazyIndex.exports as Record<string, unknown>;
    expect(locales.__esModule).toBe(true);
    expect(Object.keys(locales).sort()).toEqual(Object.keys(z.locales).sort());
    // Read through Node's own loader (not Jest's registry), so compared by what they say.
    const invalidType = { code: 'invalid_type', expected: 'string', input: 1 } as const;
    for (const name of ['en', 'fr', 'zhCN', 'ptBR'] as const) {
      const locale = (locales[name] as typeof z.locales.en)();
      expect(locale.localeError(invalidType)).toEqual(z.locales[name]().localeError(invalidType));
    }
  });

  it('leaves a zod that is already loaded alone', () => {
    const loaded = { exports: { already: true } } as unknown as NodeJS.Module;
    const cache: ModuleCache = { [LOCALES_INDEX]: loaded };
    expect(deferZodLocales(cache)).toBe(false);
    expect(cache[LOCALES_INDEX]).toBe(loaded);
  });

  it('does nothing when zod cannot be found or its index is not what it expects', () => {
    const cache: ModuleCache = {};
    const missing = () => {
      throw new Error('Cannot find module');
    };
    expect(deferZodLocales(cache, missing)).toBe(false);
    expect(deferZodLocales(cache, () => join(__dirname, 'lazy-zod-locales.test.ts'))).toBe(false);
    expect(cache).toEqual({});
  });

  it('in a real Node process, keeps every locale but English unloaded until one is read', () => {
    // Jest's module registry ignores require.cache, so the effect is checked in a child process.
    const source = readFileSync(join(__dirname, '../src/lazy-zod-locales.ts'), 'utf8');
    const shim = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    }).outputText;
    const probe = `
      const localeFiles = () => Object.keys(require.cache)
        .filter((file) => file.includes('/zod/v4/locales/'))
        .map((file) => file.split('/').pop())
        .sort();
      const { z } = require('zod');
      const atLoad = localeFiles();
      const message = (() => {
        z.config(z.locales.fr());
        try { return z.string().safeParse(1).error.issues[0].message; } finally { z.config(z.locales.en()); }
      })();
      process.stdout.write(JSON.stringify({ atLoad, afterFrench: localeFiles(), message }));
    `;
    const child = spawnSync(process.execPath, ['-e', `${shim}\n${probe}`], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({
      atLoad: ['en.cjs', 'index.cjs'],
      afterFrench: ['en.cjs', 'fr.cjs', 'index.cjs'],
      message: expect.stringMatching(/^Entrée invalide/),
    });
  });
});
