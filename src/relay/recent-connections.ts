import type { Clock } from './clock';
import type { Connection, Store } from './store/types';

const CONNECTION_REUSE_MS = 1_000;
const MAX_REUSED_CONNECTIONS = 10_000;

/**
 * Ingest reads its connection once per export. A connection read in the last second is
 * reused: its secrets change only on rotation, and a signature that fails against a reused
 * copy is checked again against a fresh read, so another process's rotation is never missed.
 */
export class RecentConnections {
  private readonly recent = new Map<string, { connection: Connection; readAt: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async read(
    id: string,
    reuse: boolean,
  ): Promise<{ connection: Connection | undefined; reused: boolean }> {
    const recent = this.recent.get(id);
    if (reuse && recent && this.clock.now() - recent.readAt < CONNECTION_REUSE_MS) {
      return { connection: recent.connection, reused: true };
    }
    const connection = await this.store.connectionById(id);
    if (this.recent.size >= MAX_REUSED_CONNECTIONS) this.recent.clear();
    if (connection) this.recent.set(id, { connection, readAt: this.clock.now() });
    else this.recent.delete(id);
    return { connection, reused: false };
  }

  /** Drops a connection whose secrets this process just changed. */
  forget(id: string): void {
    this.recent.delete(id);
  }
}
