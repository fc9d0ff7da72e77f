/**
 * `npm run relay` as a user runs it: no recompiling when dist/ is current, and stopping npm
 * (SIGTERM to npm, or Ctrl-C to the terminal's process group) stops the relay too.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runNpmScript, type NpmRun } from './support/npm';
import { ROOT, buildIsCurrent } from './support/process';

const FRESHNESS_SCRIPT = join(ROOT, 'scripts/build-if-stale.mjs');

describe('scripts/build-if-stale.mjs --check', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'build-if-stale-'));
    for (const dir of ['scripts', 'src', 'dist']) mkdirSync(join(root, dir));
    copyFileSync(FRESHNESS_SCRIPT, join(root, 'scripts/build-if-stale.mjs'));
    writeFileSync(join(root, 'src/a.ts'), '');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const age = (path: string, secondsAgo: number) => {
    const when = Date.now() / 1000 - secondsAgo;
    utimesSync(join(root, path), when, when);
  };

  it('asks for a build when dist/ is missing, or a source or folder changed after it', () => {
    expect(buildIsCurrent(root)).toBe(false);
    writeFileSync(join(root, 'dist/index.js'), '');
    for (const path of ['src/a.ts', 'src', 'scripts']) age(path, 60);
    expect(buildIsCurrent(root)).toBe(true);
    age('src/a.ts', 0);
    age('dist/index.js', 30);
    expect(buildIsCurrent(root)).toBe(false);
    age('src/a.ts', 60);
    expect(buildIsCurrent(root)).toBe(true);
    rmSync(join(root, 'src/a.ts'));
    expect(buildIsCurrent(root)).toBe(false);
  });
});

describe('npm run relay', () => {
  let dir: string;
  const runs: NpmRun[] = [];
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'npm-relay-'))));
  afterEach(() => {
    for (const run of runs.splice(0)) run.killGroup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startNpmRelay() {
    const run = runNpmScript(['relay'], {
      PORT: '0',
      RELAY_HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'relay.sqlite')}`,
    });
    runs.push(run);
    const [listening] = await run.waitFor(/\{[^\n]*"msg":"relay listening"[^\n]*\}/);
    return { run, port: (JSON.parse(listening) as { port: number }).port };
  }

  const serving = (port: number) =>
    fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );

  it.each([
    ['SIGTERM to npm', (pid: number) => process.kill(pid, 'SIGTERM')],
    ['Ctrl-C (SIGINT to the process group)', (pid: number) => process.kill(-pid, 'SIGINT')],
  ])('starts without recompiling and stops with %s, leaving nothing serving', async (_, stop) => {
    const builtAt = statSync(join(ROOT, 'dist/index.js')).mtimeMs;
    const { run, port } = await startNpmRelay();
    expect(await serving(port)).toBe(true);

    stop(run.npm.pid!);
    expect(await run.allGone(8_000)).toBe(true);
    expect(await serving(port)).toBe(false);
    expect(run.output()).toContain('"msg":"relay stopped"');
    expect(run.output()).not.toContain('Compiling dist/');
    expect(statSync(join(ROOT, 'dist/index.js')).mtimeMs).toBe(builtAt);
  });

  it('`npm run relay -- --help` prints the help and exits 0', () => {
    const result = spawnSync('npm', ['run', '--silent', 'relay', '--', '--help'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('RELAY_ALLOWED_TARGET_HOSTS  (default: hooks.zapier.com)');
  });
});
