/**
 * The Dockerfile and compose.yaml, read the way Docker reads them (no Docker engine runs here),
 * and the relay started with the image's own command and health check.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../support/ports';
import {
  environmentOf,
  execForm,
  parseDockerfile,
  parseYamlSubset,
  type Stage,
  type Yaml,
} from './support/deploy-files';
import { ROOT, assertBuilt } from './support/process';

const read = (name: string) => readFileSync(join(ROOT, name), 'utf8');
const stages = parseDockerfile(read('Dockerfile'));
const final = stages.at(-1)!;
const only = (stage: Stage, keyword: string) => {
  const found = stage.instructions.filter((each) => each.keyword === keyword);
  expect(found).toHaveLength(1);
  return found[0]!.args;
};

describe('Dockerfile', () => {
  it('builds in stages from node:22-slim and ships only the runtime dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.map((stage) => stage.from)).toEqual(stages.map(() => 'node:22-slim'));
    const runtime = stages.find((stage) =>
      stage.instructions.some(
        (each) => each.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(each.args),
      ),
    );
    expect(runtime?.name).toBeDefined();
    const copies = final.instructions
      .filter((each) => each.keyword === 'COPY')
      .map((each) => each.args);
    expect(copies).toContain(`--from=${runtime!.name} /app/node_modules ./node_modules`);
    expect(copies.filter((args) => args.includes('node_modules'))).toHaveLength(1);
    expect(
      final.instructions.some((each) => each.keyword === 'RUN' && each.args.includes('npm ci')),
    ).toBe(false);
  });

  it('copies only what exists and what .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.env']));
    for (const stage of stages)
      for (const { keyword, args } of stage.instructions.filter(
        (each) => each.keyword === 'COPY',
      )) {
        if (args.startsWith('--from=')) continue;
        const sources = args.split(' ').slice(0, -1);
        for (const source of sources) {
          expect([keyword, source, existsSync(join(ROOT, source))]).toEqual([
            keyword,
            source,
            true,
          ]);
          expect(ignored).not.toContain(source);
        }
      }
  });

  it('runs as a non-root user with its data in the /data volume, listening on every interface', () => {
    expect(only(final, 'USER')).toBe('node');
    const userAt = final.instructions.findIndex((each) => each.keyword === 'USER');
    const cmdAt = final.instructions.findIndex((each) => each.keyword === 'CMD');
    expect(userAt).toBeLessThan(cmdAt);
    expect(only(final, 'VOLUME')).toBe('/data');
    expect(environmentOf(final)).toMatchObject({
      RELAY_HOST: '0.0.0.0',
      PORT: '8080',
      DATABASE_URL: 'sqlite:/data/relay.sqlite',
    });
    expect(only(final, 'EXPOSE')).toBe(environmentOf(final).PORT);
    expect(only(final, 'RUN')).toContain('chown node:node /data');
  });

  it('checks its health on /readyz', () => {
    const healthcheck = only(final, 'HEALTHCHECK');
    expect(healthcheck).toMatch(
      /^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD \[/,
    );
    expect(healthcheck).toContain('/readyz');
  });
});

describe('the image’s command', () => {
  let dir: string;
  beforeAll(() => assertBuilt());
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'relay-image-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** /app as the image lays it out: dist/, package.json, and node_modules holding only what `npm ci --omit=dev` installs. */
  function imageLayout(): string {
    const app = join(dir, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path || entry.dev || path.split('node_modules/').length !== 2) continue;
      const name = path.slice('node_modules/'.length);
      if (name.includes('/'))
        mkdirSync(join(app, 'node_modules', name.split('/')[0]!), { recursive: true });
      symlinkSync(join(ROOT, path), join(app, path));
    }
    return app;
  }

  const imageCommand = (instruction: string) => {
    const [program, ...args] = execForm(only(final, instruction).replace(/^.*?CMD (?=\[)/, ''));
    expect(program).toBe('node');
    return args;
  };

  it('starts the relay from a runtime-only install, passes the HEALTHCHECK, and stops on SIGTERM', async () => {
    const app = imageLayout();
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      ...environmentOf(final),
      PORT: String(port),
      RELAY_HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'data', 'relay.sqlite')}`,
    };
    const relay = spawn(process.execPath, imageCommand('CMD'), {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    relay.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    relay.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // 'close': the exit code, once everything it wrote has been read.
    const exited = new Promise<number | null>((resolve) => relay.on('close', resolve));
    const health = () =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, imageCommand('HEALTHCHECK'), { cwd: app, env }).on('exit', resolve),
      );
    try {
      let status = await health();
      for (let attempt = 0; status !== 0 && attempt < 50 && relay.exitCode === null; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = await health();
      }
      expect(status).toBe(0);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      relay.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"relay listening"');
    // The health check reached this relay, not another process on a reused port.
    expect(
      output.match(/"route":"GET \/readyz",[^\n]*"status":200/g)?.length,
    ).toBeGreaterThanOrEqual(2);
    expect(output).toContain('"msg":"relay stopped"');
  });
});

describe('compose.yaml', () => {
  const compose = parseYamlSubset(read('compose.yaml')) as Record<string, Record<string, Yaml>>;
  const services = compose.services as Record<string, Record<string, Yaml>>;

  it('runs the relay beside PostgreSQL 16, each with its own named volume', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'relay']);
    expect(services.postgres!.image).toMatch(/^postgres:16(\.|-|$)/);
    expect(services.relay!.build).toBe('.');
    expect(Object.keys(compose.volumes!).sort()).toEqual(['postgres-data', 'relay-data']);
    expect(services.postgres!.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(services.relay!.volumes).toEqual(['relay-data:/data']);
  });

  it('starts the relay only once PostgreSQL answers its health check', () => {
    expect(services.relay!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    const check = (services.postgres!.healthcheck as Record<string, Yaml>).test as string[];
    expect(check[0]).toBe('CMD-SHELL');
    expect(check[1]).toMatch(/^pg_isready\b/);
  });

  it('points the relay at that database and asks for a public URL, publishing on loopback for TLS in front', () => {
    const env = services.relay!.environment as Record<string, string>;
    const database = services.postgres!.environment as Record<string, string>;
    expect(env.DATABASE_URL).toBe(
      `postgres://${database.POSTGRES_USER}:\${POSTGRES_PASSWORD}@postgres:5432/${database.POSTGRES_DB}`,
    );
    expect(database.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(env.RELAY_PUBLIC_URL).toMatch(/^\$\{RELAY_PUBLIC_URL:\?/);
    expect(env.RELAY_ENCRYPTION_KEY).toMatch(/^\$\{RELAY_ENCRYPTION_KEY:\?/);
    expect(services.relay!.ports).toEqual(['127.0.0.1:8080:8080']);
  });

  it('is read strictly: what the reader does not know is an error, not a guess', () => {
    expect(() => parseYamlSubset('a:\n  b: [1, 2]\n')).toThrow('line 2');
    expect(() => parseYamlSubset('a: 1\na: 2\n')).toThrow('a given twice');
    expect(() => parseYamlSubset('a:\n    b: 1\n  c: 2\n')).toThrow('line 3');
    expect(parseYamlSubset('a: "x # y" # note\nb:\n  - \'q\'\n')).toEqual({ a: 'x # y', b: ['q'] });
  });
});
