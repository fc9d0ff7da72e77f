import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ensurePrivateDirectory,
  ensurePrivateFile,
  narrowExistingFiles,
  writePrivateFileOnce,
} from '../../src/relay/private-files';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('private files', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-files-'));
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the directory and its parents 0700, and leaves an existing one as it is', () => {
    expect(ensurePrivateDirectory(join(dir, 'a', 'b'))).toBe(true);
    expect(mode(join(dir, 'a'))).toBe(0o700);
    expect(mode(join(dir, 'a', 'b'))).toBe(0o700);
    mkdirSync(join(dir, 'chosen'), { mode: 0o755 });
    expect(ensurePrivateDirectory(join(dir, 'chosen'))).toBe(false);
    expect(mode(join(dir, 'chosen'))).toBe(0o755);
  });

  it('creates a file 0600 and narrows an existing one without changing its content', () => {
    ensurePrivateFile(join(dir, 'new'));
    expect(mode(join(dir, 'new'))).toBe(0o600);
    writeFileSync(join(dir, 'old'), 'kept', { mode: 0o644 });
    ensurePrivateFile(join(dir, 'old'));
    expect(mode(join(dir, 'old'))).toBe(0o600);
    expect(statSync(join(dir, 'old')).size).toBe(4);
  });

  it('narrows only the files that exist', () => {
    writeFileSync(join(dir, 'wal'), '', { mode: 0o644 });
    narrowExistingFiles([join(dir, 'wal'), join(dir, 'missing')]);
    expect(mode(join(dir, 'wal'))).toBe(0o600);
  });

  it('writes a file once, and never over an existing one', () => {
    const path = join(dir, 'key');
    expect(writePrivateFileOnce(path, 'first')).toBe(true);
    expect(mode(path)).toBe(0o600);
    expect(writePrivateFileOnce(path, 'second')).toBe(false);
    expect(statSync(path).size).toBe(5);
    expect(() => writePrivateFileOnce(join(dir, 'missing-dir', 'key'), 'x')).toThrow(/ENOENT/);
  });
});
