import { createHash } from 'node:crypto';

import { hashApiKey, mintSecret, newId } from '../../src/relay/ids';

describe('ids and secrets', () => {
  it('makes unguessable, prefixed ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('con')));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^con_[0-9a-f]{32}$/);
    expect(newId('sub')).toMatch(/^sub_/);
  });

  it('mints 256-bit hex secrets', () => {
    const secret = mintSecret();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(mintSecret()).not.toBe(secret);
  });

  it('hashes API keys one way, with a domain prefix, deterministically', () => {
    const hash = hashApiKey('kH7vQ2mX9pL4rT8wZ3nB6cY1dF5gJ0sA');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey('kH7vQ2mX9pL4rT8wZ3nB6cY1dF5gJ0sA')).toBe(hash);
    expect(hash).not.toBe(
      createHash('sha256').update('kH7vQ2mX9pL4rT8wZ3nB6cY1dF5gJ0sA').digest('hex'),
    );
    expect(hashApiKey('kH7vQ2mX9pL4rT8wZ3nB6cY1dF5gJ0sB')).not.toBe(hash);
  });
});
