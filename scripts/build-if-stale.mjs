// Compiles dist/ only when a source changed since the last build, so `npm run relay` (and
// simulate, try) start at once when nothing changed, and do not delete a dist/ a running relay uses.
// `--check` only reports: exit 1 when a build is due.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const root = join(import.meta.dirname, '..');
// What tsconfig.build.json compiles, and the configuration it compiles with.
const INPUTS = ['index.ts', 'src', 'bench', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
const BUILT = join(root, 'dist/index.js');

/** Newest modification under a path; a directory's own time changes when a file is added or removed. */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const built = statSync(BUILT, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const stale = INPUTS.some((input) => newest(join(root, input)) > built);

if (process.argv.includes('--check')) {
  process.exitCode = stale ? 1 : 0;
} else if (stale) {
  process.stderr.write('Compiling dist/ (sources changed since the last build)…\n');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  process.exitCode = build.status ?? 1;
}
