import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import type { KeyCheckResult } from '../jazzhr/key-check';
import {
  CandidateExportParseError,
  JAZZHR_EVENT,
  JAZZHR_HEADER,
  parseCandidateExport,
  readHeader,
  verifySignature,
} from '../webhook';
import type { Clock } from './clock';
import { isAllowedTargetHost } from './config';
import { errorFields } from './delivery';
import {
  HttpError,
  MAX_API_BODY_BYTES,
  MAX_INGEST_BYTES,
  readBody,
  sendEmpty,
  sendError,
  sendJson,
} from './http';
import { deriveExportUuid, hashApiKey, mintSecret, newId } from './ids';
import type { Logger } from './logger';
import {
  EXPORTS_DEFAULT_LIMIT,
  EXPORTS_MAX_LIMIT,
  createSubscriptionRequest,
  deliveryStatus,
  type ConnectionResponse,
  type DeliveriesResponse,
  type ExportHeaders,
  type ExportsResponse,
  type IngestResponse,
  type RetryResponse,
  type SubscriptionResponse,
} from './protocol';
import type { Connection, Store } from './store/types';

export const SECRET_GRACE_MS = 24 * 60 * 60_000;
const DELIVERIES_DEFAULT_LIMIT = 100;
const DELIVERIES_MAX_LIMIT = 1000;
const MAX_UUID_LENGTH = 200;
const CONNECTION_REUSE_MS = 1_000;
const MAX_REUSED_CONNECTIONS = 10_000;

/** checkApiKey from src/jazzhr/key-check.ts, bound to the configured JazzHR API URL. */
export type ApiKeyChecker = (apiKey: string) => Promise<KeyCheckResult>;

export interface RelayServerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  checkApiKey: ApiKeyChecker;
  /** Base of the URLs shown to users (ingest_url). */
  publicUrl: () => string;
  accessToken: string | undefined;
  allowedTargetHosts: readonly string[];
  /** When deliveries created by an ingest or a retry stop being retried. */
  retryWindowMs: number;
  /** Called when deliveries became due, to wake the delivery worker. */
  onWorkQueued: () => void;
  maxIngestBytes?: number;
}

