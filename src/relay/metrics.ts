import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { RecordedAttempt } from './delivery';
import type { AttemptOutcome, Store } from './store/types';

/** What became of a request to an ingest URL, as counted by relay_exports_received_total. */
export type IngestOutcome =
  | 'stored'
  | 'duplicate'
  | 'bad_signature'
  | 'bad_body'
  | 'unknown_connection'
  | 'too_large'
  | 'overloaded';

/** What became of one delivery attempt, as counted by relay_deliveries_total. */
export type DeliveryMetricOutcome = 'delivered' | 'retried' | 'throttled' | 'failed' | 'cancelled';

/** A 410 cancels the delivery (and the subscription's other pending ones). */
const METRIC_OUTCOME: Record<AttemptOutcome['kind'], DeliveryMetricOutcome> = {
  delivered: 'delivered',
  retry: 'retried',
  throttled: 'throttled',
  failed: 'failed',
  gone: 'cancelled',
};

/**
 * The relay's Prometheus metrics, in a registry of its own (not prom-client's global one), so
 * that two relays in one process (as in tests) count apart. Counters and histograms are this
 * process's; the pending-delivery gauges are read from the store at scrape time, so every
 * process sharing a PostgreSQL database reports the same backlog.
 */
export class RelayMetrics {
  readonly registry = new Registry();
  private readonly exportsReceived: Counter<'outcome'>;
  private readonly deliveries: Counter<'outcome'>;
  private readonly attemptDuration: Histogram;
  private readonly deliveryLag: Histogram;

  constructor(store: Pick<Store, 'pendingDeliveries'>, now: () => number) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.exportsReceived = new Counter({
      name: 'relay_exports_received_total',
      help: 'Requests to an ingest URL, by what became of them.',
      labelNames: ['outcome'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'relay_deliveries_total',
      help: 'Delivery attempts to subscribed Zaps, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'relay_delivery_attempt_duration_seconds',
      help: 'How long one delivery attempt took, until the target answered or the attempt failed.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.deliveryLag = new Histogram({
      name: 'relay_delivery_lag_seconds',
      help: 'From the export being received to the target answering 2xx.',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 1800, 3600, 21600, 86400],
      registers,
    });
    // Both gauges come from one store read per scrape: prom-client collects them concurrently.
    let reading: ReturnType<Store['pendingDeliveries']> | undefined;
    const readPending = () =>
      (reading ??= store.pendingDeliveries().finally(() => (reading = undefined)));
    new Gauge({
      name: 'relay_deliveries_pending',
      help: 'Deliveries waiting to be sent or retried, across every process sharing the store.',
      registers,
      async collect() {
        this.set((await readPending()).count);
      },
    });
    new Gauge({
      name: 'relay_oldest_pending_delivery_age_seconds',
      help: 'Age of the oldest pending delivery, from the export being received (0 when none is pending).',
      registers,
      async collect() {
        const { oldest } = await readPending();
        this.set(oldest === null ? 0 : Math.max(0, now() - oldest.createdAt) / 1000);
      },
    });
  }

  exportReceived(outcome: IngestOutcome): void {
    this.exportsReceived.inc({ outcome });
  }

  attemptRecorded({ delivery, outcome, now, durationMs }: RecordedAttempt): void {
    this.deliveries.inc({ outcome: METRIC_OUTCOME[outcome.kind] });
    this.attemptDuration.observe(durationMs / 1000);
    if (outcome.kind === 'delivered') {
      this.deliveryLag.observe(Math.max(0, now - delivery.createdAt) / 1000);
    }
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
