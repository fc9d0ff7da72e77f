import { spawn, type ChildProcess } from 'node:child_process';

import { ROOT, assertBuilt } from './process';

export interface NpmRun {
  npm: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects if npm exits first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /**
   * Whether, within `ms`, every process holding npm's stdout (npm and all it started) is gone:
   * an orphan still running keeps the pipe open.
   */
  allGone(ms: number): Promise<boolean>;
  /** Kills whatever is left in npm's process group (for afterEach). */
  killGroup(): void;
}

/** Runs `npm run …` as a terminal does: its own process group, with only the env given. */
export function runNpmScript(args: string[], env: Record<string, string>): NpmRun {
  // Else the npm scripts would rebuild dist/ under the other test files' feet.
  assertBuilt();
  const npm = spawn('npm', ['run', ...args], {
    cwd: ROOT,
    detached: true,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  npm.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<true>((resolve) => npm.stdout!.on('close', () => resolve(true)));
  return {
    npm,
    output: () => stdout + stderr,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) {
            npm.stdout!.off('data', check);
            resolve(match);
          }
        };
        npm.stdout!.on('data', check);
        npm.once('exit', () => reject(new Error(`npm run ${args[0]} exited: ${stdout}${stderr}`)));
        check();
      }),
    allGone: (ms) =>
      Promise.race([
        closed,
        new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref()),
      ]),
    killGroup() {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // The group is empty: everything stopped.
      }
    },
  };
}
