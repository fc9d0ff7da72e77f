import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { GroupCommit } from '../../../src/relay/store/group-commit';

describe('GroupCommit', () => {
  let dir: string;
  let path: string;
  let db: DatabaseSync;
  let insert: (name: string) => number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-group-'));
    path = join(dir, 'group.sqlite');
    db = new DatabaseSync(path);
    db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
      CREATE TABLE parents (id INTEGER PRIMARY KEY);
      CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
        parent_id INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);`);
    const statement = db.prepare('INSERT INTO items (name) VALUES (?) RETURNING id');
    insert = (name) => {
      if (name.startsWith('throw')) throw new Error(`cannot store ${name}`);
      const id = Number(statement.get(name)!.id);
      if (name.startsWith('half')) throw new Error(`failed after writing ${name}`);
      return id;
    };
  });

  afterEach(() => {
    if (db.isOpen) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What another connection sees: only committed rows. */
  const committedNames = () => {
    const reader = new DatabaseSync(path);
    try {
      return reader
        .prepare('SELECT name FROM items ORDER BY id')
        .all()
        .map((row) => row.name);
    } finally {
      reader.close();
    }
  };

  it('commits work submitted in one turn in one transaction, settling only after COMMIT', async () => {
    const group = new GroupCommit(db, (name: string) => {
      expect(db.isTransaction).toBe(true);
      return insert(name);
    });
    const settled: string[] = [];
    const submitted = ['a', 'b', 'c'].map((name) =>
      group.submit(name).then((id) => {
        settled.push(name);
        expect(committedNames()).toEqual(['a', 'b', 'c']);
        return id;
      }),
    );
    expect(committedNames()).toEqual([]);
    await expect(Promise.all(submitted)).resolves.toEqual([1, 2, 3]);
    expect(settled).toEqual(['a', 'b', 'c']);
    expect(group.commits).toBe(1);

    await group.submit('d');
    expect(group.commits).toBe(2);
  });

  it('rolls back and rejects only the unit that failed; the rest of its group commits', async () => {
    const group = new GroupCommit(db, insert);
    const results = await Promise.allSettled([
      group.submit('first'),
      group.submit('throw-me'),
      group.submit('first'),
      group.submit('half-written'),
      group.submit('last'),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(
      new Error('cannot store throw-me'),
    );
    expect(String((results[2] as PromiseRejectedResult).reason)).toContain('UNIQUE');
    expect(committedNames()).toEqual(['first', 'last']);
    expect(results[4]).toEqual({ status: 'fulfilled', value: 2 });
    expect(group.commits).toBe(1);
  });

  it('rejects every unit, and keeps none, when COMMIT itself fails', async () => {
    const group = new GroupCommit(db, (name: string) => {
      if (name === 'orphan') {
        // A deferred foreign key is only checked at COMMIT, so this makes COMMIT fail.
        db.prepare('INSERT INTO items (name, parent_id) VALUES (?, 999)').run(name);
        return 0;
      }
      return insert(name);
    });
    const results = await Promise.allSettled([
      group.submit('kept?'),
      group.submit('orphan'),
      group.submit('throw-me'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('FOREIGN KEY');
    expect((results[2] as PromiseRejectedResult).reason).toEqual(
      new Error('cannot store throw-me'),
    );
    expect(db.isTransaction).toBe(false);
    expect(committedNames()).toEqual([]);
    await expect(group.submit('after')).resolves.toBe(1);
    expect(committedNames()).toEqual(['after']);
  });

  it('rejects the whole group when the write lock cannot be taken', async () => {
    db.exec('PRAGMA busy_timeout = 0');
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const group = new GroupCommit(db, insert);
      const results = await Promise.allSettled([group.submit('x'), group.submit('y')]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
      expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(committedNames()).toEqual([]);
  });

  it('splits a burst into groups of at most maxGroupSize', async () => {
    const group = new GroupCommit(db, insert, 2);
    const names = ['p', 'q', 'r', 's', 't'];
    await expect(Promise.all(names.map((name) => group.submit(name)))).resolves.toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(group.commits).toBe(3);
    expect(committedNames()).toEqual(names);
  });

  it('flush() commits what is queued at once, before the connection is closed', async () => {
    const group = new GroupCommit(db, insert);
    const pending = group.submit('queued');
    group.flush();
    db.close();
    expect(committedNames()).toEqual(['queued']);
    await expect(pending).resolves.toBe(1);
  });
});
