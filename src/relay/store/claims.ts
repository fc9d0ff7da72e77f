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
 */
export function dueSelection(d: Dialect): string {
  const now = d.param(1, 'bigint');
  const rate = d.param(3, 'int');
  return `WITH due AS (
      SELECT id, connection_id, subscription_id, next_attempt_at FROM deliveries
      WHERE status = 'pending' AND next_attempt_at <= ${now} AND (lease_until IS NULL OR lease_until <= ${now})
    ), started AS (
      SELECT subscription_id, count(*) AS attempts FROM deliveries
      WHERE subscription_id IN (SELECT subscription_id FROM due)
        AND attempt_started_at > ${now} - ${RATE_WINDOW_MS}
      GROUP BY subscription_id
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
