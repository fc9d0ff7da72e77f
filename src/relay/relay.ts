import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { checkApiKey } from '../jazzhr/key-check';
import { AddressLimit } from './address-limit';
import {
  ADMIN_TOKEN_FAILURES,
  Authenticator,
  type ApiKeyChecker,
  type AuthenticatorDeps,
} from './auth';
import { systemClock, type Clock, type Random } from './clock';
import type { RelayConfig } from './config';
import {
  DEFAULT_DELIVERY_POLICY,
  DeliveryWorker,
  sendOverHttp,
  type DeliveryPolicy,
  type SendDelivery,
} from './delivery';
import { Sealer, resolveEncryptionKeys } from './encryption';
import { ByteBudget, HTTP_TIMEOUTS, MAX_INGEST_BYTES, type HttpTimeouts } from './http';
import { KeyCheckGuard } from './key-check-guard';
import { ThrottledWarnings, createJsonLogger, type Logger } from './logger';
import { RelayMetrics } from './metrics';
import { OperatorAlerts, type OperatorAlertsDeps } from './operator-alerts';
import { createRouter } from './router';
import { relayRoutes, type RouteConfig } from './routes';
import { RecentConnections } from './recent-connections';
import { DAY_MS, RetentionSweeper } from './retention';
import { openStore } from './store';
import type { Store } from './store/types';

export interface RelayOptions {
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Defaults to checkApiKey against config.jazzhrApiUrl. */
  checkApiKey?: ApiKeyChecker;
  send?: SendDelivery;
  /** An already-open store; otherwise the one config.database names is opened (and closed with the relay). */
  store?: Store;
  /** Overrides on top of the policy the config gives. */
  policy?: Partial<DeliveryPolicy>;
  /** Whether the delivery worker and the retention sweep run (tests may drive them by hand). */
  startWorker?: boolean;
  maxIngestBytes?: number;
  /** Shorter HTTP timeouts for tests; the defaults are HTTP_TIMEOUTS. */
  httpTimeouts?: Partial<HttpTimeouts>;
  /** Told when this process marks a connection revoked (for alerts). */
  onConnectionRevoked?: AuthenticatorDeps['onConnectionRevoked'];
}

