import { signBody } from '../webhook';
import type { Clock, Random } from './clock';
import {
  classifyAttempt,
  sendAttempt,
  type DeliveryPolicy,
  type RecordedAttempt,
  type SendDelivery,
} from './delivery';
import { errorFields, type Logger } from './logger';
import type { Store } from './store/types';

export type OperatorEventType =
  'delivery.failed' | 'subscription.deactivated' | 'connection.revoked' | 'deliveries.backlog';

/** What an operator's webhook receives: ids and reasons only, never candidate data or secrets. */
export interface OperatorEvent {
  type: OperatorEventType;
  occurred_at: string;
  connection_id: string;
  subscription_id?: string;
  delivery_id?: string;
  export_id?: string;
  reason: string;
}

export interface OperatorAlertsDeps {
  url: string;
  secret: string;
  /** The oldest pending delivery older than this raises deliveries.backlog. */
  backlogAlertMs: number;
  store: Pick<Store, 'pendingDeliveries'>;
  send: SendDelivery;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** The deliveries' policy: alerts are retried with the same backoff and window. */
  policy: DeliveryPolicy;
}

interface QueuedAlert {
  event: OperatorEvent;
  body: Buffer;
  attempts: number;
  giveUpAfter: number;
  dueAt: number;
}

/** Alerts waiting in memory; past this the oldest is dropped (and logged), so a dead hook cannot grow the heap. */
const MAX_QUEUED = 1_000;
const BACKLOG_REPEAT_MS = 60 * 60_000;

/**
 * POSTs operator events to RELAY_OPERATOR_WEBHOOK_URL, signed as X-Relay-Signature (hex
 * HMAC-SHA256 of the body). Events are queued and sent on their own timer, never in an
 * export's path, and retried like deliveries (the same send, classify and backoff, so a 429's
 * Retry-After is obeyed and its wait is not counted against the window). The queue is this
 * process's memory: alerts still unsent when the relay stops are logged, not kept.
 */
export class OperatorAlerts {
  private readonly queue: QueuedAlert[] = [];
  private timer: NodeJS.Timeout | undefined;
  private backlogTimer: NodeJS.Timeout | undefined;
  private sending = false;
  private stopped = false;
  private lastBacklogAlertAt = -Infinity;

  constructor(private readonly deps: OperatorAlertsDeps) {}

  /** Starts watching the backlog, at least once a minute (more often for a short threshold). */
  start(): void {
    const every = Math.min(60_000, Math.max(1_000, this.deps.backlogAlertMs / 2));
    this.backlogTimer = setInterval(() => void this.checkBacklog(), every);
    this.backlogTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.backlogTimer);
    clearTimeout(this.timer);
    if (this.queue.length > 0) {
      this.deps.logger.warn('operator alerts not sent before stopping', {
        alerts: this.queue.length,
        types: [...new Set(this.queue.map(({ event }) => event.type))].join(','),
      });
    }
  }

  /** The worker's listener: a delivery whose retries are used up, or a subscription a 410 ended. */
  attemptRecorded({ delivery, outcome }: RecordedAttempt): void {
    if (outcome.kind !== 'failed' && outcome.kind !== 'gone') return;
    this.emit({
      type: outcome.kind === 'failed' ? 'delivery.failed' : 'subscription.deactivated',
      connection_id: delivery.connectionId,
      subscription_id: delivery.subscriptionId,
      delivery_id: delivery.id,
      export_id: delivery.exportUuid,
      reason: outcome.error,
    });
  }

  connectionRevoked(connectionId: string, reason: string): void {
    this.emit({ type: 'connection.revoked', connection_id: connectionId, reason });
  }

  emit(fields: Omit<OperatorEvent, 'occurred_at'>): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const event: OperatorEvent = { ...fields, occurred_at: new Date(now).toISOString() };
    if (this.queue.length >= MAX_QUEUED) {
      const dropped = this.queue.shift()!;
      this.deps.logger.warn('operator alert dropped: too many unsent', {
        type: dropped.event.type,
      });
    }
    this.queue.push({
      event,
      body: Buffer.from(JSON.stringify(event)),
      attempts: 0,
      giveUpAfter: now + this.deps.policy.retryWindowMs,
      dueAt: now,
    });
    this.schedule();
  }

  async checkBacklog(): Promise<void> {
    const now = this.deps.clock.now();
    if (now - this.lastBacklogAlertAt < BACKLOG_REPEAT_MS) return;
    try {
      const { oldest } = await this.deps.store.pendingDeliveries();
      if (!oldest || now - oldest.createdAt <= this.deps.backlogAlertMs) return;
      this.lastBacklogAlertAt = now;
      this.emit({
        type: 'deliveries.backlog',
        connection_id: oldest.connectionId,
        delivery_id: oldest.id,
        reason: `the oldest pending delivery has waited ${Math.round((now - oldest.createdAt) / 1000)} s (RELAY_BACKLOG_ALERT_SECONDS is ${Math.round(this.deps.backlogAlertMs / 1000)})`,
      });
    } catch (error) {
      this.deps.logger.error('checking the delivery backlog failed', errorFields(error));
    }
  }

  private schedule(): void {
    if (this.sending || this.stopped || this.queue.length === 0) return;
    clearTimeout(this.timer);
    const due = Math.min(...this.queue.map((alert) => alert.dueAt));
    this.timer = setTimeout(() => void this.sendDue(), Math.max(0, due - this.deps.clock.now()));
    this.timer.unref();
  }

  private async sendDue(): Promise<void> {
    this.sending = true;
    try {
      const now = this.deps.clock.now();
      for (const alert of this.queue.filter(({ dueAt }) => dueAt <= now)) {
        await this.attempt(alert);
      }
    } finally {
      this.sending = false;
      this.schedule();
    }
  }

  /** The delivery worker's stages, for one alert: prepare, send, classify, then keep or drop it. */
  private async attempt(alert: QueuedAlert): Promise<void> {
    const { send, clock, policy, random, logger, url, secret } = this.deps;
    const request = {
      url,
      body: alert.body,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'jazzhr-zapier-relay/1',
        'X-Relay-Signature': signBody(alert.body, secret),
      },
      timeoutMs: policy.timeoutMs,
    };
    const result = await sendAttempt(send, request);
    const outcome = classifyAttempt(result, alert, clock.now(), policy, random);
    alert.attempts += 1;
    if (outcome.kind === 'retry' || outcome.kind === 'throttled') {
      alert.dueAt = outcome.nextAttemptAt;
      if (outcome.kind === 'throttled') alert.giveUpAfter = outcome.giveUpAfter;
      return;
    }
    this.queue.splice(this.queue.indexOf(alert), 1);
    const fields = { type: alert.event.type, attempts: alert.attempts };
    if (outcome.kind === 'delivered') logger.info('operator alert sent', fields);
    else logger.error('operator alert not delivered', { ...fields, error: outcome.error });
  }
}
