import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { measured, notMeasured, type Row } from '../lib/results';
import { median, round } from '../lib/stats';
import { fromRoot, ROOT } from '../lib/paths';
import { zipEntryNames } from '../lib/zip';
import { childProcessEnv } from '../lib/zapier-test-mode';

/**
 * Figure 3: what a cold Zapier container pays to load the app. Import time of the built app
 * against zapier-platform-core alone, each in fresh processes, interleaved; and the size of
 * build/build.zip against a minimal app holding only zapier-platform-core, zipped by the same
 * CLI with the same .zapierapprc.
 */

const FIGURE = 'Cold start';
const GOAL = { on: 'ratio', op: '<=', target: 1.3 } as const;
const CLI = fromRoot('node_modules', 'zapier-platform-cli', 'src', 'bin', 'run');

export interface ColdStartOptions {
  quick: boolean;
}

/** Children run without a compile cache, as a fresh Zapier container would. */
function childEnv(): NodeJS.ProcessEnv {
  const env = childProcessEnv({ NODE_DISABLE_COMPILE_CACHE: '1', DISABLE_ZAPIER_ANALYTICS: '1' });
  delete env.NODE_COMPILE_CACHE;
  return env;
}

interface ImportSample {
  requireMs: number;
  processMs: number;
}

function importOnce(specifier: string): ImportSample {
  const script =
    `const t=performance.now();require(${JSON.stringify(specifier)});` +
    `process.stdout.write(String(performance.now()-t))`;
  const began = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    env: childEnv(),
    encoding: 'utf8',
  });
  const processMs = Number(process.hrtime.bigint() - began) / 1e6;
  if (child.status !== 0)
    throw new Error(
      `require(${specifier}) failed: ${child.stderr.split('\n').slice(0, 3).join(' ')}`,
    );
  return { requireMs: Number(child.stdout), processMs };
}

function importTimes(runs: number): { app: ImportSample[]; core: ImportSample[] } {
  const app: ImportSample[] = [];
  const core: ImportSample[] = [];
  // Two untimed rounds warm the file-system cache for both, so neither pays the first disk read.
  for (let i = 0; i < runs + 2; i++) {
    const a = importOnce('./dist/index.js');
    const c = importOnce('zapier-platform-core');
    if (i >= 2) {
      app.push(a);
      core.push(c);
    }
  }
  return { app, core };
}