export interface RunningRelay {
  url: string;
  server: Server;
  store: Store;
  worker: DeliveryWorker;
  retention: RetentionSweeper;
  /** Stops taking requests, lets requests and attempts in flight finish, then closes the store. */
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;
/** /readyz wants the delivery loop to have gone round this recently (or within two poll intervals). */
const DELIVERY_LOOP_STALE_MS = 30_000;
const REVOKED_REASON = 'JazzHR rejected the API key when it was checked again';

export async function startRelay(
  config: RelayConfig,
  options: RelayOptions = {},
): Promise<RunningRelay> {
  const logger = options.logger ?? createJsonLogger();
  const store = options.store ?? (await openOwnStore(config, logger));
  const parts = relayParts(config, options, store, logger);
  let publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const server = httpServer(config, options, parts, () => publicUrl);
  const port = await listenOrCloseStore(server, config, parts);
  if (config.publicUrl === undefined) publicUrl = `http://localhost:${port}`;
  startBackgroundWork(parts, options);
  logger.info('relay listening', {
    port,
    store: store.kind,
    access_token_required: config.accessToken !== undefined,
  });
  return runningRelay(parts, server, `http://${reachableHost(config.host)}:${port}`);
}

/** What one relay is made of, besides its HTTP server. */
interface RelayParts {
  store: Store;
  /** False when the caller gave the store: then the caller closes it. */
  ownsStore: boolean;
  clock: Clock;
  logger: Logger;
  policy: DeliveryPolicy;
  metrics: RelayMetrics;
  alerts: OperatorAlerts | undefined;
  worker: DeliveryWorker;
  retention: RetentionSweeper;
}

/** The store config.database names, with the sealer the config gives. */
function openOwnStore(config: RelayConfig, logger: Logger): Promise<Store> {
  // Async, so a bad encryption key rejects too and is reported as the database step.
  return atStartup(
    'database',
    (async () => openStore(config.database, openSealer(config, logger)))(),
  );
}

/** The delivery worker, retention sweep, metrics and operator alerts around the store. */
function relayParts(
  config: RelayConfig,
  options: RelayOptions,
  store: Store,
  logger: Logger,
): RelayParts {
  const clock = options.clock ?? systemClock;
  const retention = new RetentionSweeper({
    store,
    clock,
    logger,
    retentionMs: config.retentionDays * DAY_MS,
  });
  const policy = deliveryPolicy(config, options);
  const random = options.random ?? Math.random;
  const send = options.send ?? sendOverHttp;
  const metrics = new RelayMetrics(store, () => clock.now());
  const alerts = operatorAlerts(config, { store, send, clock, random, logger, policy });
  const worker = new DeliveryWorker({
    onAttempt: (attempt) => {
      metrics.attemptRecorded(attempt);
      alerts?.attemptRecorded(attempt);
    },
    store,
    clock,
    random,
    send,
    logger,
    policy,
    allowedTargetHosts: config.allowedTargetHosts,
  });
  const ownsStore = options.store === undefined;
  return { store, ownsStore, clock, logger, policy, metrics, alerts, worker, retention };
}

/** The HTTP server with the relay's routes, not listening yet. */
function httpServer(
  config: RelayConfig,
  options: RelayOptions,
  parts: RelayParts,
  publicUrl: () => string,
): Server {
  const { store, clock, logger, policy, metrics, alerts, worker } = parts;
  const timeouts = { ...HTTP_TIMEOUTS, ...options.httpTimeouts };
  const server = createServer(
    {
      ...timeouts,
      // How often Node looks for requests past their timeouts (its default is 30 s).
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersTimeout),
    },
    createRouter(
      {
        store,
        clock,
        logger,
        auth: authenticator(config, options, { store, clock, logger }, alerts),
        adminSignIns: new AddressLimit(clock, ADMIN_TOKEN_FAILURES),
        config: routeConfig(config, options, policy, publicUrl),
        worker,
        recentConnections: new RecentConnections(store, clock),
        ingestBudget: new ByteBudget(config.maxInflightBytes),
        ingestRejections: new ThrottledWarnings(logger, 'ingest rejected'),
        metrics,
        alerts,
      },
      relayRoutes,
    ),
  );
  server.maxConnections = config.maxConnections;
  return server;
}

/** Listens on the configured port and answers the one it got; a store it opened is closed if it cannot. */
async function listenOrCloseStore(
  server: Server,
  config: RelayConfig,
  { store, ownsStore }: RelayParts,
): Promise<number> {
  try {
    await atStartup('listen', listen(server, config.port, config.host));
  } catch (error) {
    if (ownsStore) await store.close();
    throw error;
  }
  return (server.address() as AddressInfo).port;
}

/** The delivery loop and retention sweep (unless the caller drives them), and the backlog alert's check. */
function startBackgroundWork({ worker, retention, alerts }: RelayParts, options: RelayOptions) {
  if (options.startWorker !== false) {
    worker.start();
    retention.start();
  }
  alerts?.start();
}

function runningRelay(parts: RelayParts, server: Server, url: string): RunningRelay {
  const { store, ownsStore, logger, worker, retention, alerts } = parts;
  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    store,
    worker,
    retention,
    close() {
      closing ??= shutDown(server, async () => {
        await Promise.all([worker.stop(), retention.stop()]);
        alerts?.stop();
        if (ownsStore) await store.close();
        logger.info('relay stopped');
      });
      return closing;
    },
  };
}

/** Stops taking requests, lets those in flight finish (cut after a grace period), then runs `after`. */
async function shutDown(server: Server, after: () => Promise<void>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  force.unref();
  await closed;
  clearTimeout(force);
  await after();
}

