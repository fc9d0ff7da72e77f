import type { IncomingMessage } from 'node:http';

import {
  CandidateExportParseError,
  candidateIdentifiers,
  deriveExportUuid,
  envelopeFromHeaders,
  envelopeToHeaders,
  JAZZHR_EVENT,
  isChannel,
  parseCandidateExport,
  verifySignature,
  CHANNEL_RULE,
  type CandidateExport,
  type EnvelopeHeaders,
  type ExportEnvelope,
} from '../../webhook';
import { HttpError, clip, formatBytes, notFound, readBody, sendJson } from '../http';
import type { IngestOutcome } from '../metrics';
import type { IngestResponse } from '../protocol';
import { acceptedSecrets } from '../store/records';
import { DEFAULT_CHANNEL, type Connection, type IngestResult } from '../store/types';
import type { RelayContext, Route, RouteRequest } from './context';

const MAX_UUID_LENGTH = 200;

export const ingestRoutes: Route[] = [
  {
    method: 'POST',
    path: '/hooks/jazzhr/:connection_id',
    handle: ingest,
    logsAnswers: true,
  },
  {
    // One URL per JazzHR integration name; every channel is verified with the connection's secret.
    method: 'POST',
    path: '/hooks/jazzhr/:connection_id/:channel',
    handle: ingest,
    logsAnswers: true,
  },
];

/** What each refusal counts as in relay_exports_received_total, by its HTTP status. */
const REFUSAL_OUTCOME: Record<number, IngestOutcome> = {
  400: 'bad_body',
  401: 'bad_signature',
  404: 'unknown_connection',
  413: 'too_large',
  503: 'overloaded',
};

/** JazzHR's webhook: verified against the connection's secrets, stored, then queued for delivery. */
async function ingest(ctx: RelayContext, request: RouteRequest) {
  const started = performance.now();
  let outcome: IngestOutcome | undefined;
  try {
    const channel = request.params.channel;
    if (channel !== undefined && !isChannel(channel)) {
      throw notFound(
        `There is no such ingest URL: after the connection id may come a channel of ${CHANNEL_RULE}. Copy the URL again from the Zapier app's setup box.`,
      );
    }
    const release = reserveBody(ctx, request.req);
    try {
      outcome = await ingestWithin(ctx, request);
    } finally {
      release();
    }
  } catch (error) {
    if (error instanceof HttpError) {
      outcome = REFUSAL_OUTCOME[error.status];
      logRejection(ctx, request.params.connection_id!, error, started);
    }
    throw error;
  } finally {
    if (outcome) ctx.metrics.exportReceived(outcome);
  }
}

/** A client can send refused ingests at will: at most one line a second per connection, with a count. */
function logRejection(ctx: RelayContext, connectionId: string, error: HttpError, started: number) {
  ctx.ingestRejections.warn(connectionId, {
    connection_id: connectionId.slice(0, 64),
    status: error.status,
    code: error.code,
    reason: error.reason,
    duration_ms: Math.round(performance.now() - started),
  });
}

const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * Takes the body's bytes from the budget of bodies held at once before anything is read:
 * the declared Content-Length, or the largest body accepted when none is declared.
 */
function reserveBody({ config, ingestBudget }: RelayContext, req: IncomingMessage): () => void {
  const declared = Number(req.headers['content-length']);
  const bytes =
    req.headers['content-length'] !== undefined && Number.isFinite(declared)
      ? Math.min(declared, config.maxIngestBytes)
      : config.maxIngestBytes;
  const release = ingestBudget.take(bytes);
  if (release) return release;
  throw new HttpError(
    503,
    'relay_busy',
    `The relay is already receiving as many exports as it holds at once (${formatBytes(ingestBudget.limit)}). Send this one again in a few seconds.`,
    { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) },
  );
}

