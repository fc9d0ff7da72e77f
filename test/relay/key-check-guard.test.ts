import { KeyCheckGuard } from '../../src/relay/key-check-guard';
import { FakeClock } from './support/clock';

describe('KeyCheckGuard', () => {
  it('remembers a rejected key hash for 60 s', () => {
    const clock = new FakeClock();
    const guard = new KeyCheckGuard(clock);
    expect(guard.isRecentlyRejected('h1')).toBe(false);
    guard.rememberRejected('h1');
    clock.advance(59_999);
    expect(guard.isRecentlyRejected('h1')).toBe(true);
    expect(guard.isRecentlyRejected('h2')).toBe(false);
    clock.advance(1);
    expect(guard.isRecentlyRejected('h1')).toBe(false);
  });

  it('allows 10 key checks a minute per address, then says when the next is allowed', () => {
    const clock = new FakeClock();
    const guard = new KeyCheckGuard(clock);
    for (let i = 0; i < 10; i += 1) {
      expect(guard.takeCheck('10.0.0.1')).toEqual({ allowed: true });
      clock.advance(1_000);
    }
    // The first check was 10 s ago, so it frees its place in 50 s.
    expect(guard.takeCheck('10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect(guard.takeCheck('10.0.0.2')).toEqual({ allowed: true });
    clock.advance(50_000);
    expect(guard.takeCheck('10.0.0.1')).toEqual({ allowed: true });
    expect(guard.takeCheck('10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('does not count refused attempts: a client that keeps trying is let in once the minute has passed', () => {
    const clock = new FakeClock();
    const guard = new KeyCheckGuard(clock);
    for (let i = 0; i < 10; i += 1) guard.takeCheck('a');
    for (let i = 0; i < 100; i += 1) expect(guard.takeCheck('a').allowed).toBe(false);
    clock.advance(60_000);
    expect(guard.takeCheck('a').allowed).toBe(true);
  });

  it('stays bounded under a flood of addresses and keys, keeping recent entries', () => {
    const clock = new FakeClock();
    const guard = new KeyCheckGuard(clock);
    for (let i = 0; i < 10; i += 1) guard.takeCheck('busy');
    guard.rememberRejected('recent');
    for (let i = 0; i < 25_000; i += 1) {
      guard.takeCheck(`addr-${i}`);
      guard.rememberRejected(`key-${i}`);
    }
    const internals = guard as unknown as {
      checks: Map<string, unknown>;
      rejected: Map<string, unknown>;
    };
    expect(internals.checks.size).toBeLessThanOrEqual(10_000);
    expect(internals.rejected.size).toBeLessThanOrEqual(10_000);
    // After expiry, old entries are the first dropped.
    clock.advance(60_001);
    guard.takeCheck('fresh');
    expect(guard.takeCheck('fresh').allowed).toBe(true);
  });
});
