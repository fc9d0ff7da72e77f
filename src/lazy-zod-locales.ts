/**
 * zod's CommonJS build requires all of its locale files (about 64) whenever any of its entry
 * points loads: `zod`, `zod/mini` and `zod/v4/core` all require `v4/locales/index.cjs`. The app
 * only ever uses English, which zod loads by itself, so the rest is a third of zod's load time
 * spent on every cold start. Imported first by index.ts, this puts in the place of that index
 * the same exports, each locale required only when first read (`z.locales.fr()` still works).
 * When zod is already loaded, or its index does not look as expected, nothing is replaced and
 * zod loads as usual.
 *
 * It can go once zod's index stops requiring every locale at load (zod 4.6.7 still does: see
 * node_modules/zod/v4/locales/index.cjs), or once `require('zod')` costs no more without this
 * than with it (measured on zod 4.6.7: about 95 ms against 55 ms).
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';

/** How zod's generated index exports each locale: `var x = require("./x.cjs"); Object.defineProperty(exports, "x", …`. */
const LOCALE_EXPORT =
  /var \w+ = require\("\.\/([\w-]+\.cjs)"\);\s*Object\.defineProperty\(exports, "(\w+)"/g;

type ModuleCache = Record<string, NodeJS.Module | undefined>;

/** Returns whether the lazy index was installed. */
export function deferZodLocales(
  cache: ModuleCache = require.cache,
  resolve: (request: string) => string = require.resolve,
): boolean {
  let indexPath: string;
  let source: string;
  try {
    indexPath = resolve('zod/v4/locales');
    source = readFileSync(indexPath, 'utf8');
  } catch {
    return false;
  }
  if (cache[indexPath] !== undefined) return false;
  const locales = [...source.matchAll(LOCALE_EXPORT)].map(([, file, name]) => ({
    name: name!,
    file: `./${file!}`,
  }));
  if (locales.length === 0) return false;

  const requireBesideIndex = createRequire(indexPath);
  const lazyExports: Record<string, unknown> = {};
  Object.defineProperty(lazyExports, '__esModule', { value: true });
  for (const { name, file } of locales) {
    Object.defineProperty(lazyExports, name, {
      enumerable: true,
      get: () => defaultExport(requireBesideIndex(file)),
    });
  }
  const lazyIndex = new Module(indexPath, module);
  lazyIndex.filename = indexPath;
  lazyIndex.exports = Object.freeze(lazyExports);
  lazyIndex.loaded = true;
  cache[indexPath] = lazyIndex;
  return true;
}

/** What the real index's getters return: the locale module's default export. */
function defaultExport(locale: { __esModule?: boolean; default?: unknown }): unknown {
  return locale.__esModule ? locale.default : locale;
}

deferZodLocales();
