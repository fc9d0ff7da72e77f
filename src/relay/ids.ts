import { createHash, randomBytes } from 'node:crypto';

/** Unguessable ids: a readable prefix plus 128 random bits. */
export function newId(prefix: 'con' | 'sub' | 'dlv'): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

/**
 * A Secret Key for JazzHR or a delivery target: 256 random bits as hex, which survives
 * copying into any text field without look-alike characters.
 */
export function mintSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The only form in which an API key is kept. Keys are high-entropy, so plain SHA-256 suffices. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update('jazzhr-relay/api-key\n').update(apiKey, 'utf8').digest('hex');
}
