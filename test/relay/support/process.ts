import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../../..');
export const MAIN_JS = join(ROOT, 'dist/src/relay/main.js');

/** What `npm run relay` asks before it compiles: false when dist/ is older than a source. */
export function buildIsCurrent(root = ROOT): boolean {
  return (
    spawnSync(process.execPath, [join(root, 'scripts/build-if-stale.mjs'), '--check'], {
      timeout: 20_000,
    }).status === 0
  );
}

/** Process tests run the compiled relay; fail loudly rather than test stale JavaScript. */
export function assertBuilt(): void {
  if (!buildIsCurrent()) {
    throw new Error(
      'dist/ is missing or older than the sources: run `npm run build` first (npm test does).',
    );
  }
}

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  logs: Array<Record<string, unknown>>;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
}

/** Starts `node dist/src/relay/main.js` and resolves once it is listening. */
export async function spawnRelay(env: Record<string, string>): Promise<RelayProcess> {
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', RELAY_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffered = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines)
      if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const listener of listeners) listener();
      resolve({ code, signal });
    }),
  );
  const waitForLog = (predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (logs.some(predicate)) {
          finish();
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          finish();
          reject(new Error(`relay exited (${child.exitCode ?? child.signalCode}): ${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  const relay: RelayProcess = { child, url: '', logs, stderr: () => stderr, exited, waitForLog };
  try {
    await waitForLog((line) => line.msg === 'relay listening');
  } catch (error) {
    // The caller never gets this process to stop, and a live child keeps jest from exiting.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    throw error;
  }
  relay.url = `http://127.0.0.1:${logs.find((line) => line.msg === 'relay listening')!.port as number}`;
  return relay;
}
