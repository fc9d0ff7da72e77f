import type { DatabaseSync, StatementSync } from 'node:sqlite';

interface Queued<Input, Result> {
  input: Input;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/** Units of work per transaction at most, so one huge burst does not hold the write lock for long. */
export const MAX_GROUP_SIZE = 256;

/**
 * Group commit for a synchronous SQLite connection. Work submitted in one turn of the event
 * loop (and all that arrived while the previous commit blocked it) runs in ONE transaction,
 * so one disk flush serves the whole group. Each unit runs inside its own savepoint: a unit
 * that throws is rolled back alone and rejected, the others still commit. No promise settles
 * before COMMIT has returned, so nothing is acknowledged before it is durable; if COMMIT
 * itself fails, every unit of the group is rejected.
 */
export class GroupCommit<Input, Result> {
  private queue: Array<Queued<Input, Result>> = [];
  private scheduled = false;
  private readonly savepoint: StatementSync;
  private readonly release: StatementSync;
  private readonly rollbackTo: StatementSync;
  /** Transactions committed so far (for tests and diagnostics). */
  commits = 0;

  constructor(
    private readonly db: DatabaseSync,
    private readonly work: (input: Input) => Result,
    private readonly maxGroupSize = MAX_GROUP_SIZE,
  ) {
    this.savepoint = db.prepare('SAVEPOINT unit');
    this.release = db.prepare('RELEASE unit');
    this.rollbackTo = db.prepare('ROLLBACK TO unit');
  }

  submit(input: Input): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /** Commits everything queued now, synchronously (before closing the connection). */
  flush(): void {
    while (this.queue.length > 0) this.commitGroup();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the poll phase, so every request whose bytes arrived meanwhile joins.
    setImmediate(() => {
      this.scheduled = false;
      this.commitGroup();
      if (this.queue.length > 0) this.schedule();
    });
  }

  private commitGroup(): void {
    const group = this.queue.splice(0, this.maxGroupSize);
    if (group.length === 0) return;
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      for (const unit of group) unit.reject(error);
      return;
    }
    const done: Array<{ unit: Queued<Input, Result>; result: Result }> = [];
    const failed: Array<{ unit: Queued<Input, Result>; error: unknown }> = [];
    try {
      for (const unit of group) {
        this.savepoint.run();
        try {
          done.push({ unit, result: this.work(unit.input) });
          this.release.run();
        } catch (error) {
          this.rollbackTo.run();
          this.release.run();
          failed.push({ unit, error });
        }
      }
      this.db.exec('COMMIT');
      this.commits += 1;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      for (const { unit } of done) unit.reject(error);
      for (const { unit, error: own } of failed) unit.reject(own);
      return;
    }
    for (const { unit, error } of failed) unit.reject(error);
    for (const { unit, result } of done) unit.resolve(result);
  }
}
