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

/**
 * Stands in for a missing X-JazzHR-UUID: the same body always gets the same id, so a resent
 * export is still deduplicated. Shaped as a UUID (version 8, "custom") for consumers that expect one.
 */
export function deriveExportUuid(body: Uint8Array): string {
  const hex = createHash('sha256').update(body).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `8${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}
