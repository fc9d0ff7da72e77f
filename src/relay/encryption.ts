/**
 * Encryption at rest for what the relay stores about candidates and accounts (secrets, export
 * bodies and headers): AES-256-GCM under RELAY_ENCRYPTION_KEY, with RELAY_ENCRYPTION_KEY_PREVIOUS
 * still accepted when reading so a key can be rotated.
 *
 * A sealed value is: version (1 byte) · key id (4 bytes) · IV (12) · ciphertext · tag (16).
 * The key id (the start of a hash of the key) picks the key to open it with and tells
 * `reencrypt` which rows are not yet under the current key. The column a value belongs to is
 * authenticated too, so a sealed secret copied into another column does not open.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { ensurePrivateDirectory, writePrivateFileOnce } from './private-files';

const VERSION = 1;
const KEY_BYTES = 32;
const KEY_ID_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES;
export const KEY_FILE_NAME = 'relay.key';

/** Which stored field a value is sealed for; part of what GCM authenticates. */
export type SealedField =
  | 'connection.secret'
  | 'connection.retired_secrets'
  | 'subscription.secret'
  | 'export.headers'
  | 'export.body'
  | 'key_check';

export class EncryptionKeyError extends Error {
  override readonly name = 'EncryptionKeyError';
}

export const ENCRYPTION_KEY_FORMAT = `must be ${KEY_BYTES} random bytes in base64 (44 characters); make one with: openssl rand -base64 32`;

/** A 32-byte key from its base64 text; undefined when the text is not one. */
export function decodeEncryptionKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  return /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && key.length === KEY_BYTES ? key : undefined;
}

export function generateEncryptionKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

function keyId(key: Buffer): Buffer {
  return createHash('sha256')
    .update('jazzhr-relay/encryption-key-id\n')
    .update(key)
    .digest()
    .subarray(0, KEY_ID_BYTES);
}

/** The key candidate lookup keys are made with, apart from the one that seals. */
function lookupKey(key: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, '', 'jazzhr-relay/candidate-lookup-key', KEY_BYTES));
}

interface SealingKey {
  key: Buffer;
  id: Buffer;
  lookup: Buffer;
}

function sealingKey(key: Buffer): SealingKey {
  return { key, id: keyId(key), lookup: lookupKey(key) };
}

export class Sealer {
  private readonly current: SealingKey;
  private readonly readable: SealingKey[];

  /** Seals with `current`; opens what was sealed with `current` or any of `previous`. */
  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.current = sealingKey(current);
    this.readable = [this.current, ...previous.map(sealingKey)];
  }

  /**
   * A keyed hash (HMAC-SHA256) of what identifies a candidate, stored so an erase request can
   * find their exports without the relay keeping the email or id itself.
   */
  lookupKey(identifier: string): Buffer {
    return createHmac('sha256', this.current.lookup).update(identifier).digest();
  }

  /** The identifier's lookup key under each readable key: rows not yet rekeyed by `reencrypt` match too. */
  lookupKeys(identifier: string): Buffer[] {
    return this.readable.map(({ lookup }) =>
      createHmac('sha256', lookup).update(identifier).digest(),
    );
  }

  seal(field: SealedField, plaintext: Uint8Array | string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(field));
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    return Buffer.concat([
      Buffer.of(VERSION),
      this.current.id,
      iv,
      ciphertext,
      cipher.getAuthTag(),
    ]);
  }

  open(field: SealedField, sealed: Uint8Array): Buffer {
    const value = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (value.length < HEADER_BYTES + TAG_BYTES || value[0] !== VERSION) {
      throw new EncryptionKeyError(`A stored ${field} is not in the relay's encrypted format.`);
    }
    const id = value.subarray(1, 1 + KEY_ID_BYTES);
    const entry = this.readable.find((candidate) => candidate.id.equals(id));
    if (!entry) {
      throw new EncryptionKeyError(
        `A stored ${field} was encrypted with a key this relay was not given (neither RELAY_ENCRYPTION_KEY nor RELAY_ENCRYPTION_KEY_PREVIOUS).`,
      );
    }
    const decipher = createDecipheriv(
      'aes-256-gcm',
      entry.key,
      value.subarray(1 + KEY_ID_BYTES, HEADER_BYTES),
    );
    decipher.setAAD(Buffer.from(field));
    decipher.setAuthTag(value.subarray(value.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(value.subarray(HEADER_BYTES, value.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new EncryptionKeyError(
        `A stored ${field} failed its integrity check: it was altered, or sealed for another field.`,
      );
    }
  }

  openText(field: SealedField, sealed: Uint8Array): string {
    return this.open(field, sealed).toString('utf8');
  }

  /** Whether a value would have to be sealed again to be under the current key. */
  isUnderCurrentKey(sealed: Uint8Array): boolean {
    return Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength)
      .subarray(1, 1 + KEY_ID_BYTES)
      .equals(this.current.id);
  }
}

const KEY_CHECK_TEXT = 'jazzhr-relay key check';

/** The check value a store keeps, so a database opened with the wrong key is caught at start-up. */
export function makeKeyCheck(sealer: Sealer): Buffer {
  return sealer.seal('key_check', KEY_CHECK_TEXT);
}

/**
 * Throws, naming the problem, unless the stored check value opens with one of the sealer's
 * keys. `where` names the database for the message (a path, never a URL with a password).
 */
export function verifyKeyCheck(sealer: Sealer, stored: Uint8Array, where: string): void {
  let opened: string | undefined;
  try {
    opened = sealer.openText('key_check', stored);
  } catch {
    opened = undefined;
  }
  if (opened !== KEY_CHECK_TEXT) {
    throw new EncryptionKeyError(
      `The database ${where} was encrypted with a different key than RELAY_ENCRYPTION_KEY (or RELAY_ENCRYPTION_KEY_PREVIOUS). Start the relay with the key it was created with; without it the stored secrets and exports cannot be read.`,
    );
  }
}

export interface EncryptionKeys {
  current: Buffer;
  previous: Buffer[];
  /** Set when the key came from (or was just written to) the key file beside a SQLite database. */
  keyFile?: { path: string; created: boolean };
}

/**
 * The keys the relay runs with. A PostgreSQL relay must be given RELAY_ENCRYPTION_KEY; a
 * SQLite relay without one uses `relay.key` beside the database, creating it (0600) on first start.
 */
export function resolveEncryptionKeys(input: {
  key: Buffer | undefined;
  previousKey: Buffer | undefined;
  database: { kind: 'sqlite'; path: string } | { kind: 'postgres' };
}): EncryptionKeys {
  const previous = input.previousKey === undefined ? [] : [input.previousKey];
  if (input.key !== undefined) return { current: input.key, previous };
  if (input.database.kind === 'postgres') {
    throw new EncryptionKeyError(
      'RELAY_ENCRYPTION_KEY is required with PostgreSQL: the relay encrypts secrets and exports at rest. Make one with `openssl rand -base64 32`, keep a copy somewhere safe, and set it on every relay process.',
    );
  }
  if (input.database.path === ':memory:') {
    return { current: generateEncryptionKey(), previous };
  }
  const directory = dirname(resolve(input.database.path));
  ensurePrivateDirectory(directory);
  const path = join(directory, KEY_FILE_NAME);
  const created = writePrivateFileOnce(path, `${generateEncryptionKey().toString('base64')}\n`);
  const current = decodeEncryptionKey(readFileSync(path, 'utf8'));
  if (!current) throw new EncryptionKeyError(`The key file ${path} ${ENCRYPTION_KEY_FORMAT}.`);
  return { current, previous, keyFile: { path, created } };
}
