import type { EnvelopeHeaders } from '../../webhook';
import type { DeliveryStatus } from '../protocol';
import type {
  ClaimedDelivery,
  Connection,
  ConnectionSummary,
  Delivery,
  StoredExport,
  Subscription,
} from './records';

export type {
  ClaimedDelivery,
  Connection,
  Delivery,
  ReplacedSecret,
  ConnectionSummary,
  StoredExport,
  Subscription,
} from './records';

/** The channel of the ingest URL without one; a named channel is never empty (see isChannel). */
export const DEFAULT_CHANNEL = '';

/** A subscribe that would take a connection past its limit of active subscriptions. */
export class SubscriptionLimitError extends Error {
  override readonly name = 'SubscriptionLimitError';
  constructor(readonly limit: number) {
    super(`the connection already has ${limit} active subscriptions`);
  }
}

export interface NewConnection {
  id: string;
  apiKeyHash: string;
  secret: string;
  now: number;
}

export interface SecretRotation {
  id: string;
  newSecret: string;
  now: number;
  graceMs: number;
}

export interface NewSubscription {
  id: string;
  connectionId: string;
  targetUrl: string;
  channel?: string;
  secret: string;
  now: number;
  maxActive?: number;
}

export interface NewExport {
  connectionId: string;
  /** The channel it arrived on (default DEFAULT_CHANNEL): only that channel's subscriptions get it. */
  channel?: string;
  uuid: string;
  event: string;
  /** envelopeToHeaders of what JazzHR sent: event, uuid, export context and link. */
  headers: EnvelopeHeaders;
  body: Uint8Array;
  /** What identifies its candidate (candidateIdentifiers), stored only as keyed hashes. */
  candidates?: readonly string[];
  receivedAt: number;
  /** When the deliveries created for this export stop being retried. */
  giveUpAfter: number;
}

export interface RecoveryRange {
  connectionId: string | undefined;
  /** Epoch ms, inclusive. */
  since: number;
  until: number;
}

export interface PendingDeliveries {
  count: number;
  /** The longest-waiting pending delivery (createdAt in epoch ms); null when nothing is pending. */
  oldest: { id: string; connectionId: string; createdAt: number } | null;
}

export interface IngestResult {
  /** False when an export with this uuid was already stored for the connection. */
  stored: boolean;
  /** Pending deliveries created, one per active subscription. */
  deliveries: number;
}

export type RotationResult =
  | { kind: 'rotated'; connection: Connection }
  /** Too many replaced secrets are still live; a rotation is possible again at `retryAt`. */
  | { kind: 'limit'; retryAt: number };

/** How many rows `reencrypt` rewrote, per table. */
export interface ReencryptResult {
  connections: number;
  subscriptions: number;
  exports: number;
  /** Kept exports whose candidate keys were written anew: under the new key, or for the first time. */
  candidateKeys: number;
}

export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'retry'; statusCode: number | null; error: string; nextAttemptAt: number }
  /** The target answered 429: pending again, and the wait is added to the retry window. */
  | {
      kind: 'throttled';
      statusCode: 429;
      error: string;
      nextAttemptAt: number;
      giveUpAfter: number;
    }
  | { kind: 'failed'; statusCode: number | null; error: string }
  /** The target answered 410: the subscription is deactivated and its pending deliveries cancelled. */
  | { kind: 'gone'; statusCode: number; error: string };

/** A leased delivery's attempt, over: what came of it. */
export interface FinishInput {
  id: string;
  leaseToken: string;
  now: number;
  outcome: AttemptOutcome;
}

export interface ClaimInput {
  now: number;
  limit: number;
  leaseToken: string;
  leaseUntil: number;
  /** No subscription has more attempts started than this within any one second (all claimers together). */
  maxPerSubscriptionPerSecond?: number;
  /**
   * The claimer's delivery slots, and how many each connection holds now. While more than one
   * connection has due work, none is brought above a quarter of `total`; a connection alone
   * with due work may take all but one, which stays free for whoever comes next.
   */
  slots?: { total: number; heldByConnection: Readonly<Record<string, number>> };
}