/** What the routes read of the configuration; publicUrl is known once the port is. */
function routeConfig(
  config: RelayConfig,
  options: RelayOptions,
  policy: DeliveryPolicy,
  publicUrl: () => string,
): RouteConfig {
  return {
    publicUrl,
    allowedTargetHosts: config.allowedTargetHosts,
    retryWindowMs: policy.retryWindowMs,
    maxIngestBytes: options.maxIngestBytes ?? MAX_INGEST_BYTES,
    deliveryLoopStaleMs: Math.max(DELIVERY_LOOP_STALE_MS, 2 * policy.pollIntervalMs),
    metricsToken: config.metricsToken,
    maxSubscriptionsPerConnection: config.maxSubscriptionsPerConnection,
    adminToken: config.adminToken,
  };
}

/** The operator's alerts, when RELAY_OPERATOR_WEBHOOK_URL is set. */
function operatorAlerts(
  config: RelayConfig,
  deps: Omit<OperatorAlertsDeps, 'url' | 'secret' | 'backlogAlertMs'>,
): OperatorAlerts | undefined {
  if (config.operatorWebhookUrl === undefined || config.operatorWebhookSecret === undefined) {
    return undefined;
  }
  return new OperatorAlerts({
    ...deps,
    url: config.operatorWebhookUrl,
    secret: config.operatorWebhookSecret,
    backlogAlertMs: config.backlogAlertSeconds * 1000,
  });
}

/** A start-up failure, with the step that failed: opening the database, or listening on the port. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  /** The underlying error's code (EADDRINUSE, EACCES, …). */
  readonly code: string | undefined;
  constructor(
    readonly step: 'database' | 'listen',
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    const code = cause && typeof cause === 'object' && 'code' in cause ? cause.code : undefined;
    this.code = code === undefined ? undefined : String(code);
  }
}

async function atStartup<T>(step: StartupError['step'], work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new StartupError(step, error);
  }
}

/** The config's delivery settings, under the test's overrides. */
function deliveryPolicy(config: RelayConfig, options: RelayOptions): DeliveryPolicy {
  return {
    ...DEFAULT_DELIVERY_POLICY,
    timeoutMs: config.deliveryTimeoutMs,
    baseDelayMs: config.retryBaseDelayMs,
    pollIntervalMs: config.pollIntervalMs,
    retryWindowMs: Math.round(config.retryWindowHours * 60 * 60_000),
    maxPerSubscriptionPerSecond: config.maxDeliveriesPerSecond,
    ...options.policy,
  };
}

/** Who calls the /v1 API, with the key checks and rechecks the config asks for. */
function authenticator(
  config: RelayConfig,
  options: RelayOptions,
  deps: Pick<AuthenticatorDeps, 'store' | 'clock' | 'logger'>,
  alerts: OperatorAlerts | undefined,
): Authenticator {
  return new Authenticator({
    ...deps,
    checkApiKey:
      options.checkApiKey ?? ((apiKey) => checkApiKey(apiKey, { baseUrl: config.jazzhrApiUrl })),
    accessToken: config.accessToken,
    guard: new KeyCheckGuard(deps.clock),
    keyRecheckMs: config.keyRecheckSeconds * 1000,
    onConnectionRevoked: (connection) => {
      alerts?.connectionRevoked(connection.id, REVOKED_REASON);
      options.onConnectionRevoked?.(connection);
    },
  });
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Where a client on this machine reaches the relay. */
function reachableHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The keys the store is sealed with; a key file created now is logged so it gets backed up. */
export function openSealer(config: RelayConfig, logger: Logger): Sealer {
  const keys = resolveEncryptionKeys({
    key: config.encryptionKey,
    previousKey: config.encryptionKeyPrevious,
    database: config.database,
  });
  if (keys.keyFile?.created) {
    logger.warn('encryption key created: back it up apart from the database', {
      key_file: keys.keyFile.path,
    });
  } else if (keys.keyFile) {
    logger.info('encryption key read', { key_file: keys.keyFile.path });
  }
  return new Sealer(keys.current, keys.previous);
}

/** Seals again, under RELAY_ENCRYPTION_KEY, everything stored under another key. */
export async function reencryptStore(config: RelayConfig, logger: Logger) {
  const store = await openStore(config.database, openSealer(config, logger));
  try {
    return await store.reencrypt();
  } finally {
    await store.close();
  }
}
