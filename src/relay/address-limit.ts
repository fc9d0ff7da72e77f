import type { IncomingMessage } from 'node:http';

import type { Clock } from './clock';

/** Bounds memory under a flood of distinct keys or addresses; expired entries go first. */
export const MAX_ENTRIES = 10_000;

export type Permit = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The address a limit counts against: the peer's, as forwarding headers can be forged. */
export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * At most `perWindow` counted events per client address in any `windowMs`, in this process's
 * memory. What is counted is the caller's choice: every JazzHR key check, or only failed sign-ins.
 */
export class AddressLimit {
  /** Per client address, the times of its recent events, oldest first. */
  private readonly events = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: { perWindow: number; windowMs: number },
  ) {}

  /** Addresses held, for the memory bound. */
  get size(): number {
    return this.events.size;
  }

  /** Whether the address may act now; counts nothing. */
  check(address: string): Permit {
    const now = this.clock.now();
    const recent = this.recent(address, now);
    if (recent.length < this.limits.perWindow) return { allowed: true };
    this.events.set(address, recent);
    const freedAt = recent[0]! + this.limits.windowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)) };
  }

  /** Counts one event against the address. */
  count(address: string): void {
    const now = this.clock.now();
    const recent = this.recent(address, now);
    if (!this.events.has(address) && this.events.size >= MAX_ENTRIES) {
      const windowStart = now - this.limits.windowMs;
      pruneMap(this.events, (times) => times.every((time) => time <= windowStart));
    }
    recent.push(now);
    // Re-inserted, so the map's order is least recently counted first.
    this.events.delete(address);
    this.events.set(address, recent);
  }

  /** Counts one event, unless the address has used up its events for now. */
  take(address: string): Permit {
    const permit = this.check(address);
    if (permit.allowed) this.count(address);
    return permit;
  }

  private recent(address: string, now: number): number[] {
    const windowStart = now - this.limits.windowMs;
    return (this.events.get(address) ?? []).filter((time) => time > windowStart);
  }
}

/**
 * Drops the entries `expired` picks; if that frees too little, the oldest inserted too, down to
 * 90% of the cap, so a flood costs one sweep per thousand new entries rather than one each.
 */
export function pruneMap<V>(map: Map<string, V>, expired: (value: V) => boolean): void {
  for (const [key, value] of map) if (expired(value)) map.delete(key);
  for (const key of map.keys()) {
    if (map.size <= MAX_ENTRIES * 0.9) break;
    map.delete(key);
  }
}
