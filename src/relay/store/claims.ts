/**
 * What a claim selects and what an outcome writes, for both stores: written once, with the
 * dialect's parameters and JSON reading from Dialect.
 */
import type { DeliveryStatus } from '../protocol';
import type { Dialect } from './schema';
import type { AttemptOutcome, ClaimInput } from './types';

/** A subscription's attempts are counted over this window for maxPerSubscriptionPerSecond. */
const RATE_WINDOW_MS = 1_000;

/**
 * What one connection may hold of `total` slots: its fair share while another connection has
 * due work, and what it may take when it is alone (one slot stays free for a newcomer).
 */
export function slotShares(total: number): { share: number; alone: number } {
  const share = Math.max(1, Math.floor(total / 4));
  return { share, alone: Math.max(share, total - 1) };
}

/**
 * The parameters dueSelection reads, in order: now, limit, attempts allowed per subscription
 * per second (null: any), a connection's fair share of the slots while others wait, what it
 * may hold when alone, and the slots each connection holds now (JSON).
 */
export function claimParameters(
  input: ClaimInput,
): [number, number, number | null, number, number, string] {
  const total = input.slots?.total;
  const { share, alone } =
    total === undefined ? { share: input.limit, alone: input.limit } : slotShares(total);
  return [
    input.now,
    input.limit,
    input.maxPerSubscriptionPerSecond ?? null,
    share,
    alone,
    JSON.stringify(input.slots?.heldByConnection ?? {}),
  ];
}

/**
 * The ids of the deliveries a claim takes (parameters 1–6, see claimParameters), oldest due
 * first: due and not leased; within each subscription's rate for the last second; and no
 * connection above its share while another connection has due work too.
 *
 * A claim never takes more than `limit` deliveries of one subscription, so only each waiting
 * subscription's `limit` oldest due ones are candidates: found by walking the pending index
 * one subscription at a time (`waiting`) and reading each one's oldest due rows through it.
 * The two dialects need two forms of that read (dueByLateral, dueByHorizon): PostgreSQL plans
 * the horizon join as a hash over the whole backlog, and SQLite has no LATERAL.
 * The claim's cost then follows the number of subscriptions with work, not the backlog, which
 * after a target's outage can be thousands of deliveries.
 */
export function dueSelection(d: Dialect): string {
  const now = d.param(1, 'bigint');
  const rate = d.param(3, 'int');
  return `WITH RECURSIVE waiting (subscription_id) AS (
      SELECT min(subscription_id) FROM deliveries WHERE status = 'pending'
      UNION ALL
      SELECT (SELECT min(p.subscription_id) FROM deliveries p
        WHERE p.status = 'pending' AND p.subscription_id > w.subscription_id)
      FROM waiting w WHERE w.subscription_id IS NOT NULL
    ), ${d.kind === 'postgres' ? dueByLateral(d) : dueByHorizon(d)}
    ), started AS (
      SELECT w.subscription_id, (SELECT count(*) FROM deliveries s
        WHERE s.subscription_id = w.subscription_id
          AND s.attempt_started_at > ${now} - ${RATE_WINDOW_MS}) AS attempts
      FROM waiting w WHERE w.subscription_id IS NOT NULL
    ), paced AS (
      SELECT due.*, row_number() OVER (PARTITION BY subscription_id ORDER BY next_attempt_at, id) AS nth
      FROM due
    ), allowed AS (
      SELECT p.id, p.connection_id, p.next_attempt_at,
        row_number() OVER (PARTITION BY p.connection_id ORDER BY p.next_attempt_at, p.id) AS nth
      FROM paced p LEFT JOIN started s ON s.subscription_id = p.subscription_id
      WHERE ${rate} IS NULL OR p.nth + coalesce(s.attempts, 0) <= ${rate}
    ), held AS (${d.jsonCounts(d.param(6, 'text'))})
    SELECT a.id FROM allowed a LEFT JOIN held h ON h.key = a.connection_id
    WHERE a.nth + coalesce(h.value, 0) <= CASE
      WHEN (SELECT count(DISTINCT connection_id) FROM allowed) > 1 THEN ${d.param(4, 'int')}
      ELSE ${d.param(5, 'int')} END
    ORDER BY a.next_attempt_at, a.id LIMIT ${d.param(2, 'int')}`;
}

