import { createHash } from 'node:crypto';

import { deriveExportUuid, hashApiKey, mintSecret, newId } from '../../src/relay/ids';

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

  it('derives a stable, UUID-shaped id from the body bytes', () => {
    const body = Buffer.from('{"candidate": {}}');
    const uuid = deriveExportUuid(body);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveExportUuid(Buffer.from('{"candidate": {}}'))).toBe(uuid);
    expect(deriveExportUuid(Buffer.from('{"candidate": {} }'))).not.toBe(uuid);
    const digest = createHash('sha256').update(body).digest('hex');
    expect(uuid.replace(/-/g, '').slice(0, 12)).toBe(digest.slice(0, 12));
  });
});