interface Route {
  method: string;
  /** For logs: the path with its parameters named. */
  path: string;
  pattern: RegExp;
  handle: (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void>;
  /** The handler logs its own successful answers (with the duration), so the generic request line would repeat it. */
  logsSuccess?: boolean;
}

/** The relay's HTTP interface, version 1, plus the JazzHR ingest endpoint. */
export function createRelayHandler(deps: RelayServerDeps): RequestListener {
  const { store, clock, logger } = deps;
  const maxIngestBytes = deps.maxIngestBytes ?? MAX_INGEST_BYTES;
  const firstUses = new Map<string, Promise<Connection>>();

  const connectionResponse = (connection: Connection): ConnectionResponse => {
    const expiresAt = connection.previousSecretExpiresAt;
    return {
      id: connection.id,
      ingest_url: `${deps.publicUrl()}/hooks/jazzhr/${connection.id}`,
      secret: connection.secret,
      previous_secret_expires_at:
        connection.previousSecret !== null && expiresAt !== null && expiresAt > clock.now()
          ? new Date(expiresAt).toISOString()
          : null,
    };
  };

  /** The caller's connection: one per API key, created the first time JazzHR accepts the key. */
  const authenticate = async (req: IncomingMessage): Promise<Connection> => {
    if (deps.accessToken !== undefined) {
      const given = readHeader(req.headers, 'X-Relay-Access-Token');
      if (given === undefined || !sameText(given, deps.accessToken)) {
        throw new HttpError(
          403,
          'forbidden',
          given === undefined
            ? 'This relay needs an access token: send it in the X-Relay-Access-Token header (the app reads it from JAZZHR_RELAY_ACCESS_TOKEN).'
            : 'The X-Relay-Access-Token is wrong for this relay. Check JAZZHR_RELAY_ACCESS_TOKEN against the relay’s RELAY_ACCESS_TOKEN.',
        );
      }
    }
    const apiKey = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (apiKey === undefined) {
      throw new HttpError(
        401,
        'invalid_api_key',
        'Send your JazzHR API key as "Authorization: Bearer <key>". Find it in JazzHR under Settings → Integrations.',
      );
    }
    const apiKeyHash = hashApiKey(apiKey);
    const known = await store.connectionByKeyHash(apiKeyHash);
    if (known) return known;
    let pending = firstUses.get(apiKeyHash);
    if (!pending) {
      pending = connectNewKey(apiKey, apiKeyHash).finally(() => firstUses.delete(apiKeyHash));
      firstUses.set(apiKeyHash, pending);
    }
    return pending;
  };

  /** A key's first use: one JazzHR check, however many requests arrive with it at once. */
  const connectNewKey = async (apiKey: string, apiKeyHash: string): Promise<Connection> => {
    // Looked up again now that this is the only first use in flight: an earlier one may just have finished.
    const known = await store.connectionByKeyHash(apiKeyHash);
    if (known) return known;
    const result = await deps.checkApiKey(apiKey);
    if (!result.ok) {
      logger.warn('api key check failed', { reason: result.reason });
      if (result.reason === 'rejected') {
        throw new HttpError(
          401,
          'invalid_api_key',
          'JazzHR rejected this API key. Copy the current key from JazzHR Settings → Integrations (admins only) and reconnect.',
        );
      }
      throw new HttpError(
        502,
        'jazzhr_unavailable',
        'JazzHR could not be reached to check the API key. Try again in a few minutes.',
      );
    }
    const connection = await store.insertConnection({
      id: newId('con'),
      apiKeyHash,
      secret: mintSecret(),
      now: clock.now(),
    });
    logger.info('connection ready', { connection_id: connection.id });
    return connection;
  };

  const ownConnection = async (req: IncomingMessage, id: string): Promise<Connection> => {
    const connection = await authenticate(req);
    if (connection.id !== id) throw notFound(`No connection ${clip(id)} belongs to this API key.`);
    return connection;
  };

  const readJson = async (req: IncomingMessage): Promise<unknown> => {
    const body = await readBody(req, MAX_API_BODY_BYTES);
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new HttpError(400, 'bad_request', 'The request body must be JSON.');
    }
  };

  /**
   * Ingest reads its connection once per export. A connection read in the last second is
   * reused: its secrets change only on rotation, and a signature that fails against a reused
   * copy is checked again against a fresh read, so another process's rotation is never missed.
   */
  const recentConnections = new Map<string, { connection: Connection; readAt: number }>();
  const readConnection = async (id: string, reuse: boolean) => {
    const recent = recentConnections.get(id);
    if (reuse && recent && clock.now() - recent.readAt < CONNECTION_REUSE_MS) {
      return { connection: recent.connection, reused: true };
    }
    const connection = await store.connectionById(id);
    if (recentConnections.size >= MAX_REUSED_CONNECTIONS) recentConnections.clear();
    if (connection) recentConnections.set(id, { connection, readAt: clock.now() });
    else recentConnections.delete(id);
    return { connection, reused: false };
  };

  const checkIngestSignature = (
    req: IncomingMessage,
    body: Buffer,
    connection: Connection,
    now: number,
  ) => {
    const previousSecret =
      connection.previousSecretExpiresAt !== null && connection.previousSecretExpiresAt > now
        ? connection.previousSecret
        : null;
    return verifySignature(body, readHeader(req.headers, JAZZHR_HEADER.signature), [
      connection.secret,
      previousSecret,
    ]);
  };

