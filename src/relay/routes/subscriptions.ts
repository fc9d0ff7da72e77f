import { issueLines } from '../../zod-issues';
import { RELAY_VARIABLES, isAllowedTargetHost } from '../config';
import { HttpError, clip, notFound, readJson, sendEmpty, sendJson } from '../http';
import { mintSecret, newId } from '../ids';
import { createSubscriptionRequest, type SubscriptionResponse } from '../protocol';
import type { Route } from './context';

export const subscriptionRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/subscriptions',
    handle: async ({ auth, store, clock, logger, config }, { req, res }) => {
      const connection = await auth.authenticate(req);
      const parsed = createSubscriptionRequest.safeParse(await readJson(req));
      if (!parsed.success) {
        throw new HttpError(400, 'bad_request', issueLines(parsed.error.issues).join('; '));
      }
      const { connection_id: connectionId, target_url: targetUrl } = parsed.data;
      if (connectionId !== connection.id) {
        throw notFound(`No connection ${clip(connectionId)} belongs to this API key.`);
      }
      const targetHost = new URL(targetUrl).hostname;
      if (!isAllowedTargetHost(targetHost, config.allowedTargetHosts)) {
        throw new HttpError(
          400,
          'bad_request',
          `This relay only delivers to ${config.allowedTargetHosts.join(', ')}, and target_url's host is ${clip(targetHost)}. To allow it, the relay's operator adds it to ${RELAY_VARIABLES.allowedTargetHosts.name} (comma-separated; subdomains included).`,
        );
      }
      const subscription = await store.upsertSubscription({
        id: newId('sub'),
        connectionId,
        targetUrl,
        secret: mintSecret(),
        now: clock.now(),
      });
      logger.info('subscribed', { connection_id: connectionId, subscription_id: subscription.id });
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
    handle: async ({ auth, store, clock, logger }, { req, res, params }) => {
      const connection = await auth.authenticate(req);
      const subscription = await store.subscriptionById(params.id!);
      if (!subscription || subscription.connectionId !== connection.id) {
        throw notFound(
          `No subscription ${clip(params.id!)} belongs to this API key; it may already be gone.`,
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
