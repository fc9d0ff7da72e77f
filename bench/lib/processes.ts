import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { childProcessEnv } from './zapier-test-mode';

export interface Child {
  pid: number;
  /** The port the child announced as {"listening": port}, when it does that. */
  port: number;
  /** Last lines the child wrote, to explain a failure. */
  tail(): string;
  stop(): Promise<void>;
}

/**
 * CPU time (user + system, all threads) a process has used so far, in ms, from Linux's
 * /proc/PID/stat; undefined where that cannot be read. Less noisy than throughput on a shared
 * machine: it counts the work done per request, not how much of the machine the process got.
 */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Ready when the child prints {"listening": port}, or when this URL answers 200. */
  ready: { announce: true } | { healthUrl: string };
  timeoutMs?: number;
  /**
   * Sends the child's stdout and stderr to this file instead of a pipe to this process. A
   * chatty server (one JSON log line per request) writing into a pipe blocks whenever this
   * process, busy generating load, is slow to read it: on Linux, writes to a pipe from
   * process.stdout are synchronous. A file absorbs them the way a log collector would.
   */
  logFile?: string;
}

/** Starts `node script` as a separate process and waits until it is ready to serve. */
export async function startNode(script: string, options: StartOptions): Promise<Child> {
  if (options.logFile && 'announce' in options.ready)
    throw new Error('startNode: a child that announces its port must write to a pipe, not logFile');
  const logFd = options.logFile ? openSync(options.logFile, 'a') : undefined;
  const child = spawn(process.execPath, [script], {
    env: childProcessEnv(options.env),
    stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
  });
  if (logFd !== undefined) closeSync(logFd);
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 30) lines.shift();
  };
  let announced: number | undefined;
  if (child.stdout && child.stderr) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(line);
      if (announced === undefined && line.startsWith('{"listening"')) {
        announced = (JSON.parse(line) as { listening: number }).listening;
      }
    });
    createInterface({ input: child.stderr }).on('line', keep);
  }
  const tail = () =>
    options.logFile
      ? readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-30).join('\n')
      : lines.join('\n');

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let port = 0;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${script} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail()}`,
      );
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(
        `${script} was not ready within ${options.timeoutMs ?? 20_000} ms:\n${tail()}`,
      );
    }
    if ('announce' in options.ready) {
      if (announced !== undefined) {
        port = announced;
        break;
      }
    } else {
      const answered = await fetch(options.ready.healthUrl).then(
        (response) => response.ok,
        () => false,
      );
      if (answered) {
        port = Number(new URL(options.ready.healthUrl).port);
        break;
      }
    }
    await sleep(50);
  }
  return { pid: child.pid!, port, tail, stop: () => stopChild(child) };
}
