import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

import { envelopeFromHeaders, envelopeToHeaders, signBody } from '../webhook';
import type { Clock, Random } from './clock';
import { isAllowedTargetHost } from './config';
import { errorFields, errorProperty, type Logger } from './logger';
import { slotShares } from './store/claims';
import type { AttemptOutcome, ClaimedDelivery, Store } from './store/types';

export interface DeliveryPolicy {
  /** Per attempt, until the target's response headers arrive. */
  timeoutMs: number;
  /** The first retry comes after between half of this and all of it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failed attempts are retried at least this long after the export arrived, then the delivery fails. */
  retryWindowMs: number;
  /** Deliveries in flight at once, per process; no connection gets more than a quarter while another waits. */
  concurrency: number;
  /** Attempts started per subscription in any one second, across every process. */
  maxPerSubscriptionPerSecond: number;
  /** How often to look for due work when nothing nudged (retries, and work another process stored). */
  pollIntervalMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  timeoutMs: 10_000,
  baseDelayMs: 10_000,
  maxDelayMs: 60 * 60_000,
  retryWindowMs: 72 * 60 * 60_000,
  concurrency: 16,
  maxPerSubscriptionPerSecond: 10,
  pollIntervalMs: 1_000,
};

/** How much longer than one attempt's timeout stop() waits for attempts in flight. */
const STOP_GRACE_MS = 2_000;

export interface OutgoingDelivery {
  url: string;
  body: Uint8Array;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** The part of a target's answer that decides what happens next. */
export interface TargetAnswer {
  status: number;
  /** The Retry-After header as sent, when there was one. */
  retryAfter?: string;
}

/** Posts one delivery and resolves with the target's answer; rejects on timeouts and network errors. */
export type SendDelivery = (delivery: OutgoingDelivery) => Promise<TargetAnswer>;

/** The longest a target's Retry-After is obeyed: a longer one is read as this. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Connections to targets are kept open between deliveries: most go to one host (Zapier). */
const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};

/**
 * One POST over node:http(s), redirects not followed, the answer's body discarded. Chosen over
 * fetch, which cost about three times the CPU per delivery here (streams, Headers, Request
 * objects) and so competed with ingest for the one event loop.
 */
export const sendOverHttp: SendDelivery = ({ url, body, headers, timeoutMs }) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const transport =
      target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!transport) {
      reject(new TypeError(`unsupported protocol ${target.protocol}`));
      return;
    }
    const request = transport.request(
      target,
      {
        method: 'POST',
        agent: target.protocol === 'https:' ? agents.https : agents.http,
        headers: { ...headers, 'Content-Length': String(body.byteLength) },
      },
      (response) => {
        clearTimeout(timer);
        // Read to the end so the connection can be reused, but never for longer than an attempt.
        const cut = setTimeout(() => response.destroy(), timeoutMs);
        cut.unref();
        response.on('close', () => clearTimeout(cut));
        // The status is all that counts; a connection lost mid-body changes nothing.
        response.on('error', () => {});
        response.resume();
        const retryAfter = response.headers['retry-after'];
        resolve(
          retryAfter === undefined
            ? { status: response.statusCode ?? 0 }
            : { status: response.statusCode ?? 0, retryAfter },
        );
      },
    );
    const timer = setTimeout(() => {
      request.destroy(
        Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' }),
      );
    }, timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });

/** Exponential backoff with "equal jitter": between half and all of base·2^(n-1), capped. */
export function retryDelayMs(
  failedAttempts: number,
  policy: DeliveryPolicy,
  random: Random,
): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * How long a Retry-After asks to wait, from `now`: delay-seconds or an HTTP date (RFC 9110),
 * at most MAX_RETRY_AFTER_MS. Undefined when absent or unreadable; a date past is no wait.
 */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const waitMs = /^\d+$/.test(text)
    ? Number(text) * 1000
    : /^[a-z]{3}/i.test(text)
      ? Date.parse(text) - now
      : Number.NaN;
  if (Number.isNaN(waitMs)) return undefined;
  return Math.min(Math.max(waitMs, 0), MAX_RETRY_AFTER_MS);
}

/**
 * The request a target receives: the stored body verbatim, signed under the subscription's secret,
 * with the export's envelope and the time the relay received it.
 */
