import type { IncomingMessage } from 'node:http';

import { requireBearerToken } from '../auth';
import { notFound, parseRequest, readJson, sendJson } from '../http';
import { recoverRequest, type RecoverResponse } from '../protocol';
import type { RelayContext, Route } from './context';

export const recoveryRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/connections/:id/recover',
    handle: async (ctx, { req, res, params }) => {
      const connection = await ctx.auth.ownConnection({ req, res }, params.id!);
      sendJson(res, 200, await recover(ctx, req, connection.id));
    },
  },
  {
    method: 'POST',
    path: '/v1/operator/recover',
    handle: async (ctx, { req, res }) => {
      requireAdmin(ctx, req);
      sendJson(res, 200, await recover(ctx, req, undefined));
    },
  },
];

/**
 * The operator endpoints exist only when RELAY_ADMIN_TOKEN is set, and need it as a bearer token;
 * wrong ones count with the console's failed logins.
 */
export function requireAdmin({ config, adminSignIns }: RelayContext, req: IncomingMessage): void {
  if (config.adminToken === undefined) {
    throw notFound('The operator API is off: the relay has no RELAY_ADMIN_TOKEN.');
  }
  requireBearerToken(req, config.adminToken, 'RELAY_ADMIN_TOKEN', adminSignIns);
}

/** Failed deliveries of one connection (or all) received in the JSON body's range go back to pending, due now. */
export async function recover(
  ctx: RelayContext,
  req: IncomingMessage,
  connectionId: string | undefined,
): Promise<RecoverResponse> {
  return requeueFailed(ctx, connectionId, parseRequest(recoverRequest, await readJson(req)));
}

/** The range is checked (recoverRequest); `until` defaults to now. */
export async function requeueFailed(
  { store, clock, config, logger, worker }: RelayContext,
  connectionId: string | undefined,
  range: { since: number; until?: number | undefined },
): Promise<RecoverResponse> {
  const now = clock.now();
  const requeued = await store.requeueFailedDeliveries({
    connectionId,
    since: range.since,
    until: range.until ?? now,
    now,
    giveUpAfter: now + config.retryWindowMs,
  });
  logger.info('failed deliveries recovered', {
    connection_id: connectionId ?? null,
    since: new Date(range.since).toISOString(),
    requeued,
  });
  if (requeued > 0) worker.nudge();
  return { requeued };
}
