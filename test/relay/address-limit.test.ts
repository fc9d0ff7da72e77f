import { AddressLimit } from '../../src/relay/address-limit';
import { FakeClock } from './support/clock';

describe('AddressLimit', () => {
  const limits = { perWindow: 3, windowMs: 60_000 };

  it('counts only what it is told to: check() alone never uses the limit up', () => {
    const clock = new FakeClock();
    const limit = new AddressLimit(clock, limits);
    for (let i = 0; i < 10; i += 1) expect(limit.check('a')).toEqual({ allowed: true });
    limit.count('a');
    limit.count('a');
    expect(limit.check('a')).toEqual({ allowed: true });
    clock.advance(20_000);
    limit.count('a');
    // The first count was 20 s ago, so it frees its place in 40 s.
    expect(limit.check('a')).toEqual({ allowed: false, retryAfterSeconds: 40 });
    expect(limit.check('b')).toEqual({ allowed: true });
    clock.advance(40_000);
    expect(limit.check('a')).toEqual({ allowed: true });
  });

  it('take() counts an allowed event and refuses, uncounted, past the limit', () => {
    const clock = new FakeClock();
    const limit = new AddressLimit(clock, limits);
    for (let i = 0; i < 3; i += 1) expect(limit.take('a').allowed).toBe(true);
    for (let i = 0; i < 5; i += 1) expect(limit.take('a').allowed).toBe(false);
    clock.advance(60_000);
    expect(limit.take('a').allowed).toBe(true);
  });

  it('stays bounded under a flood of addresses', () => {
    const clock = new FakeClock();
    const limit = new AddressLimit(clock, limits);
    for (let i = 0; i < 25_000; i += 1) limit.count(`addr-${i}`);
    expect(limit.size).toBeLessThanOrEqual(10_000);
  });
});
