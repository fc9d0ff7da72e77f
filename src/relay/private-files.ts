/**
 * The relay's files hold candidates' data and signing secrets: the directory it creates is
 * 0700 and its files 0600, whatever the umask, including files an earlier version made wider.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';

export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the directory (and missing parents) 0700 and returns true; an existing directory is
 * the operator's choice and is left as it is (false), so pointing the database at the working
 * directory never changes that directory's mode.
 */
export function ensurePrivateDirectory(path: string): boolean {
  const created = mkdirSync(path, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  if (created === undefined) return false;
  chmodSync(path, PRIVATE_DIRECTORY_MODE);
  return true;
}

/**
 * Creates the file empty with mode 0600, or narrows an existing one to 0600. SQLite gives a
 * database's -wal and -shm files the mode of the database file, so this covers them too.
 */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** Narrows the files that exist among `paths` to 0600 (a WAL left by an older, wider version). */
export function narrowExistingFiles(paths: readonly string[]): void {
  for (const path of paths) if (existsSync(path)) chmodSync(path, PRIVATE_FILE_MODE);
}

/** Writes `content` to a new 0600 file; false (and nothing written) when the file already exists. */
export function writePrivateFileOnce(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, PRIVATE_FILE_MODE);
  return true;
}
