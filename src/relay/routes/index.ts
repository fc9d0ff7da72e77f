import { consoleRoutes } from '../console/routes';
import { connectionRoutes } from './connections';
import type { Route } from './context';
import { deliveryRoutes } from './deliveries';
import { healthRoutes } from './health';
import { ingestRoutes } from './ingest';
import { metricsRoutes } from './metrics';
import { recoveryRoutes } from './recovery';
import { subscriptionRoutes } from './subscriptions';

export type { RelayContext, Route, RouteConfig, RouteRequest } from './context';

/** Every route the relay serves; a new route group is a module here and one line below. */
export const relayRoutes: readonly Route[] = [
  ...healthRoutes,
  ...metricsRoutes,
  ...ingestRoutes,
  ...connectionRoutes,
  ...deliveryRoutes,
  ...subscriptionRoutes,
  ...recoveryRoutes,
  ...consoleRoutes,
];
