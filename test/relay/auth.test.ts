import type { IncomingMessage } from 'node:http';

import { AddressLimit } from '../../src/relay/address-limit';
import { checkToken, sameText } from '../../src/relay/auth';
import { FakeClock } from './support/clock';

function from(remoteAddress: string): IncomingMessage {
  return { socket: { remoteAddress } } as IncomingMessage;
}

describe('sameText', () => {
  it('is true only for the same text, whatever the lengths', () => {
    expect(sameText('admin-token-0123456789', 'admin-token-0123456789')).toBe(true);
    expect(sameText('admin-token-0123456789', 'admin-token-012345678X')).toBe(false);
    expect(sameText('admin', 'admin-token-0123456789')).toBe(false);
    expect(sameText('', 'admin-token-0123456789')).toBe(false);
  });
});

describe('checkToken', () => {
  const expected = 'admin-token-0123456789';

  it('with a limit, counts wrong tokens per address and then refuses even the right one', () => {
    const clock = new FakeClock();
    const failures = new AddressLimit(clock, { perWindow: 2, windowMs: 60_000 });
    expect(checkToken(from('10.0.0.1'), 'guess-1', expected, failures)).toEqual({ kind: 'wrong' });
    expect(checkToken(from('10.0.0.1'), expected, expected, failures)).toEqual({
      kind: 'accepted',
    });
    expect(checkToken(from('10.0.0.1'), undefined, expected, failures)).toEqual({ kind: 'wrong' });
    expect(checkToken(from('10.0.0.1'), expected, expected, failures)).toEqual({
      kind: 'limited',
      retryAfterSeconds: 60,
    });
    expect(checkToken(from('10.0.0.2'), expected, expected, failures)).toEqual({
      kind: 'accepted',
    });
    clock.advance(60_000);
    expect(checkToken(from('10.0.0.1'), expected, expected, failures).kind).toBe('accepted');
  });

  it('without a limit, only compares', () => {
    for (let i = 0; i < 20; i += 1) expect(checkToken(from('a'), 'x', expected).kind).toBe('wrong');
    expect(checkToken(from('a'), expected, expected).kind).toBe('accepted');
  });
});
