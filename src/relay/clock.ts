/** Wall-clock time in epoch milliseconds. Injected so tests can move time instead of sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A source of uniform numbers in [0, 1), injected so backoff jitter is reproducible in tests. */
export type Random = () => number;
