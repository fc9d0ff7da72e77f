/**
 * Between records and rows: what the relay keeps about accounts and candidates is sealed
 * (src/relay/encryption.ts) on the way into either store and opened on the way out, so the
 * stores' SQL never sees a secret, a body or a header in the clear.
 */
import { z } from 'zod';

import type { Sealer } from '../encryption';
import type { ExportHeaders } from '../protocol';
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

const replacedSecretsJson = z
  .string()
  .transform((text) => JSON.parse(text) as unknown)
  .pipe(z.array(replacedSecret));

export class SealedRecords {
  constructor(readonly sealer: Sealer) {}

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

  exportHeaders(headers: ExportHeaders): Buffer {
    return this.sealer.seal('export.headers', JSON.stringify(headers));
  }

  exportBody(body: Uint8Array): Buffer {
    return this.sealer.seal('export.body', body);
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
    return {
      ...parsed,
      headers: headersJson.parse(this.sealer.openText('export.headers', parsed.headers)),
      body: this.sealer.open('export.body', parsed.body),
    };
  }

  claimed(row: unknown): ClaimedDelivery {
    const parsed = claimedDeliveryRow.parse(row);
    return {
      ...parsed,
      headers: headersJson.parse(this.sealer.openText('export.headers', parsed.headers)),
      body: this.sealer.open('export.body', parsed.body),
      secret: this.sealer.openText('subscription.secret', parsed.secret),
    };
  }
}
