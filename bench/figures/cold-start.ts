import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { measured, notMeasured, type Row } from '../lib/results';
import { median, round } from '../lib/stats';
import { fromRoot, ROOT } from '../lib/paths';
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

/** build/build.zip of the app, rebuilt when missing or older than what it packs. */
function appZipBytes(): { bytes: number; rebuilt: boolean } {
  const zip = fromRoot('build', 'build.zip');
  const inputs = [fromRoot('dist'), fromRoot('package.json'), fromRoot('.zapierapprc')];
  const stale =
    !existsSync(zip) || inputs.some((input) => newestMtime(input) > statSync(zip).mtimeMs);
  if (stale) zapierBuild(ROOT);
  return { bytes: statSync(zip).size, rebuilt: stale };
}

/** A minimal app that has only zapier-platform-core, built by the same CLI in a temp dir. */
function minimalZipBytes(): number {
  const dir = mkdtempSync(join(tmpdir(), 'jazzhr-bench-minimal-'));
  try {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'bench-minimal-app',
        version: '1.0.0',
        private: true,
        main: 'index.js',
        dependencies: { 'zapier-platform-core': '19.1.0' },
      }),
    );
    writeFileSync(
      join(dir, 'index.js'),
      "const zapier = require('zapier-platform-core');\n" +
        "module.exports = { version: require('./package.json').version, platformVersion: zapier.version, triggers: {}, searches: {}, creates: {} };\n",
    );
    // Without this the CLI would put all of node_modules into source.zip.
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\nbuild/\n');
    copyFileSync(fromRoot('.zapierapprc'), join(dir, '.zapierapprc'));
    // Hard links: a full copy without the bytes. A symlink would not do, the CLI zips real paths.
    const linked = spawnSync('cp', ['-al', fromRoot('node_modules'), join(dir, 'node_modules')]);
    if (linked.status !== 0)
      cpSync(fromRoot('node_modules'), join(dir, 'node_modules'), {
        recursive: true,
        verbatimSymlinks: true,
      });
    zapierBuild(dir);
    return statSync(join(dir, 'build', 'build.zip')).size;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
    const app = appZipBytes();
    const minimal = minimalZipBytes();
    rows.push(
      measured({
        figure: FIGURE,
        metric: 'build/build.zip size',
        unit: 'KiB',
        value: round(app.bytes / 1024, 4),
        baseline: round(minimal / 1024, 4),
        baselineLabel: 'app with only zapier-platform-core',
        goal: GOAL,
        details: { appBytes: app.bytes, minimalBytes: minimal, appZipRebuilt: app.rebuilt },
      }),
    );
  } catch (error) {
    rows.push(notMeasured(FIGURE, 'build/build.zip size', (error as Error).message, GOAL));
  }
  return rows;
}
