/**
 * What the stores hand back, parsed from database rows. Both stores select the same
 * camel-cased column aliases, so one schema per record serves SQLite and PostgreSQL.
 */
import { z } from 'zod';

import type { EnvelopeHeaders } from '../../webhook';
import { deliveryStatus, envelopeHeaders } from '../protocol';

const epochMs = z.number().int();
const flag = z.union([z.boolean(), z.number()]).transform(Boolean);
const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes');
export const headersJson = z
  .string()
  .transform((text) => JSON.parse(text) as unknown)
  .pipe(envelopeHeaders);

/** A secret replaced by a rotation, still accepted until `validUntil`. */
export const replacedSecret = z.object({
  secret: z.string(),
  replacedAt: epochMs,
  validUntil: epochMs,
});
export type ReplacedSecret = z.infer<typeof replacedSecret>;

/** At most this many replaced secrets are live at once; a rotation past it waits for the oldest to expire. */
export const MAX_REPLACED_SECRETS = 10;

/**
 * The replaced secrets after a rotation: the current one joins the list, valid for `graceMs`,
 * and those already past their time drop out. However often a key is rotated, each secret
 * stays accepted for its full grace period.
 */
export function afterRotation(
  connection: Pick<Connection, 'secret' | 'replacedSecrets'>,
  now: number,
  graceMs: number,
): ReplacedSecret[] {
  return [
    ...connection.replacedSecrets.filter((replaced) => replaced.validUntil > now),
    { secret: connection.secret, replacedAt: now, validUntil: now + graceMs },
  ];
}

/**
 * A connection row from before replaced secrets held one previous secret: still live, it is
 * the one replaced secret, valid as long as it was.
 */
export function legacyReplacedSecrets(row: Record<string, unknown>, now: number): ReplacedSecret[] {
  const expires = row.previous_secret_expires_at as number | null;
  return row.previous_secret !== null && expires !== null && expires > now
    ? [
        {
          secret: String(row.previous_secret),
          replacedAt: Number(row.updated_at),
          validUntil: expires,
        },
      ]
    : [];
}

/** Every secret an ingest signature may match now: the current one first. */
export function acceptedSecrets(
  connection: Pick<Connection, 'secret' | 'replacedSecrets'>,
  now: number,
): string[] {
  return [
    connection.secret,
    ...connection.replacedSecrets
      .filter((replaced) => replaced.validUntil > now)
      .map((replaced) => replaced.secret)
      .reverse(),
  ];
}

export const connectionRow = z.object({
  id: z.string(),
  apiKeyHash: z.string(),
  secret: bytes,
  replacedSecrets: bytes.nullable(),
  keyConfirmedAt: epochMs,
  revokedAt: epochMs.nullable(),
  createdAt: epochMs,
});

export interface Connection {
  id: string;
  apiKeyHash: string;
  /** The Secret Key JazzHR signs with now. */
  secret: string;
  /** Earlier Secret Keys, oldest first, each accepted until its validUntil. */
  replacedSecrets: ReplacedSecret[];
  /** When JazzHR last accepted the connection's API key. */
  keyConfirmedAt: number;
  /** When JazzHR was found to reject the key; a revoked connection only ingests. */
  revokedAt: number | null;
  createdAt: number;
}

export const subscriptionRow = z.object({
  id: z.string(),
  connectionId: z.string(),
  targetUrl: z.string(),
  /** DEFAULT_CHANNEL ('') or a named channel. */
  channel: z.string(),
  secret: bytes,
  active: flag,
  deactivatedReason: z.string().nullable(),
  createdAt: epochMs,
});
export type Subscription = Omit<z.infer<typeof subscriptionRow>, 'secret'> & { secret: string };

export const exportRow = z.object({
  uuid: z.string(),
  event: z.string(),
  headers: bytes,
  body: bytes,
  receivedAt: epochMs,
});
export interface StoredExport {
  uuid: string;
  event: string;
  headers: EnvelopeHeaders;
  body: Uint8Array;
  receivedAt: number;
}

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
  /** Retention or an erase request removed the export's body and headers. */
  exportErased: flag,
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
export const claimedDeliveryRow = deliveryRecord.extend({
  leaseToken: z.string(),
  exportReceivedAt: epochMs,
  headers: bytes,
  body: bytes,
  targetUrl: z.string(),
  secret: bytes,
});
export type ClaimedDelivery = Omit<z.infer<typeof claimedDeliveryRow>, 'headers' | 'secret'> & {
  headers: EnvelopeHeaders;
  secret: string;
};

export const CONNECTION_COLUMNS = `id, api_key_hash AS "apiKeyHash", secret, replaced_secrets AS "replacedSecrets",
  key_confirmed_at AS "keyConfirmedAt", revoked_at AS "revokedAt", created_at AS "createdAt"`;

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
  e.erased_at IS NOT NULL AS "exportErased", d.created_at AS "createdAt", d.updated_at AS "updatedAt"`;

/** Columns of `deliveries d JOIN exports e JOIN subscriptions s`. */
export const CLAIMED_DELIVERY_COLUMNS = `${DELIVERY_COLUMNS}, d.lease_token AS "leaseToken",
  e.received_at AS "exportReceivedAt", e.headers, e.body,
  s.target_url AS "targetUrl", s.secret`;

/** One row of the operator console's list of connections: counts and times, never secrets. */
export const connectionSummaryRecord = z.object({
  id: z.string(),
  createdAt: z.coerce.number().int(),
  /** When JazzHR last accepted the connection's key, and when it was found to reject it. */
  keyConfirmedAt: z.coerce.number().int(),
  revokedAt: z.coerce.number().int().nullable(),
  lastExportAt: z.coerce.number().int().nullable(),
  activeSubscriptions: z.coerce.number().int(),
  pendingDeliveries: z.coerce.number().int(),
  failedDeliveries: z.coerce.number().int(),
});
export type ConnectionSummary = z.infer<typeof connectionSummaryRecord>;

/** The newest connections first; `limit` is the dialect's placeholder for the row limit. */
export function connectionSummariesQuery(limit: string): string {
  return `SELECT c.id, c.created_at AS "createdAt", c.key_confirmed_at AS "keyConfirmedAt",
    c.revoked_at AS "revokedAt",
    (SELECT MAX(e.received_at) FROM exports e WHERE e.connection_id = c.id) AS "lastExportAt",
    (SELECT COUNT(*) FROM subscriptions s WHERE s.connection_id = c.id AND s.active) AS "activeSubscriptions",
    (SELECT COUNT(*) FROM deliveries d WHERE d.connection_id = c.id AND d.status = 'pending') AS "pendingDeliveries",
    (SELECT COUNT(*) FROM deliveries d WHERE d.connection_id = c.id AND d.status = 'failed') AS "failedDeliveries"
  FROM connections c ORDER BY c.created_at DESC, c.id LIMIT ${limit}`;
}
