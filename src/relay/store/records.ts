/**
 * What the stores hand back, parsed from database rows. Both stores select the same
 * camel-cased column aliases, so one schema per record serves SQLite and PostgreSQL.
 */
import { z } from 'zod';

import { deliveryStatus, exportHeaders } from '../protocol';

const epochMs = z.number().int();
const flag = z.union([z.boolean(), z.number()]).transform(Boolean);
const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes');
const headersJson = z
  .string()
  .transform((text) => JSON.parse(text) as unknown)
  .pipe(exportHeaders);

export const connectionRecord = z.object({
  id: z.string(),
  apiKeyHash: z.string(),
  secret: z.string(),
  previousSecret: z.string().nullable(),
  previousSecretExpiresAt: epochMs.nullable(),
  createdAt: epochMs,
});
export type Connection = z.infer<typeof connectionRecord>;

export const subscriptionRecord = z.object({
  id: z.string(),
  connectionId: z.string(),
  targetUrl: z.string(),
  /** DEFAULT_CHANNEL ('') or a named channel. */
  channel: z.string(),
  secret: z.string(),
  active: flag,
  deactivatedReason: z.string().nullable(),
  createdAt: epochMs,
});
export type Subscription = z.infer<typeof subscriptionRecord>;

export const exportRecord = z.object({
  uuid: z.string(),
  event: z.string(),
  headers: headersJson,
  body: bytes,
  receivedAt: epochMs,
});
export type StoredExport = z.infer<typeof exportRecord>;

export const deliveryRecord = z.object({
  id: z.string(),
  exportUuid: z.string(),
  subscriptionId: z.string(),
  connectionId: z.string(),
  status: deliveryStatus,
  attempts: z.number().int(),
  nextAttemptAt: epochMs.nullable(),
  giveUpAfter: epochMs,
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: epochMs,
  updatedAt: epochMs,
});
export type Delivery = z.infer<typeof deliveryRecord>;

/** Counts and times come back as numbers from SQLite and as text (bigint) from PostgreSQL. */
export const pendingDeliveriesRecord = z
  .object({
    count: z.coerce.number().int(),
    id: z.string().nullable(),
    connectionId: z.string().nullable(),
    createdAt: z.coerce.number().int().nullable(),
  })
  .transform(({ count, id, connectionId, createdAt }) => ({
    count,
    oldest:
      id === null || connectionId === null || createdAt === null
        ? null
        : { id, connectionId, createdAt },
  }));

/** A delivery leased to one worker, with everything needed to send it. */
export const claimedDeliveryRecord = deliveryRecord.extend({
  leaseToken: z.string(),
  headers: headersJson,
  body: bytes,
  targetUrl: z.string(),
  secret: z.string(),
});
export type ClaimedDelivery = z.infer<typeof claimedDeliveryRecord>;

export const CONNECTION_COLUMNS = `id, api_key_hash AS "apiKeyHash", secret, previous_secret AS "previousSecret",
  previous_secret_expires_at AS "previousSecretExpiresAt", created_at AS "createdAt"`;

export const SUBSCRIPTION_COLUMNS = `id, connection_id AS "connectionId", target_url AS "targetUrl", channel, secret, active,
  deactivated_reason AS "deactivatedReason", created_at AS "createdAt"`;

export const EXPORT_COLUMNS = `uuid, event, headers, body, received_at AS "receivedAt"`;

export const PENDING_DELIVERIES_QUERY = `SELECT
    (SELECT COUNT(*) FROM deliveries WHERE status = 'pending') AS count,
    oldest.id, oldest.connection_id AS "connectionId", oldest.created_at AS "createdAt"
  FROM (SELECT 1 AS one) AS always
  LEFT JOIN (SELECT id, connection_id, created_at FROM deliveries WHERE status = 'pending'
             ORDER BY created_at, id LIMIT 1) AS oldest ON 1 = 1`;

/** Columns of `deliveries d JOIN exports e`. */
export const DELIVERY_COLUMNS = `d.id, e.uuid AS "exportUuid", d.subscription_id AS "subscriptionId",
  d.connection_id AS "connectionId", d.status, d.attempts, d.next_attempt_at AS "nextAttemptAt",
  d.give_up_after AS "giveUpAfter", d.last_status_code AS "lastStatusCode", d.last_error AS "lastError",
  d.created_at AS "createdAt", d.updated_at AS "updatedAt"`;

/** Columns of `deliveries d JOIN exports e JOIN subscriptions s`. */
export const CLAIMED_DELIVERY_COLUMNS = `${DELIVERY_COLUMNS}, d.lease_token AS "leaseToken", e.headers, e.body,
  s.target_url AS "targetUrl", s.secret`;