/**
 * Everything the relay keeps. Two implementations (SQLite, PostgreSQL) pass one shared test
 * suite. Times are epoch milliseconds from the caller's clock, never the database's.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe to run from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  ping(): Promise<void>;
  /** Writes (and commits) one probe row: rejects when the database cannot take writes. */
  probeWrite(now: number): Promise<void>;
  /** How many deliveries are pending, and the one waiting longest (for the backlog gauges and alert). */
  pendingDeliveries(): Promise<PendingDeliveries>;

  connectionByKeyHash(apiKeyHash: string): Promise<Connection | undefined>;
  connectionById(id: string): Promise<Connection | undefined>;
  /** The newest `limit` connections with their last export and counts, for the operator console. */
  connectionSummaries(limit: number): Promise<ConnectionSummary[]>;
  /** Inserts a connection, or returns the one that already exists for the key hash. */
  insertConnection(input: NewConnection): Promise<Connection>;
  /**
   * The current secret joins the replaced ones, accepted until now + graceMs; replaced secrets
   * past their time are dropped. With MAX_REPLACED_SECRETS still live, nothing changes and the
   * answer says when the oldest expires.
   */
  rotateSecret(input: SecretRotation): Promise<RotationResult | undefined>;
  /** Records that JazzHR accepted the connection's key at `now`. */
  confirmApiKey(id: string, now: number): Promise<void>;
  /** Marks the connection revoked; true only for the call that revoked it. */
  revokeConnection(id: string, now: number): Promise<boolean>;
  /** Erases the connection with its subscriptions, exports and deliveries. False when there is none. */
  deleteConnection(id: string): Promise<boolean>;

  /**
   * Creates the subscription, or returns (and reactivates) the one for the same connection and
   * target, which then listens to `channel` (default DEFAULT_CHANNEL). Throws
   * SubscriptionLimitError when it would make more than `maxActive` (default: no limit) active
   * subscriptions for the connection; an active one subscribed again never counts twice.
   */
  upsertSubscription(input: NewSubscription): Promise<Subscription>;
  subscriptionById(id: string): Promise<Subscription | undefined>;
  /** A connection's subscriptions, active or not, newest first. */
  subscriptionsOf(connectionId: string): Promise<Subscription[]>;
  /** Deactivates it and cancels its pending deliveries. False when there is no such subscription. */
  deactivateSubscription(id: string, reason: string, now: number): Promise<boolean>;

  /** Stores the export and one pending delivery per active subscription, in one transaction. */
  ingestExport(input: NewExport): Promise<IngestResult>;
  /** One channel's exports (default DEFAULT_CHANNEL) whose body is still kept, newest first. */
  recentExports(connectionId: string, limit: number, channel?: string): Promise<StoredExport[]>;
  /** Erases one export with its deliveries. False when the connection has no such export. */
  deleteExport(connectionId: string, uuid: string): Promise<boolean>;
  /**
   * Erases, as deleteExport does, every export of the connection whose candidate has this
   * identifier (see candidateIdentifiers). Answers how many.
   */
  eraseCandidate(connectionId: string, identifier: string): Promise<number>;
  /**
   * Erases the body and headers of up to `limit` exports received before `receivedBefore`
   * that have no pending delivery, keeping their ids, times and outcomes. Returns how many.
   */
  eraseExpiredExports(input: {
    now: number;
    receivedBefore: number;
    limit: number;
  }): Promise<number>;
  /**
   * Seals again, under the current key, every value sealed under another key, and writes each
   * kept export's candidate keys under it (exports stored before those keys existed get theirs).
   */
  reencrypt(): Promise<ReencryptResult>;

  listDeliveries(
    connectionId: string,
    filter: { status?: DeliveryStatus; limit: number },
  ): Promise<Delivery[]>;
  deliveryById(id: string): Promise<Delivery | undefined>;
  /**
   * Puts failed deliveries whose export was received between since and until (inclusive) back
   * to pending, due now, with a fresh retry window: one connection's, or every connection's when
   * connectionId is undefined. Deliveries of deactivated subscriptions stay failed. Answers how
   * many were requeued.
   */
  requeueFailedDeliveries(
    input: RecoveryRange & { now: number; giveUpAfter: number },
  ): Promise<number>;
  /** Makes the delivery due now with a fresh retry window; an attempt already in flight keeps its lease. */
  requeueDelivery(id: string, now: number, giveUpAfter: number): Promise<Delivery | undefined>;

  /**
   * Leases up to `limit` due deliveries to the caller, oldest due first. A lease that runs out
   * (its holder crashed) makes the delivery claimable again; no two live leases cover one delivery.
   */
  claimDueDeliveries(input: ClaimInput): Promise<ClaimedDelivery[]>;
  /** Records an attempt's outcome; false when the lease was lost meanwhile (nothing is changed then). */
  finishAttempt(input: FinishInput): Promise<boolean>;
}