export function buildDelivery(delivery: ClaimedDelivery, timeoutMs: number): OutgoingDelivery {
  const envelope = {
    ...envelopeFromHeaders(delivery.headers),
    signature: signBody(delivery.body, delivery.secret),
    receivedAt: new Date(delivery.exportReceivedAt).toISOString(),
  };
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': 'jazzhr-zapier-relay/1',
    ...envelopeToHeaders(envelope),
  };
  return { url: delivery.targetUrl, body: delivery.body, headers, timeoutMs };
}

/**
 * A short reason for last_error, built from error names and codes only, so no URL or body can
 * leak into it. Duck-typed, and reads codes from fetch-style causes too, since an injected
 * SendDelivery may use fetch, whose errors can come from another realm, failing instanceof.
 */
export function describeSendError(error: unknown, timeoutMs: number): string {
  const name = errorProperty(error, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code =
    errorProperty(cause, 'code') ??
    errorProperty((cause as { errors?: unknown[] } | null)?.errors?.[0], 'code') ??
    errorProperty(error, 'code');
  return code ? `could not reach the target (${code})` : 'could not reach the target';
}

/** One attempt, as recorded; told to listeners such as metrics and operator alerts. */
export interface RecordedAttempt {
  delivery: ClaimedDelivery;
  outcome: AttemptOutcome;
  now: number;
  durationMs: number;
}

export interface DeliveryWorkerDeps {
  /** Told of every attempt the store recorded; what it throws is logged, never in the attempt's way. */
  onAttempt?: (attempt: RecordedAttempt) => void;
  store: Store;
  clock: Clock;
  random: Random;
  send: SendDelivery;
  logger: Logger;
  policy: DeliveryPolicy;
  allowedTargetHosts: readonly string[];
}

/** What came of trying to send one delivery, before it is judged. */
export type SendResult =
  /** The target answered, with any status. */
  | { kind: 'answered'; statusCode: number; retryAfter?: string }
  /** No answer: a timeout or a network error, described without its text. */
  | { kind: 'unreachable'; reason: string }
  /** Not sent at all: the target's host is no longer allowed. */
  | { kind: 'refused'; reason: string };

/** Sends one request: the target's answer, its Retry-After kept for classifyAttempt, or why none came. */
export async function sendAttempt(
  send: SendDelivery,
  request: OutgoingDelivery,
): Promise<SendResult> {
  try {
    const { status, retryAfter } = await send(request);
    return retryAfter === undefined
      ? { kind: 'answered', statusCode: status }
      : { kind: 'answered', statusCode: status, retryAfter };
  } catch (error) {
    return { kind: 'unreachable', reason: describeSendError(error, request.timeoutMs) };
  }
}

/** An attempt's request, or the reason it must not be sent. */
type Prepared =
  { kind: 'ready'; request: OutgoingDelivery } | Extract<SendResult, { kind: 'refused' }>;

/**
 * Judges what came of an attempt: 2xx delivered, 410 gone, a refusal failed at once, 429
 * throttled, anything else retried with backoff until the delivery's retry window has passed.
 */
export function classifyAttempt(
  result: SendResult,
  delivery: Pick<ClaimedDelivery, 'attempts' | 'giveUpAfter'>,
  now: number,
  policy: DeliveryPolicy,
  random: Random,
): AttemptOutcome {
  if (result.kind === 'refused') return { kind: 'failed', statusCode: null, error: result.reason };
  if (result.kind === 'answered') {
    const { statusCode } = result;
    if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode };
    if (statusCode === 410) {
      return {
        kind: 'gone',
        statusCode,
        error: 'target answered 410 Gone; subscription deactivated',
      };
    }
    if (statusCode === 429) return throttled(result, delivery, now, policy, random);
  }
  const statusCode = result.kind === 'answered' ? result.statusCode : null;
  const error = result.kind === 'unreachable' ? result.reason : `target answered ${statusCode}`;
  if (now >= delivery.giveUpAfter) return { kind: 'failed', statusCode, error };
  const nextAttemptAt = now + retryDelayMs(delivery.attempts + 1, policy, random);
  return { kind: 'retry', statusCode, error, nextAttemptAt };
}

/**
 * A 429 is the target pacing us, not failing: wait for its Retry-After or the backoff, whichever
 * is later, and leave that wait out of the retry window, so throttling alone never fails a delivery.
 */
