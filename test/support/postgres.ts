import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './ports';

/** A throwaway PostgreSQL cluster on loopback, made with the machine's own initdb/pg_ctl. */
export interface TestCluster {
  url: string;
  stop(): void;
}

function findBinDir(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // pg_config is in libpq-dev, which may be absent; fall through to Debian's layout.
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

export async function startTestCluster(): Promise<TestCluster | undefined> {
  const binDir = findBinDir();
  if (!binDir) return undefined;
  const isRoot = process.getuid?.() === 0;
  const asPostgres = (cmd: string, args: string[]): string[] =>
    isRoot
      ? ['runuser', '-u', 'postgres', '--', join(binDir, cmd), ...args]
      : [join(binDir, cmd), ...args];
  const run = (cmd: string, args: string[]) => {
    const [file, ...rest] = asPostgres(cmd, args);
    execFileSync(file!, rest, { stdio: 'pipe' });
  };

  const dir = mkdtempSync(join(tmpdir(), 'jazzhr-pg-'));
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const [file, ...rest] = asPostgres('pg_ctl', [
    '-D',
    dataDir,
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    '-l',
    join(dir, 'log'),
    '-w',
    'start',
  ]);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(file!, rest, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`pg_ctl start exited with ${code}`)),
    );
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
