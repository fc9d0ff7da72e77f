/**
 * Candidates' data is kept only as long as it is needed: RELAY_RETENTION_DAYS after an export
 * arrived, once none of its deliveries is still pending, its body and headers are erased. The
 * export's id, times and its deliveries' outcomes stay, so the operator still sees what happened.
 */
import type { Clock } from './clock';
import { errorFields, type Logger } from './logger';

export const DAY_MS = 24 * 60 * 60_000;
/** The issue asks for a sweep at least once a minute; twice keeps that under a slow batch. */
export const RETENTION_SWEEP_INTERVAL_MS = 30_000;
/** Exports erased per transaction: small enough that ingests never wait long behind a sweep. */
export const RETENTION_BATCH_SIZE = 200;

export interface RetentionStore {
  /**
   * Erases the body and headers of up to `limit` exports received before `receivedBefore` that
   * have no pending delivery; returns how many it erased.
   */
  eraseExpiredExports(input: {
    now: number;
    receivedBefore: number;
    limit: number;
  }): Promise<number>;
}

export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      store: RetentionStore;
      clock: Clock;
      logger: Logger;
      retentionMs: number;
      intervalMs?: number;
      batchSize?: number;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Waits for a sweep in progress to finish its batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => 0);
  }

  /** Erases everything past retention, batch by batch; returns how many exports it erased. */
  sweep(): Promise<number> {
    this.running ??= this.eraseAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async eraseAll(): Promise<number> {
    const { store, clock, logger } = this.deps;
    const limit = this.deps.batchSize ?? RETENTION_BATCH_SIZE;
    const now = clock.now();
    const receivedBefore = now - this.deps.retentionMs;
    let erased = 0;
    for (;;) {
      const batch = await store.eraseExpiredExports({ now, receivedBefore, limit });
      erased += batch;
      if (batch < limit || this.stopped) break;
      // Let requests waiting on the event loop in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (erased > 0) {
      logger.info('retention: export bodies erased', {
        exports: erased,
        received_before: new Date(receivedBefore).toISOString(),
      });
    }
    return erased;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweep()
        .catch((error: unknown) => {
          this.deps.logger.error('retention sweep failed', errorFields(error));
          return 0;
        })
        .finally(() => this.schedule(this.deps.intervalMs ?? RETENTION_SWEEP_INTERVAL_MS));
    }, delayMs);
    this.timer.unref();
  }
}
