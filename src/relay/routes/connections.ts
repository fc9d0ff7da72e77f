import { HttpError, clip, notFound, parseLimit, sendJson } from '../http';
import { mintSecret } from '../ids';
import {
  channelField,
  CHANNEL_MESSAGE,
  EXPORTS_DEFAULT_LIMIT,
  EXPORTS_MAX_LIMIT,
  type ConnectionResponse,
  type ExportsResponse,
} from '../protocol';
import { DEFAULT_CHANNEL, type Connection } from '../store/types';
import type { RelayContext, Route } from './context';

export const SECRET_GRACE_MS = 24 * 60 * 60_000;

export const connectionRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/connections',
    handle: async (ctx, { req, res }) => {
      sendJson(res, 200, connectionResponse(ctx, await ctx.auth.connect(req)));
    },
  },
  {
    method: 'POST',
    path: '/v1/connections/:id/rotate-secret',
    handle: async (ctx, { req, res, params }) => {
      const { store, clock, logger } = ctx;
      await ctx.auth.ownConnection(req, params.id!);
      const now = clock.now();
      const rotated = await store.rotateSecret({
        id: params.id!,
        newSecret: mintSecret(),
        previousSecretExpiresAt: now + SECRET_GRACE_MS,
        now,
      });
      if (!rotated) throw notFound(`No connection ${clip(params.id!)} belongs to this API key.`);
      ctx.recentConnections.forget(rotated.id);
      logger.info('secret rotated', { connection_id: rotated.id });
      sendJson(res, 200, connectionResponse(ctx, rotated));
    },
  },
  {
    method: 'GET',
    path: '/v1/connections/:id/exports',
    handle: async (ctx, { req, res, params, url }) => {
      const connection = await ctx.auth.ownConnection(req, params.id!);
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
];

function connectionResponse(
  { config, clock }: RelayContext,
  connection: Connection,
): ConnectionResponse {
  const expiresAt = connection.previousSecretExpiresAt;
  return {
    id: connection.id,
    ingest_url: `${config.publicUrl()}/hooks/jazzhr/${connection.id}`,
    secret: connection.secret,
    previous_secret_expires_at:
      connection.previousSecret !== null && expiresAt !== null && expiresAt > clock.now()
        ? new Date(expiresAt).toISOString()
        : null,
  };
}
