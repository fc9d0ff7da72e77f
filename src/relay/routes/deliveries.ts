import { HttpError, clip, notFound, parseLimit, sendJson } from '../http';
import { deliveryStatus, type DeliveriesResponse, type RetryResponse } from '../protocol';
import type { Delivery } from '../store/types';
import type { RelayContext, Route } from './context';

const DELIVERIES_DEFAULT_LIMIT = 100;
const DELIVERIES_MAX_LIMIT = 1000;

export const deliveryRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/connections/:id/deliveries',
    handle: async ({ auth, store }, { req, res, params, url }) => {
      const connection = await auth.ownConnection({ req, res }, params.id!);
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
      const deliveries = await store.listDeliveries(connection.id, { status: status?.data, limit });
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
            delivery.nextAttemptAt === null ? null : new Date(delivery.nextAttemptAt).toISOString(),
          updated_at: new Date(delivery.updatedAt).toISOString(),
        })),
      } satisfies DeliveriesResponse);
    },
  },
  {
    method: 'POST',
    path: '/v1/deliveries/:id/retry',
    handle: async (ctx, { req, res, params }) => {
      const connection = await ctx.auth.authenticate({ req, res });
      const delivery = await ctx.store.deliveryById(params.id!);
      if (!delivery || delivery.connectionId !== connection.id) {
        throw notFound(`No delivery ${clip(params.id!)} belongs to this API key.`);
      }
      await retryDelivery(ctx, delivery);
      sendJson(res, 202, { id: delivery.id, status: 'pending' } satisfies RetryResponse);
    },
  },
];

/** Makes the delivery due now with a fresh retry window; 400 when its export was erased or its subscription is no longer active. */
export async function retryDelivery(
  { store, clock, logger, config, worker }: RelayContext,
  delivery: Delivery,
): Promise<void> {
  if (delivery.exportErased) {
    throw new HttpError(
      400,
      'bad_request',
      `Delivery ${delivery.id} cannot be retried: its export's data was erased (retention or an erase request).`,
    );
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
  await store.requeueDelivery(delivery.id, now, now + config.retryWindowMs);
  logger.info('delivery requeued', { delivery_id: delivery.id, previous_status: delivery.status });
  worker.nudge();
}
