/**
 * `npm run relay` as a user runs it: no recompiling when dist/ is current, and stopping npm
 * (SIGTERM to npm, or Ctrl-C to the terminal's process group) stops the relay too.
 */
import { spawn, spawnSync } from 'node:child_process';
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

const ROOT = join(__dirname, '../..');
const FRESHNESS_SCRIPT = join(ROOT, 'scripts/build-if-stale.mjs');

function buildIsCurrent(root = ROOT): boolean {
  return (
    spawnSync(process.execPath, [join(root, 'scripts/build-if-stale.mjs'), '--check'], {
      timeout: 20_000,
    }).status === 0
  );
}

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
  const groups: number[] = [];
  beforeAll(() => {
    if (!buildIsCurrent()) {
      // Running it would rebuild dist/ under the other test files' feet.
      throw new Error(
        'dist/ is older than the sources: run `npm run build` first (npm test does).',
      );
    }
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'npm-relay-'))));
  afterEach(() => {
    // Whatever a failed test left behind in npm's process group must not outlive the run.
    for (const group of groups.splice(0)) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // The group is empty: everything stopped.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts it in its own process group, as a terminal would; resolves once it listens. */
  async function startNpmRelay() {
    const npm = spawn('npm', ['run', 'relay'], {
      cwd: ROOT,
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        PORT: '0',
        RELAY_HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${join(dir, 'relay.sqlite')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    groups.push(npm.pid!);
    let stdout = '';
    let stderr = '';
    npm.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // 'close' comes only once every process holding the pipe (npm, the relay) is gone.
    const closed = new Promise<'closed'>((resolve) =>
      npm.stdout.on('close', () => resolve('closed')),
    );
    const port = await new Promise<number>((resolve, reject) => {
      npm.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const listening = /\{[^\n]*"msg":"relay listening"[^\n]*\}/.exec(stdout);
        if (listening) resolve((JSON.parse(listening[0]) as { port: number }).port);
      });
      npm.on('exit', () => reject(new Error(`npm run relay exited: ${stderr}`)));
    });
    return { npm, port, closed, output: () => stdout + stderr };
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
    const relay = await startNpmRelay();
    expect(await serving(relay.port)).toBe(true);

    stop(relay.npm.pid!);
    const orphanTimeout = new Promise<string>((resolve) =>
      setTimeout(() => resolve('a process still holds the relay’s output'), 8_000).unref(),
    );
    expect(await Promise.race([relay.closed, orphanTimeout])).toBe('closed');
    expect(await serving(relay.port)).toBe(false);
    expect(relay.output()).toContain('"msg":"relay stopped"');
    expect(relay.output()).not.toContain('Compiling dist/');
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
