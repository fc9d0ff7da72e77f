/**
 * Between records and rows: what the relay keeps about accounts and candidates is sealed
 * (src/relay/encryption.ts) on the way into either store and opened on the way out, so the
 * stores' SQL never sees a secret, a body or a header in the clear.
 */
import { z } from 'zod';

import type { SealedField, Sealer } from '../encryption';
import {
  CandidateExportParseError,
  candidateIdentifiers,
  parseCandidateExport,
  type EnvelopeHeaders,
} from '../../webhook';
import {
  claimedDeliveryRow,
  connectionRow,
  exportRow,
  headersJson,
  replacedSecret,
  subscriptionRow,
  type ClaimedDelivery,
  type Connection,
  type ReplacedSecret,
  type StoredExport,
  type Subscription,
} from './records';
import type { ReencryptResult } from './types';

const replacedSecretsJson = z
  .string()
  .transform((text) => JSON.parse(text) as unknown)
  .pipe(z.array(replacedSecret));

/** A table's sealed columns. `start` is below every key of the table. */
export interface SealedTable {
  table: 'connections' | 'subscriptions' | 'exports' | 'relay_settings';
  key: string;
  start: string | number;
  columns: ReadonlyArray<readonly [column: string, field: SealedField]>;
}

/** Every sealed column, by table: what `reencrypt` walks. */
export const SEALED_TABLES: ReadonlyArray<SealedTable> = [
  {
    table: 'connections',
    key: 'id',
    start: '',
    columns: [
      ['secret', 'connection.secret'],
      ['replaced_secrets', 'connection.retired_secrets'],
    ],
  },
  { table: 'subscriptions', key: 'id', start: '', columns: [['secret', 'subscription.secret']] },
  {
    table: 'exports',
    key: 'id',
    start: 0,
    columns: [
      ['headers', 'export.headers'],
      ['body', 'export.body'],
    ],
  },
  { table: 'relay_settings', key: 'name', start: '', columns: [['value', 'key_check']] },
];

/**
 * Runs a store's `reseal` over each sealed table in turn and counts the rows it rewrote, per
 * table (the key check in relay_settings is resealed too, but not counted), then its
 * `rekeyCandidates`, which counts the exports whose candidate keys it wrote.
 */
export async function resealEveryTable(
  reseal: (sealed: SealedTable) => Promise<number>,
  rekeyCandidates: () => Promise<number>,
): Promise<ReencryptResult> {
  const result: ReencryptResult = {
    connections: 0,
    subscriptions: 0,
    exports: 0,
    candidateKeys: 0,
  };
  for (const sealed of SEALED_TABLES) {
    const rewritten = await reseal(sealed);
    if (sealed.table !== 'relay_settings') result[sealed.table] = rewritten;
  }
  result.candidateKeys = await rekeyCandidates();
  return result;
}

/** Whether an export's stored candidate keys are already the ones it should have. */
export function sameCandidateKeys(
  stored: readonly Uint8Array[],
  wanted: readonly Buffer[],
): boolean {
  const have = new Set(stored.map((key) => Buffer.from(key).toString('hex')));
  return have.size === wanted.length && wanted.every((key) => have.has(key.toString('hex')));
}

export class SealedRecords {
  constructor(readonly sealer: Sealer) {}

  /** The value sealed again under the current key; undefined when it already is (or was erased). */
  resealed(field: SealedField, value: Uint8Array | null): Buffer | undefined {
    if (value === null || value.length === 0 || this.sealer.isUnderCurrentKey(value))
      return undefined;
    return this.sealer.seal(field, this.sealer.open(field, value));
  }

  connectionSecret(secret: string): Buffer {
    return this.sealer.seal('connection.secret', secret);
  }

  subscriptionSecret(secret: string): Buffer {
    return this.sealer.seal('subscription.secret', secret);
  }

  replacedSecrets(list: readonly ReplacedSecret[]): Buffer | null {
    return list.length === 0
      ? null
      : this.sealer.seal('connection.retired_secrets', JSON.stringify(list));
  }

  exportHeaders(headers: EnvelopeHeaders): Buffer {
    return this.sealer.seal('export.headers', JSON.stringify(headers));
  }

  exportBody(body: Uint8Array): Buffer {
    return this.sealer.seal('export.body', body);
  }

  /** The lookup keys stored with an export, one per identifier (see candidateIdentifiers). */
  candidateKeys(identifiers: readonly string[]): Buffer[] {
    return identifiers.map((identifier) => this.sealer.lookupKey(identifier));
  }

  /** What an erase request for `identifier` looks for, under every readable key. */
  candidateLookupKeys(identifier: string): Buffer[] {
    return this.sealer.lookupKeys(identifier);
  }

  /** The candidate keys a stored export should have under the current key, from its sealed body. */
  candidateKeysOfBody(sealedBody: Uint8Array): Buffer[] {
    try {
      return this.candidateKeys(
        candidateIdentifiers(parseCandidateExport(this.sealer.open('export.body', sealedBody))),
      );
    } catch (error) {
      if (error instanceof CandidateExportParseError) return [];
      throw error;
    }
  }

  connection(row: unknown): Connection {
    const parsed = connectionRow.parse(row);
    return {
      ...parsed,
      secret: this.sealer.openText('connection.secret', parsed.secret),
      replacedSecrets:
        parsed.replacedSecrets === null
          ? []
          : replacedSecretsJson.parse(
              this.sealer.openText('connection.retired_secrets', parsed.replacedSecrets),
            ),
    };
  }

  subscription(row: unknown): Subscription {
    const parsed = subscriptionRow.parse(row);
    return { ...parsed, secret: this.sealer.openText('subscription.secret', parsed.secret) };
  }

  export(row: unknown): StoredExport {
    const parsed = exportRow.parse(row);
    return { ...parsed, ...this.exportContent(parsed) };
  }

  claimed(row: unknown): ClaimedDelivery {
    const parsed = claimedDeliveryRow.parse(row);
    return {
      ...parsed,
      ...this.exportContent(parsed),
      secret: this.sealer.openText('subscription.secret', parsed.secret),
    };
  }

  /** An export's headers and body, opened from the columns a row read them in. */
  private exportContent(sealed: { headers: Uint8Array; body: Uint8Array }) {
    return {
      headers: headersJson.parse(this.sealer.openText('export.headers', sealed.headers)),
      body: this.sealer.open('export.body', sealed.body),
    };
  }
}
