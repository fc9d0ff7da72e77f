import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { simulate } from '../../src/relay/simulate';
import sample from '../../src/samples/candidate-export.body.json';
import { createSqliteDatabase, type TestDatabase } from './support/databases';
import { assertBuilt } from './support/process';
import { startTestRelay, type TestRelay } from './support/relay';
import { VALID_API_KEY } from './support/servers';

describe('simulate', () => {
  let database: TestDatabase;
  let t: TestRelay;
  let connection: { id: string; secret: string; ingest_url: string };
  let ingestUrl: string;
  let dir: string;

  beforeAll(async () => {
    database = await createSqliteDatabase();
    t = await startTestRelay(await database.openStore(), { defaultKey: VALID_API_KEY });
    connection = await t.connect();
    ingestUrl = `${t.relay.url}/hooks/jazzhr/${connection.id}`;
    dir = mkdtempSync(join(tmpdir(), 'simulate-'));
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await simulate(argv, {
      fetch,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('sends the sample candidate, signed, with a fresh uuid each run, and prints the answer', async () => {
    const first = await run(ingestUrl, '--secret', connection.secret);
    const second = await run(ingestUrl, '--secret', connection.secret);
    expect(first.code).toBe(0);
    expect(first.out).toContain('HTTP 200');
    expect(first.out).toContain('"duplicate":false');
    const exports = (await t.api('GET', `/v1/connections/${connection.id}/exports`)).body.exports;
    expect(exports).toHaveLength(2);
    expect(exports[0].uuid).not.toBe(exports[1].uuid);
    expect(JSON.parse(exports[0].body)).toEqual(sample);
    expect(second.out).toContain(exports[0].uuid);
  });

  it('sends VERIFY, and a --file as it is', async () => {
    expect(await run(ingestUrl, '--secret', connection.secret, '--event', 'verify')).toMatchObject({
      code: 0,
      out: expect.stringContaining('"event":"VERIFY"'),
    });
    const file = join(dir, 'payload.json');
    const payload =
      '{"candidate":{"person":{"name":{"formattedName":"Ada Lovelace"}},"profiles":[]}}';
    writeFileSync(file, payload);
    expect((await run(ingestUrl, '--secret', connection.secret, '--file', file)).code).toBe(0);
    const [latest] = (await t.api('GET', `/v1/connections/${connection.id}/exports?limit=1`)).body
      .exports;
    expect(latest.body).toBe(payload);
  });

  it('exits 1 and shows the relay’s answer when it is not 2xx', async () => {
    const result = await run(ingestUrl, '--secret', 'not-the-secret');
    expect(result.code).toBe(1);
    expect(result.out).toContain('HTTP 401');
    expect(result.out).toContain('invalid_signature');
  });

  it('exits 1 when the relay cannot be reached', async () => {
    const result = await run('http://127.0.0.1:1/hooks/jazzhr/con_x', '--secret', 's');
    expect(result.code).toBe(1);
    expect(result.err).toContain('Could not reach');
  });

  it.each([
    [[], 'exactly one ingest URL'],
    [['a', 'b', '--secret', 's'], 'exactly one ingest URL'],
    [['not-a-url', '--secret', 's'], 'http:// or https://'],
    [['http://127.0.0.1/x'], '--secret is required'],
    [['http://127.0.0.1/x', '--secret', 's', '--event', 'HIRED'], '--event must be'],
    [['http://127.0.0.1/x', '--secret', 's', '--bogus'], "Unknown option '--bogus'"],
    [
      ['http://127.0.0.1/x', '--secret', 's', '--file', '/nonexistent/payload.json'],
      'Cannot read --file',
    ],
  ])('explains bad arguments %j with usage and exit code 2', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
  });

  it('prints usage for --help, naming every option and the defaults', async () => {
    const help = await run('--help');
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toContain('Usage: npm run simulate');
    for (const option of ['<ingest_url>', '--secret', '--file', '--event', '-h, --help'])
      expect(help.out).toContain(option);
    expect(help.out).toContain('(default: CANDIDATE-EXPORT)');
    expect(help.out).toContain('default: the built-in sample candidate');
  });

  it('runs as a command from dist/', async () => {
    assertBuilt();
    // Asynchronous: the relay answering it lives in this process.
    const child = spawn(process.execPath, [
      join(__dirname, '../../dist/src/relay/simulate.js'),
      ingestUrl,
      '--secret',
      connection.secret,
    ]);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(stdout).toContain('HTTP 200');
  });
});