/** Resolves with what became of an export; a VERIFY event is none. */
async function ingestWithin(
  ctx: RelayContext,
  { req, res, params }: RouteRequest,
): Promise<IngestOutcome | undefined> {
  const started = performance.now();
  const sent = envelopeFromHeaders(req.headers);
  const { connection, body, secretIndex, now } = await readSignedBody(
    ctx,
    req,
    params.connection_id!,
    sent.signature,
  );
  const event = sent.event?.toUpperCase();
  const channel = params.channel ?? DEFAULT_CHANNEL;
  const logFields = {
    connection_id: connection.id,
    channel: channel || null,
    secret_index: secretIndex,
    status: 200,
  };
  if (event === JAZZHR_EVENT.verify) {
    ctx.logger.info('verify event accepted', {
      ...logFields,
      duration_ms: Math.round(performance.now() - started),
    });
    sendJson(res, 200, { ok: true, event } satisfies IngestResponse);
    return undefined;
  }
  requireCandidateExportEvent(event);
  const parsed = parseExportBody(body);
  const uuid = sent.uuid ?? deriveExportUuid(body);
  const result = await storeExport(ctx, {
    connection,
    channel,
    uuid,
    event,
    headers: storedHeaders(sent, event, uuid),
    body,
    candidates: candidateIdentifiers(parsed),
    now,
  });
  ctx.logger.info('export received', {
    ...logFields,
    export_uuid: uuid,
    uuid_derived: sent.uuid === undefined,
    duplicate: !result.stored,
    deliveries: result.deliveries,
    bytes: body.length,
    duration_ms: Math.round(performance.now() - started),
  });
  sendJson(res, 200, {
    ok: true,
    event,
    uuid,
    duplicate: !result.stored,
    deliveries: result.deliveries,
  } satisfies IngestResponse);
  if (result.deliveries > 0) ctx.worker.nudge(connection.id);
  return result.stored ? 'stored' : 'duplicate';
}

/** The body, once its signature matched one of the connection's current secrets. */
async function readSignedBody(
  ctx: RelayContext,
  req: IncomingMessage,
  connectionId: string,
  signature: string | undefined,
) {
  const recent = await ctx.recentConnections.read(connectionId, true);
  let connection = recent.connection;
  if (!connection) {
    throw notFound(
      'This relay has no connection with that id. Copy the webhook URL again from the Zapier app and paste it into JazzHR.',
    );
  }
  const body = await readBody(req, ctx.config.maxIngestBytes);
  const now = ctx.clock.now();
  let check = checkSignature(body, signature, connection, now);
  if (!check.ok && check.reason === 'mismatch' && recent.reused) {
    ({ connection } = await ctx.recentConnections.read(connection.id, false));
    if (!connection) throw notFound('This relay no longer has this connection.');
    check = checkSignature(body, signature, connection, now);
  }
  if (!check.ok) {
    throw new HttpError(401, 'invalid_signature', check.message, {}, check.reason);
  }
  return { connection, body, secretIndex: check.secretIndex, now };
}

function checkSignature(
  body: Buffer,
  signature: string | undefined,
  connection: Connection,
  now: number,
) {
  return verifySignature(body, signature, acceptedSecrets(connection, now));
}

function requireCandidateExportEvent(
  event: string | undefined,
): asserts event is typeof JAZZHR_EVENT.candidateExport {
  if (event !== JAZZHR_EVENT.candidateExport) {
    throw new HttpError(
      400,
      'bad_request',
      event === undefined
        ? 'The request has no X-JazzHR-Event header; this URL only takes JazzHR Candidate Export webhooks.'
        : `This URL only takes JazzHR's VERIFY and CANDIDATE-EXPORT events, not ${clip(event)}.`,
    );
  }
}

function parseExportBody(body: Buffer): CandidateExport {
  try {
    return parseCandidateExport(body);
  } catch (error) {
    if (error instanceof CandidateExportParseError)
      throw new HttpError(400, 'bad_request', error.message);
    throw error;
  }
}

/**
 * What is kept of the envelope JazzHR sent: not its signature (each delivery is signed anew)
 * nor a receipt time a sender might claim (the relay's own is stored with the export).
 */
function storedHeaders(sent: ExportEnvelope, event: string, uuid: string): EnvelopeHeaders {
  if (uuid.length > MAX_UUID_LENGTH) {
    throw new HttpError(
      400,
      'bad_request',
      `X-JazzHR-UUID must be at most ${MAX_UUID_LENGTH} characters.`,
    );
  }
  return envelopeToHeaders({ event, uuid, exportContext: sent.exportContext, link: sent.link });
}

/** Stores the export with its deliveries. */
async function storeExport(
  { store, config }: RelayContext,
  input: {
    connection: Connection;
    channel: string;
    uuid: string;
    event: string;
    headers: EnvelopeHeaders;
    body: Buffer;
    candidates: string[];
    now: number;
  },
): Promise<IngestResult> {
  return store.ingestExport({
    connectionId: input.connection.id,
    channel: input.channel,
    uuid: input.uuid,
    event: input.event,
    headers: input.headers,
    body: input.body,
    candidates: input.candidates,
    receivedAt: input.now,
    giveUpAfter: input.now + config.retryWindowMs,
  });
}
