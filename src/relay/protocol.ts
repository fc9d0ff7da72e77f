/**
 * The relay's HTTP interface, version 1: the bodies the Zapier app sends and receives.
 * Both sides can import these schemas, so the contract is written down once.
 */
import { z } from 'zod';

import { isHttpUrl } from '../web-link';
import { CHANNEL_RULE, isChannel } from '../webhook/channel';

export const errorCode = z.enum([
  'bad_request',
  'invalid_api_key',
  'unauthorized',
  'invalid_signature',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'internal_error',
  'jazzhr_unavailable',
  'relay_busy',
  'subscription_limit',
  'rate_limited',
]);
export type ErrorCode = z.infer<typeof errorCode>;

export const errorResponse = z.object({
  error: z.object({ code: errorCode, message: z.string() }),
});
export type ErrorResponse = z.infer<typeof errorResponse>;

export const connectionResponse = z.object({
  id: z.string(),
  ingest_url: z.string(),
  secret: z.string(),
  /** Secrets replaced by rotations, still accepted on ingest until valid_until (oldest first). */
  replaced_secrets: z
    .array(z.object({ ends_with: z.string(), replaced_at: z.string(), valid_until: z.string() }))
    .optional(),
  /** The latest valid_until of replaced_secrets; kept for apps written before that list. */
  previous_secret_expires_at: z.string().nullable(),
});
export type ConnectionResponse = z.infer<typeof connectionResponse>;

export const CHANNEL_MESSAGE = `channel must be ${CHANNEL_RULE}, or absent for the default channel`;

/** A named channel; absent or null is the default channel. */
export const channelField = z
  .string({ error: CHANNEL_MESSAGE })
  .refine(isChannel, CHANNEL_MESSAGE)
  .nullish()
  .transform((value) => value ?? undefined);

export const createSubscriptionRequest = z.object(
  {
    connection_id: z
      .string({ error: 'connection_id must be the id returned by POST /v1/connections' })
      .min(1),
    target_url: z
      .string({ error: 'target_url must be the http(s) URL that deliveries are posted to' })
      .max(2048, 'target_url must be at most 2048 characters')
      .refine(isHttpUrl, 'target_url must be an absolute http:// or https:// URL')
      // One spelling per target, so differently written URLs of one Zap are one subscription.
      .transform((value) => new URL(value).href),
    channel: channelField,
  },
  { error: 'The body must be a JSON object with connection_id and target_url' },
);
export type CreateSubscriptionRequest = z.infer<typeof createSubscriptionRequest>;

export const subscriptionResponse = z.object({
  id: z.string(),
  connection_id: z.string(),
  target_url: z.string(),
  /** The channel it listens to; null for the default one. Older relays do not send it. */
  channel: z.string().nullish(),
  secret: z.string(),
});
export type SubscriptionResponse = z.infer<typeof subscriptionResponse>;

/**
 * An export's envelope as stored with it and listed here: what envelopeToHeaders writes
 * (lower-case names), read back with envelopeFromHeaders.
 */
export const envelopeHeaders = z.record(z.string(), z.string());

export const exportItem = z.object({
  uuid: z.string(),
  event: z.string(),
  received_at: z.string(),
  headers: envelopeHeaders,
  /** The raw body exactly as JazzHR sent it, so its signature can still be checked. */
  body: z.string(),
});
export type ExportItem = z.infer<typeof exportItem>;

export const exportsResponse = z.object({ exports: z.array(exportItem) });
export type ExportsResponse = z.infer<typeof exportsResponse>;

export const EXPORTS_DEFAULT_LIMIT = 3;
export const EXPORTS_MAX_LIMIT = 100;

/** `cancelled`: the subscription was deleted or its target answered 410 Gone before delivery. */
export const deliveryStatus = z.enum(['pending', 'delivered', 'failed', 'cancelled']);
export type DeliveryStatus = z.infer<typeof deliveryStatus>;

export const deliveryItem = z.object({
  id: z.string(),
  export_uuid: z.string(),
  subscription_id: z.string(),
  status: deliveryStatus,
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  updated_at: z.string(),
});
export type DeliveryItem = z.infer<typeof deliveryItem>;

export const deliveriesResponse = z.object({ deliveries: z.array(deliveryItem) });
export type DeliveriesResponse = z.infer<typeof deliveriesResponse>;

/** An ISO-8601 time with a date; the message names the field. */
const isoTime = (field: string) => {
  const message = `${field} must be an ISO-8601 time such as 2026-12-01T09:00:00Z`;
  return z
    .string({ error: message })
    .refine(
      (value) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)),
      message,
    )
    .transform((value) => Date.parse(value));
};

/** POST /v1/connections/{id}/recover and /v1/operator/recover: until defaults to now. */
export const recoverRequest = z
  .object(
    { since: isoTime('since'), until: isoTime('until').optional() },
    { error: 'The body must be a JSON object with since (and optionally until), ISO-8601 times' },
  )
  .refine(({ since, until }) => until === undefined || since <= until, {
    message: 'since must not be after until',
    path: ['since'],
  });
export type RecoverRequest = z.input<typeof recoverRequest>;

/** Longest email address a mailbox can have (RFC 5321), and ample for JazzHR's person ids. */
const MAX_CANDIDATE_FIELD = 320;
const candidateField = (name: string, meaning: string) =>
  z
    .string({ error: `${name} must be ${meaning}, as text` })
    .trim()
    .min(1, `${name} must not be empty`)
    .max(MAX_CANDIDATE_FIELD, `${name} must be at most ${MAX_CANDIDATE_FIELD} characters`)
    .optional();

/** POST /v1/connections/{id}/erase-candidate: exactly one of what identifies the candidate. */
export const eraseCandidateRequest = z
  .strictObject(
    {
      email: candidateField('email', "the candidate's email address"),
      candidate_id: candidateField('candidate_id', "JazzHR's person id of the candidate"),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? undefined
          : 'The body must be a JSON object with email or candidate_id',
    },
  )
  .refine(({ email, candidate_id }) => (email === undefined) !== (candidate_id === undefined), {
    message: 'Give exactly one of email and candidate_id',
  });
export type EraseCandidateRequest = z.input<typeof eraseCandidateRequest>;

export const eraseCandidateResponse = z.object({ erased: z.number().int() });
export type EraseCandidateResponse = z.infer<typeof eraseCandidateResponse>;

export const recoverResponse = z.object({ requeued: z.number().int() });
export type RecoverResponse = z.infer<typeof recoverResponse>;

export const retryResponse = z.object({ id: z.string(), status: z.literal('pending') });
export type RetryResponse = z.infer<typeof retryResponse>;

/** What JazzHR (or `npm run simulate`) gets back from POST /hooks/jazzhr/{connection_id}. */
export const ingestResponse = z.object({
  ok: z.literal(true),
  event: z.string(),
  uuid: z.string().optional(),
  duplicate: z.boolean().optional(),
  deliveries: z.number().int().optional(),
});
export type IngestResponse = z.infer<typeof ingestResponse>;

/**
 * A channel's ingest URL: the connection's (default-channel) `ingest_url` plus the channel,
 * `…/hooks/jazzhr/{connection_id}/{channel}`.
 */
export function channelIngestUrl(defaultIngestUrl: string, channel: string | undefined): string {
  return channel === undefined
    ? defaultIngestUrl
    : `${defaultIngestUrl.replace(/\/+$/, '')}/${channel}`;
}

export const healthResponse = z.object({ ok: z.literal(true) });
