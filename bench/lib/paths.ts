import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found from wherever this file runs (bench/ under ts-node or dist/bench/ once built). */
function findRoot(start: string): string {
  let dir = start;
  while (dir !== dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tsconfig.build.json')))
      return dir;
    dir = dirname(dir);
  }
  throw new Error(`bench: cannot find the repository root above ${start}`);
}

export const ROOT = findRoot(__dirname);
export const DIST = join(ROOT, 'dist');
export const fromRoot = (...parts: string[]): string => join(ROOT, ...parts);
export const fromDist = (...parts: string[]): string => join(DIST, ...parts);
