import { RELAY_VARIABLES, isAllowedTargetHost } from '../config';
import { HttpError, clip, notFound, parseRequest, readJson, sendEmpty, sendJson } from '../http';
import { mintSecret, newId } from '../ids';
import { createSubscriptionRequest, type SubscriptionResponse } from '../protocol';
import { DEFAULT_CHANNEL, SubscriptionLimitError, type Subscription } from '../store/types';
import type { RelayContext, Route } from './context';

export const subscriptionRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/subscriptions',
    handle: async ({ auth, store, clock, logger, config }, { req, res }) => {
      const connection = await auth.authenticate({ req, res });
      const {
        connection_id: connectionId,
        target_url: targetUrl,
        channel,
      } = parseRequest(createSubscriptionRequest, await readJson(req));
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
      const subscription = await subscribe(
        { store, clock, config },
        connectionId,
        targetUrl,
        channel,
      );
      logger.info('subscribed', {
        connection_id: connectionId,
        subscription_id: subscription.id,
        channel: subscription.channel || null,
      });
      sendJson(res, 201, {
        id: subscription.id,
        connection_id: subscription.connectionId,
        target_url: subscription.targetUrl,
        channel: subscription.channel === DEFAULT_CHANNEL ? null : subscription.channel,
        secret: subscription.secret,
      } satisfies SubscriptionResponse);
    },
  },
  {
    method: 'DELETE',
    path: '/v1/subscriptions/:id',
    handle: async ({ auth, store, clock, logger }, { req, res, params }) => {
      const connection = await auth.authenticate({ req, res });
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

/** The target's subscription to the channel, within the connection's limit of active ones. */
async function subscribe(
  { store, clock, config }: Pick<RelayContext, 'store' | 'clock' | 'config'>,
  connectionId: string,
  targetUrl: string,
  channel: string | undefined,
): Promise<Subscription> {
  try {
    return await store.upsertSubscription({
      id: newId('sub'),
      connectionId,
      targetUrl,
      channel: channel ?? DEFAULT_CHANNEL,
      secret: mintSecret(),
      now: clock.now(),
      maxActive: config.maxSubscriptionsPerConnection,
    });
  } catch (error) {
    if (!(error instanceof SubscriptionLimitError)) throw error;
    throw new HttpError(
      409,
      'subscription_limit',
      `This JazzHR account already has ${error.limit} active subscriptions on this relay, its limit (RELAY_MAX_SUBSCRIPTIONS_PER_CONNECTION). Turn off Zaps that use Candidate Exported and no longer need it, or ask the relay's operator to raise the limit.`,
    );
  }
}
