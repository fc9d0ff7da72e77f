/** `npm run try`, the newcomer's guided trial, run as a newcomer runs it. */
import { existsSync } from 'node:fs';

import { runNpmScript, type NpmRun } from './support/npm';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run try', () => {
  let run: NpmRun | undefined;
  afterEach(() => run?.killGroup());

  it('walks a signed export from a JazzHR stand-in through the relay to a hook target, then stops everything', async () => {
    run = runNpmScript(['try'], {});
    const exited = new Promise<number | null>((resolve) => run!.npm.on('exit', resolve));
    expect(await exited).toBe(0);
    expect(await run.allGone(5_000)).toBe(true);
    const output = run.output();

    const steps = [...output.matchAll(/^(\d)\. /gm)].map((match) => match[1]);
    expect(steps).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(output).toMatch(/ingest_url {2}http:\/\/localhost:\d+\/hooks\/jazzhr\/con_/);
    expect(output).toContain('HTTP 200 OK');
    expect(output).toMatch(
      /X-JazzHR-Signature: [0-9a-f]{64}\n\s+verified: the HMAC-SHA256 of the body under the subscription's secret/,
    );
    expect(output).toContain('"formattedName": "Kenny JazzHR"');

    const relayPid = Number(/Started the relay \(pid (\d+)\) at (\S+),/.exec(output)![1]);
    const relayUrl = /Started the relay \(pid \d+\) at (\S+),/.exec(output)![1]!;
    const dir = /removed (\/\S+)\.$/m.exec(output)![1]!;
    expect(alive(relayPid)).toBe(false);
    await expect(fetch(`${relayUrl}/healthz`)).rejects.toThrow();
    expect(existsSync(dir)).toBe(false);
    expect(output).not.toContain('Compiling dist/');
  });

  it.each([
    ['Ctrl-C (SIGINT to the process group)', (npmPid: number) => process.kill(-npmPid, 'SIGINT')],
    ['SIGTERM to npm alone', (npmPid: number) => process.kill(npmPid, 'SIGTERM')],
  ])('%s in the middle stops the relay and the stand-ins too', async (_, stop) => {
    run = runNpmScript(['try'], {});
    const [, pid, url] = await run.waitFor(/Started the relay \(pid (\d+)\) at (\S+),/);
    stop(run.npm.pid!);
    expect(await run.allGone(15_000)).toBe(true);
    expect(alive(Number(pid))).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(run.output()).toMatch(
      /Stopped the relay, the JazzHR stand-in and the hook target, and removed \/\S+relay-try-/,
    );
  });
});