/** package.json's main, as the zip spells paths: `dist/index.js`. */
function packageMain(): string {
  const { main } = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { main?: string };
  return (main ?? 'index.js').replace(/^\.\//, '');
}

function newestMtime(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (path === fromRoot('dist') && entry === 'bench') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * Runs the CLI's build in dir. npm_lifecycle_event=_zapier-build stops the CLI from running
 * the `_zapier-build` script (npm run build), which would delete dist/ under everyone's feet.
 */
function zapierBuild(dir: string): void {
  const child = spawnSync(
    process.execPath,
    [CLI, 'build', '--skip-validation', '--skip-dep-install'],
    {
      cwd: dir,
      env: { ...childEnv(), npm_lifecycle_event: '_zapier-build' },
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  if (child.status !== 0) {
    const said = `${child.stdout}\n${child.stderr}`.trim().split('\n').slice(-4).join(' ');
    throw new Error(`zapier-platform build failed in ${dir}: ${said}`);
  }
}

interface BuiltZip {
  bytes: number;
  entries: string[];
}

const readZip = (path: string): BuiltZip => ({
  bytes: statSync(path).size,
  entries: zipEntryNames(path),
});

/** build/build.zip of the app, rebuilt when missing or older than what it packs. */
function appZip(): BuiltZip & { rebuilt: boolean } {
  const zip = fromRoot('build', 'build.zip');
  const inputs = [fromRoot('dist'), fromRoot('package.json'), fromRoot('.zapierapprc')];
  const stale =
    !existsSync(zip) || inputs.some((input) => newestMtime(input) > statSync(zip).mtimeMs);
  if (stale) zapierBuild(ROOT);
  return { ...readZip(zip), rebuilt: stale };
}

/**
 * Builds, with the same CLI and .zapierapprc, an app made of `files` (path → contents) and
 * `copied` paths from this repository, in a temp dir with node_modules hard-linked in.
 */
function zipOfTempApp(files: Record<string, string>, copied: string[]): BuiltZip {
  const dir = mkdtempSync(join(tmpdir(), 'jazzhr-bench-app-'));
  try {
    // Without this the CLI would put all of node_modules into source.zip.
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\nbuild/\n');
    copyFileSync(fromRoot('.zapierapprc'), join(dir, '.zapierapprc'));
    for (const [path, contents] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), contents);
    }
    for (const path of copied) cpSync(fromRoot(path), join(dir, path), { recursive: true });
    // Hard links: a full copy without the bytes. A symlink would not do, the CLI zips real paths.
    const linked = spawnSync('cp', ['-al', fromRoot('node_modules'), join(dir, 'node_modules')]);
    if (linked.status !== 0) {
      rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
      cpSync(fromRoot('node_modules'), join(dir, 'node_modules'), {
        recursive: true,
        verbatimSymlinks: true,
      });
    }
    zapierBuild(dir);
    return readZip(join(dir, 'build', 'build.zip'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An app that has only zapier-platform-core: the size baseline. */
const minimalZip = (): BuiltZip =>
  zipOfTempApp(
    {
      'package.json': JSON.stringify({
        name: 'bench-minimal-app',
        version: '1.0.0',
        private: true,
        main: 'index.js',
        dependencies: { 'zapier-platform-core': '19.1.0' },
      }),
      'index.js':
        "const zapier = require('zapier-platform-core');\n" +
        "module.exports = { version: require('./package.json').version, platformVersion: zapier.version, triggers: {}, searches: {}, creates: {} };\n",
    },
    [],
  );

/**
 * This app as it would be zipped with a root index.js that requires package.json's main:
 * for a CommonJS app the CLI starts its file detection (and zapierwrapper.js its require)
 * at the root index.js, and packs nothing else of the app's own code.
 */
const zipWithRootIndex = (main: string): BuiltZip =>
  zipOfTempApp({ 'index.js': `module.exports = require('./${main}');\n` }, [
    'package.json',
    ...['index.js', 'package.json', 'src'].map((name) => join('dist', name)),
  ]);

export async function coldStart(options: ColdStartOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const runs = options.quick ? 7 : 25;
  try {
    const { app, core } = importTimes(runs);
    const common = { runs, method: 'node -e require(...) in fresh processes, interleaved, median' };
    rows.push(
      measured({
        figure: FIGURE,
        metric: 'import time of dist/index.js (require only)',
        unit: 'ms',
        value: median(app.map((s) => s.requireMs)),
        baseline: median(core.map((s) => s.requireMs)),
        baselineLabel: 'zapier-platform-core alone',
        goal: GOAL,
        details: common,
      }),
      measured({
        figure: FIGURE,
        metric: 'fresh node process that imports dist/index.js',
        unit: 'ms',
        value: median(app.map((s) => s.processMs)),
        baseline: median(core.map((s) => s.processMs)),
        baselineLabel: 'zapier-platform-core alone',
        goal: GOAL,
        details: common,
      }),
    );
  } catch (error) {
    rows.push(notMeasured(FIGURE, 'import time of dist/index.js', (error as Error).message, GOAL));
  }
  try {
    const app = appZip();
    const minimal = minimalZip();
    const main = packageMain();
    const kib = (bytes: number) => round(bytes / 1024, 4);
    const zipRow = (metric: string, zip: BuiltZip, details: Record<string, unknown>) =>
      measured({
        figure: FIGURE,
        metric,
        unit: 'KiB',
        value: kib(zip.bytes),
        baseline: kib(minimal.bytes),
        baselineLabel: 'app with only zapier-platform-core',
        goal: GOAL,
        details: {
          bytes: zip.bytes,
          files: zip.entries.length,
          minimalBytes: minimal.bytes,
          ...details,
        },
      });
    if (app.entries.includes(main)) {
      rows.push(zipRow('build/build.zip size', app, { rebuilt: app.rebuilt }));
    } else {
      rows.push(
        notMeasured(
          FIGURE,
          'build/build.zip size',
          `build/build.zip (${kib(app.bytes)} KiB) holds none of the app's code: ${main} is missing, because the CLI packs what zapierwrapper.js and a root index.js require, and there is no root index.js`,
          GOAL,
          { bytes: app.bytes, files: app.entries.length, rebuilt: app.rebuilt },
        ),
        zipRow(
          `build.zip with a root index.js requiring ${main} (temp copy)`,
          zipWithRootIndex(main),
          {},
        ),
      );
    }
  } catch (error) {
    rows.push(notMeasured(FIGURE, 'build/build.zip size', (error as Error).message, GOAL));
  }
  return rows;
}
