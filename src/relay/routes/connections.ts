import { emailIdentifier, personIdentifier } from '../../webhook';
import {
  HttpError,
  clip,
  notFound,
  parseLimit,
  parseRequest,
  readJson,
  sendEmpty,
  sendJson,
} from '../http';
import { mintSecret } from '../ids';
import {
  channelField,
  CHANNEL_MESSAGE,
  EXPORTS_DEFAULT_LIMIT,
  EXPORTS_MAX_LIMIT,
  eraseCandidateRequest,
  type ConnectionResponse,
  type EraseCandidateResponse,
  type ExportsResponse,
} from '../protocol';
import { MAX_REPLACED_SECRETS } from '../store/records';
import { DEFAULT_CHANNEL, type Connection } from '../store/types';
import type { RelayContext, Route } from './context';

/** How long a replaced Secret Key is still accepted: JazzHR keeps signing with it until someone pastes the new one. */
export const SECRET_GRACE_MS = 24 * 60 * 60_000;
/** How much of a replaced secret the answer shows, so it can be told apart from the one JazzHR holds. */
const SECRET_HINT_LENGTH = 4;

export const connectionRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/connections',
    handle: async (ctx, { req, res }) => {
      sendJson(res, 200, connectionResponse(ctx, await ctx.auth.connect({ req, res })));
    },
  },
  {
    method: 'DELETE',
    path: '/v1/connections/:id',
    handle: async (ctx, { req, res, params }) => {
      const connection = await ctx.auth.ownConnection({ req, res }, params.id!);
      if (!(await ctx.store.deleteConnection(connection.id))) {
        throw notFound(`No connection ${clip(params.id!)} belongs to this API key.`);
      }
      ctx.recentConnections.forget(connection.id);
      ctx.logger.info('connection erased', { connection_id: connection.id });
      sendEmpty(res, 204);
    },
  },
  {
    method: 'POST',
    path: '/v1/connections/:id/rotate-secret',
    handle: async (ctx, { req, res, params }) => {
      const { store, clock, logger } = ctx;
      const connection = await ctx.auth.ownConnection({ req, res }, params.id!);
      const now = clock.now();
      const result = await store.rotateSecret({
        id: connection.id,
        newSecret: mintSecret(),
        now,
        graceMs: SECRET_GRACE_MS,
      });
      if (!result) throw notFound(`No connection ${clip(params.id!)} belongs to this API key.`);
      if (result.kind === 'limit') {
        throw new HttpError(
          429,
          'rate_limited',
          `This connection already has ${MAX_REPLACED_SECRETS} replaced Secret Keys that JazzHR may still sign with; the oldest stays valid until ${new Date(result.retryAt).toISOString()}. Rotate again after that.`,
          { 'Retry-After': String(Math.max(1, Math.ceil((result.retryAt - now) / 1000))) },
        );
      }
      ctx.recentConnections.forget(connection.id);
      logger.info('secret rotated', {
        connection_id: connection.id,
        replaced_secrets: result.connection.replacedSecrets.length,
      });
      sendJson(res, 200, connectionResponse(ctx, result.connection));
    },
  },
  {
    method: 'GET',
    path: '/v1/connections/:id/exports',
    handle: async (ctx, { req, res, params, url }) => {
      const connection = await ctx.auth.ownConnection({ req, res }, params.id!);
      const limit = parseLimit(
        url.searchParams.get('limit'),
        EXPORTS_DEFAULT_LIMIT,
        EXPORTS_MAX_LIMIT,
      );
      const channel = channelField.safeParse(url.searchParams.get('channel') ?? undefined);
      if (!channel.success) throw new HttpError(400, 'bad_request', `${CHANNEL_MESSAGE}.`);
      const exports = await ctx.store.recentExports(
        connection.id,
        limit,
        channel.data ?? DEFAULT_CHANNEL,
      );
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
    method: 'DELETE',
    path: '/v1/connections/:id/exports/:export_id',
    handle: async (ctx, { req, res, params }) => {
      const connection = await ctx.auth.ownConnection({ req, res }, params.id!);
      if (!(await ctx.store.deleteExport(connection.id, params.export_id!))) {
        throw notFound(
          `No export ${clip(params.export_id!)} is stored for this connection; it may already be erased.`,
        );
      }
      ctx.logger.info('export erased', {
        connection_id: connection.id,
        export_uuid: params.export_id,
      });
      sendEmpty(res, 204);
    },
  },
  {
    // The email comes in the body, never the URL, so it stays out of access logs. The answer
    // is a count, 0 when nothing matched, rather than a 404: a count is all the holder needs,
    // and the same answer whether or not the relay ever saw that person.
    method: 'POST',
    path: '/v1/connections/:id/erase-candidate',
    handle: async (ctx, { req, res, params }) => {
      const connection = await ctx.auth.ownConnection({ req, res }, params.id!);
      const erased = await eraseCandidate(ctx, connection.id, await readJson(req));
      sendJson(res, 200, { erased } satisfies EraseCandidateResponse);
    },
  },
];

/**
 * Erases the connection's exports of the candidate `request` names (eraseCandidateRequest, else
 * 400) and returns how many; the log says which field was used, never its value.
 */
export async function eraseCandidate(
  { store, logger }: RelayContext,
  connectionId: string,
  request: unknown,
): Promise<number> {
  const { email, candidate_id } = parseRequest(eraseCandidateRequest, request);
  const identifier = email === undefined ? personIdentifier(candidate_id!) : emailIdentifier(email);
  const erased = await store.eraseCandidate(connectionId, identifier);
  logger.info('candidate erased', {
    connection_id: connectionId,
    by: email === undefined ? 'candidate_id' : 'email',
    exports: erased,
  });
  return erased;
}

/** The connection as its holder sees it, with until when each replaced secret is still accepted. */
function connectionResponse(
  { config, clock }: RelayContext,
  connection: Connection,
): ConnectionResponse {
  const now = clock.now();
  const replaced = connection.replacedSecrets.filter((secret) => secret.validUntil > now);
  return {
    id: connection.id,
    ingest_url: `${config.publicUrl()}/hooks/jazzhr/${connection.id}`,
    secret: connection.secret,
    replaced_secrets: replaced.map((secret) => ({
      ends_with: secret.secret.slice(-SECRET_HINT_LENGTH),
      replaced_at: new Date(secret.replacedAt).toISOString(),
      valid_until: new Date(secret.validUntil).toISOString(),
    })),
    previous_secret_expires_at:
      replaced.length === 0
        ? null
        : new Date(replaced[replaced.length - 1]!.validUntil).toISOString(),
  };
}