function throttled(
  answer: Extract<SendResult, { kind: 'answered' }>,
  delivery: Pick<ClaimedDelivery, 'attempts' | 'giveUpAfter'>,
  now: number,
  policy: DeliveryPolicy,
  random: Random,
): AttemptOutcome {
  const backoffMs = retryDelayMs(delivery.attempts + 1, policy, random);
  const waitMs = Math.max(retryAfterMs(answer.retryAfter, now) ?? 0, backoffMs);
  return {
    kind: 'throttled',
    statusCode: 429,
    error: `target answered 429 Too Many Requests; next attempt in ${Math.ceil(waitMs / 1000)} s`,
    nextAttemptAt: now + waitMs,
    giveUpAfter: Math.max(delivery.giveUpAfter, now) + waitMs,
  };
}

/**
 * Sends pending deliveries, all taken from the store by claims: an ingest commits and then
 * nudges the worker. All state is in the store, so several workers (in one process or many)
 * can run at once and a restarted process picks up where a dead one stopped. Each attempt
 * runs four named stages: prepare, send, classify, record.
 */
export class DeliveryWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Attempts in flight per connection, so the store can share the slots fairly. */
  private readonly heldByConnection = new Map<string, number>();
  private wake: (() => void) | undefined;
  private nudged = false;
  private wakeOnFinish = false;
  /** An attempt ended while a claim ran, so that claim may have seen its connection at its cap. */
  private slotFreedWhileClaiming = false;

  /** When the delivery loop last went round (for /readyz); undefined until it runs. */
  lastLoopAt: number | undefined;

  constructor(private readonly deps: DeliveryWorkerDeps) {}

  /** A lease outlives any attempt comfortably, so only a dead holder's claims expire. */
  private get leaseMs(): number {
    return this.deps.policy.timeoutMs * 2 + 5_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Tells the worker that work may be due now (an export was stored or a retry requested),
   * for `connectionId` when one is named. A connection at its cap could get no slot from a
   * claim: one of its attempts ending wakes the worker instead.
   */
  nudge(connectionId?: string): void {
    if (connectionId !== undefined && this.isAtItsCap(connectionId)) return;
    this.nudged = true;
    this.wake?.();
  }

  /**
   * Stops claiming work and waits for attempts in flight to be recorded, for at most graceMs.
   * Each attempt is bounded by its own timeout, so the deadline only matters when a SendDelivery
   * ignores it; an attempt left behind keeps its lease and is sent again once that runs out.
   */
  async stop(graceMs = this.deps.policy.timeoutMs + STOP_GRACE_MS): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const outcome = await Promise.race([Promise.all(this.inFlight).then(() => 'done'), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.deps.logger.warn('stopped with delivery attempts still in flight', {
        attempts: this.inFlight.size,
      });
    }
  }

  /** Claims one batch of due deliveries and sends them; resolves when all are recorded. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim(this.deps.policy.concurrency);
    await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    return claimed.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.lastLoopAt = this.deps.clock.now();
      const free = this.deps.policy.concurrency - this.inFlight.size;
      if (free <= 0) {
        // Every slot is busy: wait for an attempt to finish (it wakes us), never spin.
        await this.sleepUntilAttemptFinishes();
        continue;
      }
      this.nudged = false;
      this.slotFreedWhileClaiming = false;
      let claimedAll = false;
      try {
        const claimed = await this.claim(free);
        for (const delivery of claimed) this.track(delivery);
        claimedAll = claimed.length === free;
      } catch (error) {
        this.deps.logger.error('claiming deliveries failed', errorFields(error));
      }
      if (!this.running) break;
      if (claimedAll || this.nudged || this.slotFreedWhileClaiming) continue;
      // The claim may have held work back from a connection at its cap for fairness: the
      // moment one of that connection's attempts finishes, the work can go.
      if (this.someConnectionAtItsCap()) await this.sleepUntilAttemptFinishes();
      else await this.sleep(this.deps.policy.pollIntervalMs);
    }
  }

  private someConnectionAtItsCap(): boolean {
    return [...this.heldByConnection.keys()].some((id) => this.isAtItsCap(id));
  }

  private isAtItsCap(connectionId: string): boolean {
    const { share, alone } = slotShares(this.deps.policy.concurrency);
    const cap = this.heldByConnection.size > 1 ? share : alone;
    return (this.heldByConnection.get(connectionId) ?? 0) >= cap;
  }

  private async sleepUntilAttemptFinishes(): Promise<void> {
    this.wakeOnFinish = true;
    await this.sleep(this.deps.policy.pollIntervalMs);
    this.wakeOnFinish = false;
  }

  private track(delivery: ClaimedDelivery): void {
    const attempt = this.attempt(delivery);
    this.inFlight.add(attempt);
    void attempt.finally(() => {
      this.inFlight.delete(attempt);
      this.slotFreedWhileClaiming = true;
      // Only a loop waiting for a slot to free needs waking; any other wake would spend a claim.
      if (this.wakeOnFinish) this.wake?.();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => done();
      this.wake = wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      this.wake = undefined;
    });
  }

  private claim(limit: number): Promise<ClaimedDelivery[]> {
    const { clock, policy, store } = this.deps;
    const now = clock.now();
    return store.claimDueDeliveries({
      now,
      limit,
      leaseToken: newLeaseToken(),
      leaseUntil: now + this.leaseMs,
      maxPerSubscriptionPerSecond: policy.maxPerSubscriptionPerSecond,
      slots: {
        total: policy.concurrency,
        heldByConnection: Object.fromEntries(this.heldByConnection),
      },
    });
  }

  /** Runs one attempt, holding its connection's share of the slots until it is recorded. */
  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const held = this.heldByConnection;
    held.set(delivery.connectionId, (held.get(delivery.connectionId) ?? 0) + 1);
    try {
      await this.runStages(delivery);
    } finally {
      const left = held.get(delivery.connectionId)! - 1;
      if (left === 0) held.delete(delivery.connectionId);
      else held.set(delivery.connectionId, left);
    }
  }

  private async runStages(delivery: ClaimedDelivery): Promise<void> {
    const started = performance.now();
    const prepared = this.prepare(delivery);
    const result =
      prepared.kind === 'ready' ? await sendAttempt(this.deps.send, prepared.request) : prepared;
    const { clock, policy, random } = this.deps;
    const now = clock.now();
    const outcome = classifyAttempt(result, delivery, now, policy, random);
    await this.record(delivery, outcome, now, performance.now() - started);
  }

  private prepare(delivery: ClaimedDelivery): Prepared {
    if (!isAllowedTargetHost(safeHostname(delivery.targetUrl), this.deps.allowedTargetHosts)) {
      return {
        kind: 'refused',
        reason: 'target host is not allowed by RELAY_ALLOWED_TARGET_HOSTS',
      };
    }
    return { kind: 'ready', request: buildDelivery(delivery, this.deps.policy.timeoutMs) };
  }

  private async record(
    delivery: ClaimedDelivery,
    outcome: AttemptOutcome,
    now: number,
    durationMs: number,
  ): Promise<void> {
    const { logger, store } = this.deps;
    try {
      const recorded = await store.finishAttempt({
        id: delivery.id,
        leaseToken: delivery.leaseToken,
        now,
        outcome,
      });
      logger.info('delivery attempt', {
        delivery_id: delivery.id,
        export_uuid: delivery.exportUuid,
        subscription_id: delivery.subscriptionId,
        attempt: delivery.attempts + 1,
        outcome: outcome.kind,
        status_code: outcome.statusCode,
        error: outcome.kind === 'delivered' ? null : outcome.error,
        next_attempt_at:
          outcome.kind === 'retry' || outcome.kind === 'throttled'
            ? new Date(outcome.nextAttemptAt).toISOString()
            : null,
        duration_ms: Math.round(durationMs),
        recorded,
      });
      if (recorded) this.tellListener({ delivery, outcome, now, durationMs });
    } catch (storeError) {
      // The lease runs out and another attempt follows: at least once, never lost.
      logger.error('recording a delivery attempt failed', {
        delivery_id: delivery.id,
        ...errorFields(storeError),
      });
    }
  }

  private tellListener(attempt: RecordedAttempt): void {
    try {
      this.deps.onAttempt?.(attempt);
    } catch (error) {
      this.deps.logger.error('an attempt listener failed', errorFields(error));
    }
  }
}

function newLeaseToken(): string {
  return randomBytes(12).toString('hex');
}

function safeHostname(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
