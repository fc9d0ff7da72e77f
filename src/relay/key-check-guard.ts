/**
 * Checking a JazzHR key costs a call to JazzHR, so an unknown key must not be a free way to
 * make the relay call JazzHR: a key JazzHR rejected is answered from memory for a minute, and
 * each client address may cause at most a few checks a minute.
 */
import { AddressLimit, MAX_ENTRIES, pruneMap, type Permit } from './address-limit';
import type { Clock } from './clock';

export const REJECTED_KEY_MEMORY_MS = 60_000;
export const KEY_CHECKS_PER_WINDOW = 10;
export const KEY_CHECK_WINDOW_MS = 60_000;

export class KeyCheckGuard {
  /** Rejected key hashes and when they may be checked again. */
  private readonly rejected = new Map<string, number>();
  /** Per client address, its recent checks. */
  private readonly checks: AddressLimit;

  constructor(
    private readonly clock: Clock,
    private readonly limits = {
      rejectedMemoryMs: REJECTED_KEY_MEMORY_MS,
      checksPerWindow: KEY_CHECKS_PER_WINDOW,
      windowMs: KEY_CHECK_WINDOW_MS,
    },
  ) {
    this.checks = new AddressLimit(clock, {
      perWindow: limits.checksPerWindow,
      windowMs: limits.windowMs,
    });
  }

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
  takeCheck(clientAddress: string): Permit {
    return this.checks.take(clientAddress);
  }
}
