import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';

import { restoreSharedHttpState } from './http-isolation-environment';

const ROOT = join(__dirname, '../..');
const ENVIRONMENT = join(__dirname, 'http-isolation-environment.ts');

interface JestRun {
  code: number | null;
  results: { numPassedTests: number; numFailedTests: number; numTotalTests: number };
  output: string;
}

/** Runs the nock cases of test/fixtures/http-isolation, three files in one worker. */
function runCases(testEnvironment: string): Promise<JestRun> {
  const config = {
    rootDir: ROOT,
    roots: ['<rootDir>/test/fixtures/http-isolation'],
    testMatch: ['**/*.case.ts'],
    testEnvironment,
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
  };
  const child = spawn(
    process.execPath,
    [
      require.resolve('jest/bin/jest'),
      '--config',
      JSON.stringify(config),
      '--runInBand',
      '--coverage=false',
      '--json',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ code, results: JSON.parse(stdout) as JestRun['results'], output: stderr });
      } catch {
        reject(new Error(`jest printed no JSON (exit ${code}): ${stderr}`));
      }
    });
  });
}

describe('the http isolation environment', () => {
  it('is the environment every test file runs in', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require('../../jest.config.js') as { testEnvironment?: string };
    expect(config.testEnvironment).toBe('<rootDir>/test/support/http-isolation-environment.ts');
  });

  it('puts back replaced functions and removes added properties', () => {
    const originalRequest = http.request;
    const originalGet = https.get;
    const patchable = http as unknown as Record<string, unknown>;
    http.request = (() => {
      throw new Error('still patched');
    }) as unknown as typeof http.request;
    https.get = (() => undefined) as unknown as typeof https.get;
    patchable.patchedByTest = true;

    expect(restoreSharedHttpState()).toEqual(
      expect.arrayContaining(['http.request', 'https.get', 'http.patchedByTest']),
    );
    expect(http.request).toBe(originalRequest);
    expect(https.get).toBe(originalGet);
    expect('patchedByTest' in http).toBe(false);
    expect(restoreSharedHttpState()).toEqual([]);
  });

  it('lets nock work in every file a worker runs, where the plain node environment does not', async () => {
    const [isolated, plain] = await Promise.all([runCases(ENVIRONMENT), runCases('node')]);

    expect(isolated.results.numTotalTests).toBe(9);
    expect({ failed: isolated.results.numFailedTests, output: isolated.output }).toEqual({
      failed: 0,
      output: expect.any(String),
    });
    expect(isolated.code).toBe(0);
    // Under the plain environment the first file passes and later ones break: this is the
    // leak the environment exists for (if nock stops leaking, this line says so).
    expect(plain.results.numPassedTests).toBe(3);
    expect(plain.results.numFailedTests).toBe(6);
  }, 120_000);
});
