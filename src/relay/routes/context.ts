import type { IncomingMessage, ServerResponse } from 'node:http';

import type { AddressLimit } from '../address-limit';
import type { Authenticator } from '../auth';
import type { Clock } from '../clock';
import type { DeliveryWorker } from '../delivery';
import type { ByteBudget } from '../http';
import type { ThrottledWarnings } from '../logger';
import type { Logger } from '../logger';
import type { RelayMetrics } from '../metrics';
import type { OperatorAlerts } from '../operator-alerts';
import type { RecentConnections } from '../recent-connections';
import type { Store } from '../store/types';

/** What the HTTP routes may use: handed to every handler, so a handler's needs are visible. */
export interface RelayContext {
  store: Store;
  clock: Clock;
  logger: Logger;
  auth: Authenticator;
  /** Wrong RELAY_ADMIN_TOKENs per client address, console login and operator API together. */
  adminSignIns: AddressLimit;
  config: RouteConfig;
  /** This process's delivery worker, woken when deliveries become due. */
  worker: Pick<DeliveryWorker, 'nudge' | 'lastLoopAt'>;
  recentConnections: RecentConnections;
  /** The bytes of ingest bodies held at once (RELAY_MAX_INFLIGHT_BYTES). */
  ingestBudget: ByteBudget;
  /** Rejected ingests, logged at most once a second per connection. */
  ingestRejections: ThrottledWarnings;
  metrics: RelayMetrics;
  /** Set when RELAY_OPERATOR_WEBHOOK_URL is: events for the operator (e.g. a revoked key). */
  alerts: OperatorAlerts | undefined;
}

export interface RouteConfig {
  /** Base of the URLs shown to users (ingest_url). */
  publicUrl: () => string;
  allowedTargetHosts: readonly string[];
  /** When deliveries created by an ingest or a retry stop being retried. */
  retryWindowMs: number;
  maxIngestBytes: number;
  /** When set, the operator console and API are on, behind it. */
  adminToken: string | undefined;
  /** When set, GET /metrics needs it as a bearer token. */
  metricsToken: string | undefined;
  /** RELAY_MAX_SUBSCRIPTIONS_PER_CONNECTION: active subscriptions per connection at most. */
  maxSubscriptionsPerConnection: number;
  /** /readyz fails when the delivery loop has not gone round for this long. */
  deliveryLoopStaleMs: number;
}

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The path's `:name` segments, percent-decoded. */
  params: Record<string, string>;
  url: URL;
}

export interface Route {
  method: string;
  /** `/v1/connections/:id/exports`: literal segments and `:name` parameters; also the route's name in logs. */
  path: string;
  handle: (ctx: RelayContext, request: RouteRequest) => Promise<void>;
  /** The handler logs the answers it gives (with the duration), so the router logs only failures and aborts. */
  logsAnswers?: boolean;
}