const unleasedPending = (d: Dialect, alias: string) =>
  `${alias}.status = 'pending' AND (${alias}.lease_until IS NULL OR ${alias}.lease_until <= ${d.param(1, 'bigint')})`;

/** PostgreSQL: each waiting subscription's `limit` oldest due deliveries, read by LATERAL. */
function dueByLateral(d: Dialect): string {
  return `due AS (
      SELECT x.* FROM waiting w CROSS JOIN LATERAL (
        SELECT n.id, n.connection_id, n.subscription_id, n.next_attempt_at FROM deliveries n
        WHERE n.subscription_id = w.subscription_id AND n.next_attempt_at <= ${d.param(1, 'bigint')}
          AND ${unleasedPending(d, 'n')}
        ORDER BY n.next_attempt_at, n.id LIMIT ${d.param(2, 'int')}) x
      WHERE w.subscription_id IS NOT NULL`;
}

/**
 * SQLite, which has no LATERAL: each waiting subscription is cut off at its limit-th oldest due
 * delivery, or its newest when it has fewer (`horizon`), and the join reads up to there.
 */
function dueByHorizon(d: Dialect): string {
  const dueOfWaiting = (order: string, offset: string) =>
    `(SELECT n.id FROM deliveries n
        WHERE n.subscription_id = w.subscription_id AND n.next_attempt_at <= ${d.param(1, 'bigint')}
          AND ${unleasedPending(d, 'n')}
        ORDER BY ${order} LIMIT 1 OFFSET ${offset})`;
  return `horizon AS MATERIALIZED (
      SELECT subscription_id, last_id,
        (SELECT next_attempt_at FROM deliveries WHERE id = last_id) AS last_at
      FROM (SELECT w.subscription_id, coalesce(
          ${dueOfWaiting('n.next_attempt_at, n.id', `${d.param(2, 'int')} - 1`)},
          ${dueOfWaiting('n.next_attempt_at DESC, n.id DESC', '0')}) AS last_id
        FROM waiting w) cut
      WHERE last_id IS NOT NULL
    ), due AS (
      SELECT x.id, x.connection_id, x.subscription_id, x.next_attempt_at
      FROM horizon h JOIN deliveries x ON x.subscription_id = h.subscription_id
        AND (x.next_attempt_at, x.id) <= (h.last_at, h.last_id)
      WHERE ${unleasedPending(d, 'x')}`;
}

/** The columns finishAttempt writes, beyond the attempt count, lease and time. */
export function outcomeColumns(outcome: AttemptOutcome): {
  status: DeliveryStatus;
  nextAttemptAt: number | null;
  /** Null keeps the delivery's window as it is. */
  giveUpAfter: number | null;
  error: string | null;
} {
  switch (outcome.kind) {
    case 'delivered':
      return { status: 'delivered', nextAttemptAt: null, giveUpAfter: null, error: null };
    case 'retry':
      return {
        status: 'pending',
        nextAttemptAt: outcome.nextAttemptAt,
        giveUpAfter: null,
        error: outcome.error,
      };
    case 'throttled':
      return {
        status: 'pending',
        nextAttemptAt: outcome.nextAttemptAt,
        giveUpAfter: outcome.giveUpAfter,
        error: outcome.error,
      };
    case 'failed':
      return { status: 'failed', nextAttemptAt: null, giveUpAfter: null, error: outcome.error };
    case 'gone':
      return { status: 'cancelled', nextAttemptAt: null, giveUpAfter: null, error: outcome.error };
  }
}
