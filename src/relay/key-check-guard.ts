/**
 * Checking a JazzHR key costs a call to JazzHR, so an unknown key must not be a free way to
 * make the relay call JazzHR: a key JazzHR rejected is answered from memory for a minute, and
 * each client address may cause at most a few checks a minute.
 */
import type { Clock } from './clock';

export const REJECTED_KEY_MEMORY_MS = 60_000;
export const KEY_CHECKS_PER_WINDOW = 10;
export const KEY_CHECK_WINDOW_MS = 60_000;
/** Bounds memory under a flood of distinct keys or addresses; expired entries go first. */
const MAX_ENTRIES = 10_000;

export type KeyCheckPermit = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class KeyCheckGuard {
  /** Rejected key hashes and when they may be checked again. */
  private readonly rejected = new Map<string, number>();
  /** Per client address, the times of its recent checks, oldest first. */
  private readonly checks = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limits = {
      rejectedMemoryMs: REJECTED_KEY_MEMORY_MS,
      checksPerWindow: KEY_CHECKS_PER_WINDOW,
      windowMs: KEY_CHECK_WINDOW_MS,
    },
  ) {}

  /** Whether JazzHR rejected this key hash within the last minute. */
  isRecentlyRejected(apiKeyHash: string): boolean {
    const until = this.rejected.get(apiKeyHash);
    if (until === undefined) return false;
    if (until > this.clock.now()) return true;
    this.rejected.delete(apiKeyHash);
    return false;
  }

  rememberRejected(apiKeyHash: string): void {
    const now = this.clock.now();
    if (this.rejected.size >= MAX_ENTRIES) pruneMap(this.rejected, (until) => until <= now);
    this.rejected.delete(apiKeyHash);
    this.rejected.set(apiKeyHash, now + this.limits.rejectedMemoryMs);
  }

  /** Counts one key check against the address, unless it has used up its checks for now. */
  takeCheck(clientAddress: string): KeyCheckPermit {
    const now = this.clock.now();
    const windowStart = now - this.limits.windowMs;
    const recent = (this.checks.get(clientAddress) ?? []).filter((time) => time > windowStart);
    if (recent.length >= this.limits.checksPerWindow) {
      this.checks.set(clientAddress, recent);
      const freedAt = recent[0]! + this.limits.windowMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)) };
    }
    if (!this.checks.has(clientAddress) && this.checks.size >= MAX_ENTRIES) {
      pruneMap(this.checks, (times) => times.every((time) => time <= windowStart));
    }
    recent.push(now);
    this.checks.delete(clientAddress);
    this.checks.set(clientAddress, recent);
    return { allowed: true };
  }
}

/**
 * Drops the entries `expired` picks; if that frees too little, the oldest inserted too, down to
 * 90% of the cap, so a flood costs one sweep per thousand new entries rather than one each.
 */
function pruneMap<V>(map: Map<string, V>, expired: (value: V) => boolean): void {
  for (const [key, value] of map) if (expired(value)) map.delete(key);
  for (const key of map.keys()) {
    if (map.size <= MAX_ENTRIES * 0.9) break;
    map.delete(key);
  }
}