  const ingest: Route['handle'] = async (req, res, [connectionId]) => {
    const started = performance.now();
    const recent = await readConnection(connectionId!, true);
    let connection = recent.connection;
    if (!connection) {
      throw notFound(
        'This relay has no connection with that id. Copy the webhook URL again from the Zapier app and paste it into JazzHR.',
      );
    }
    const body = await readBody(req, maxIngestBytes);
    const now = clock.now();
    let signature = checkIngestSignature(req, body, connection, now);
    if (!signature.ok && signature.reason === 'mismatch' && recent.reused) {
      ({ connection } = await readConnection(connection.id, false));
      if (!connection) throw notFound('This relay no longer has this connection.');
      signature = checkIngestSignature(req, body, connection, now);
    }
    if (!signature.ok) {
      logger.warn('ingest rejected', { connection_id: connection.id, reason: signature.reason });
      throw new HttpError(401, 'invalid_signature', signature.message);
    }
    const event = readHeader(req.headers, JAZZHR_HEADER.event)?.toUpperCase();
    if (event === JAZZHR_EVENT.verify) {
      logger.info('verify event accepted', {
        connection_id: connection.id,
        secret_index: signature.secretIndex,
        status: 200,
        duration_ms: Math.round(performance.now() - started),
      });
      sendJson(res, 200, { ok: true, event } satisfies IngestResponse);
      return;
    }
    if (event !== JAZZHR_EVENT.candidateExport) {
      throw new HttpError(
        400,
        'bad_request',
        event === undefined
          ? 'The request has no X-JazzHR-Event header; this URL only takes JazzHR Candidate Export webhooks.'
          : `This URL only takes JazzHR's VERIFY and CANDIDATE-EXPORT events, not ${clip(event)}.`,
      );
    }
    try {
      parseCandidateExport(body);
    } catch (error) {
      if (error instanceof CandidateExportParseError)
        throw new HttpError(400, 'bad_request', error.message);
      throw error;
    }
    const givenUuid = readHeader(req.headers, JAZZHR_HEADER.uuid);
    if (givenUuid !== undefined && givenUuid.length > MAX_UUID_LENGTH) {
      throw new HttpError(
        400,
        'bad_request',
        `X-JazzHR-UUID must be at most ${MAX_UUID_LENGTH} characters.`,
      );
    }
    const uuid = givenUuid || deriveExportUuid(body);
    const headers: ExportHeaders = { 'x-jazzhr-event': event, 'x-jazzhr-uuid': uuid };
    const exportContext = readHeader(req.headers, JAZZHR_HEADER.exportContext);
    if (exportContext !== undefined) headers['x-jazzhr-export-context'] = exportContext;
    const link = readHeader(req.headers, JAZZHR_HEADER.link);
    if (link !== undefined) headers.link = link;

    const result = await store.ingestExport({
      connectionId: connection.id,
      uuid,
      event,
      headers,
      body,
      receivedAt: now,
      giveUpAfter: now + deps.retryWindowMs,
    });
    logger.info('export received', {
      connection_id: connection.id,
      export_uuid: uuid,
      uuid_derived: givenUuid === undefined || givenUuid === '',
      duplicate: !result.stored,
      deliveries: result.deliveries,
      bytes: body.length,
      secret_index: signature.secretIndex,
      status: 200,
      duration_ms: Math.round(performance.now() - started),
    });
    sendJson(res, 200, {
      ok: true,
      event,
      uuid,
      duplicate: !result.stored,
      deliveries: result.deliveries,
    } satisfies IngestResponse);
    if (result.deliveries > 0) deps.onWorkQueued();
  };

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/healthz',
      pattern: /^\/healthz$/,
      handle: async (_req, res) => {
        await store.ping();
        sendJson(res, 200, { ok: true });
      },
    },
    {
      method: 'POST',
      path: '/hooks/jazzhr/:connection_id',
      pattern: /^\/hooks\/jazzhr\/([^/]+)$/,
      handle: ingest,
      logsSuccess: true,
    },
    {
      method: 'POST',
      path: '/v1/connections',
      pattern: /^\/v1\/connections$/,
      handle: async (req, res) => {
        sendJson(res, 200, connectionResponse(await authenticate(req)));
      },
    },
    {
      method: 'POST',
      path: '/v1/connections/:id/rotate-secret',
      pattern: /^\/v1\/connections\/([^/]+)\/rotate-secret$/,
      handle: async (req, res, [id]) => {
        await ownConnection(req, id!);
        const now = clock.now();
        const rotated = await store.rotateSecret({
          id: id!,
          newSecret: mintSecret(),
          previousSecretExpiresAt: now + SECRET_GRACE_MS,
          now,
        });
        if (!rotated) throw notFound(`No connection ${clip(id!)} belongs to this API key.`);
        recentConnections.delete(rotated.id);
        logger.info('secret rotated', { connection_id: rotated.id });
        sendJson(res, 200, connectionResponse(rotated));
      },
    },
    {
      method: 'GET',
      path: '/v1/connections/:id/exports',
      pattern: /^\/v1\/connections\/([^/]+)\/exports$/,
      handle: async (req, res, [id], url) => {
        const connection = await ownConnection(req, id!);
        const limit = parseLimit(
          url.searchParams.get('limit'),
          EXPORTS_DEFAULT_LIMIT,
          EXPORTS_MAX_LIMIT,
        );
        const exports = await store.recentExports(connection.id, limit);
        sendJson(res, 200, {
          exports: exports.map((item) => ({
            uuid: item.uuid,
            event: item.event,
            received_at: new Date(item.receivedAt).toISOString(),
            headers: item.headers,
            body: Buffer.from(item.body).toString('utf8'),
          })),
        } satisfies ExportsResponse);
      },
    },
    {
      method: 'GET',
      path: '/v1/connections/:id/deliveries',
      pattern: /^\/v1\/connections\/([^/]+)\/deliveries$/,
      handle: async (req, res, [id], url) => {
        const connection = await ownConnection(req, id!);
        const statusParam = url.searchParams.get('status');
        const status = statusParam === null ? undefined : deliveryStatus.safeParse(statusParam);
        if (status !== undefined && !status.success) {
          throw new HttpError(
            400,
            'bad_request',
            `status must be one of ${deliveryStatus.options.join(', ')} (or left out for all).`,
          );
        }
        const limit = parseLimit(
          url.searchParams.get('limit'),
          DELIVERIES_DEFAULT_LIMIT,
          DELIVERIES_MAX_LIMIT,
        );
        const deliveries = await store.listDeliveries(connection.id, {
          status: status?.data,
          limit,
        });
        sendJson(res, 200, {
          deliveries: deliveries.map((delivery) => ({
            id: delivery.id,
            export_uuid: delivery.exportUuid,
            subscription_id: delivery.subscriptionId,
            status: delivery.status,
            attempts: delivery.attempts,
            last_status_code: delivery.lastStatusCode,
            last_error: delivery.lastError,
            next_attempt_at:
              delivery.nextAttemptAt === null
                ? null
                : new Date(delivery.nextAttemptAt).toISOString(),
            updated_at: new Date(delivery.updatedAt).toISOString(),
          })),
        } satisfies DeliveriesResponse);
      },
    },
    {
      method: 'POST',
      path: '/v1/deliveries/:id/retry',
      pattern: /^\/v1\/deliveries\/([^/]+)\/retry$/,
      handle: async (req, res, [id]) => {
        const connection = await authenticate(req);
        const delivery = await store.deliveryById(id!);
        if (!delivery || delivery.connectionId !== connection.id) {
          throw notFound(`No delivery ${clip(id!)} belongs to this API key.`);
        }
        const subscription = await store.subscriptionById(delivery.subscriptionId);
        if (!subscription?.active) {
          throw new HttpError(
            400,
            'bad_request',
            `Delivery ${delivery.id} cannot be retried: its subscription is no longer active (${subscription?.deactivatedReason ?? 'removed'}). Turn the Zap on again to subscribe anew.`,
          );
        }
        const now = clock.now();
        await store.requeueDelivery(delivery.id, now, now + deps.retryWindowMs);
        logger.info('delivery requeued', {
          delivery_id: delivery.id,
          previous_status: delivery.status,
        });
        deps.onWorkQueued();
        sendJson(res, 202, { id: delivery.id, status: 'pending' } satisfies RetryResponse);
      },
    },
    {
      method: 'POST',
      path: '/v1/subscriptions',
      pattern: /^\/v1\/subscriptions$/,
      handle: async (req, res) => {
        const connection = await authenticate(req);
        const parsed = createSubscriptionRequest.safeParse(await readJson(req));
        if (!parsed.success) {
          const problems = parsed.error.issues.map((issue) =>
            issue.path.length > 0 && !issue.message.startsWith(String(issue.path[0]))
              ? `${issue.path.join('.')}: ${issue.message}`
              : issue.message,
          );
          throw new HttpError(400, 'bad_request', problems.join('; '));
        }
        const { connection_id: connectionId, target_url: targetUrl } = parsed.data;
        if (connectionId !== connection.id) {
          throw notFound(`No connection ${clip(connectionId)} belongs to this API key.`);
        }
        if (!isAllowedTargetHost(new URL(targetUrl).hostname, deps.allowedTargetHosts)) {
          throw new HttpError(
            400,
            'bad_request',
            `This relay only delivers to ${deps.allowedTargetHosts.join(', ')}; target_url points elsewhere.`,
          );
        }
        const subscription = await store.upsertSubscription({
          id: newId('sub'),
          connectionId,
          targetUrl,
          secret: mintSecret(),
          now: clock.now(),
        });
        logger.info('subscribed', {
          connection_id: connectionId,
          subscription_id: subscription.id,
        });
        sendJson(res, 201, {
          id: subscription.id,
          connection_id: subscription.connectionId,
          target_url: subscription.targetUrl,
          secret: subscription.secret,
        } satisfies SubscriptionResponse);
      },
    },
    {
      method: 'DELETE',
      path: '/v1/subscriptions/:id',
      pattern: /^\/v1\/subscriptions\/([^/]+)$/,
      handle: async (req, res, [id]) => {
        const connection = await authenticate(req);
        const subscription = await store.subscriptionById(id!);
        if (!subscription || subscription.connectionId !== connection.id) {
          throw notFound(
            `No subscription ${clip(id!)} belongs to this API key; it may already be gone.`,
          );
        }
        await store.deactivateSubscription(subscription.id, 'unsubscribed', clock.now());
        logger.info('unsubscribed', {
          connection_id: connection.id,
          subscription_id: subscription.id,
        });
        sendEmpty(res, 204);
      },
    },
  ];

  return (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    const matching = routes
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((candidate) => candidate.match !== null);
    const found = matching.find(({ route }) => route.method === req.method);
    const routeName = found ? `${found.route.method} ${found.route.path}` : 'unmatched';

    const work = found
      ? found.route.handle(req, res, found.match!.slice(1).map(decodeSegment), url)
      : Promise.reject(
          matching.length > 0
            ? new HttpError(
                405,
                'method_not_allowed',
                `${req.method} is not supported here; use ${matching.map(({ route }) => route.method).join(' or ')}.`,
              )
            : notFound(
                'There is nothing at this address. The relay serves /v1/… and /hooks/jazzhr/{connection_id}.',
              ),
        );
    work
      .catch((error: unknown) => {
        if (error instanceof HttpError) {
          if (!res.headersSent) sendError(req, res, error);
          return;
        }
        logger.error('request failed', { route: routeName, ...errorFields(error) });
        if (!res.headersSent) {
          sendError(
            req,
            res,
            new HttpError(
              500,
              'internal_error',
              'The relay failed to handle this request. Try again.',
            ),
          );
        }
      })
      .finally(() => {
        if (found?.route.logsSuccess && res.statusCode < 400) return;
        logger.info('request', {
          method: req.method,
          route: routeName,
          status: res.statusCode,
          duration_ms: Math.round(performance.now() - started),
        });
      });
  };
}

function notFound(message: string): HttpError {
  return new HttpError(404, 'not_found', message);
}

function parseLimit(value: string | null, fallback: number, max: number): number {
  if (value === null || value === '') return fallback;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new HttpError(400, 'bad_request', `limit must be a whole number from 1 to ${max}.`);
  }
  return limit;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Ids echoed in messages are capped, so a hostile path cannot fill a response. */
function clip(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
