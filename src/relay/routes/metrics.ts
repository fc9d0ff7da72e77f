import { requireBearerToken } from '../auth';
import type { Route } from './context';

export const metricsRoutes: Route[] = [
  {
    method: 'GET',
    path: '/metrics',
    handle: async ({ metrics, config }, { req, res }) => {
      if (config.metricsToken !== undefined) {
        requireBearerToken(req, config.metricsToken, 'RELAY_METRICS_TOKEN');
      }
      const text = await metrics.render();
      res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
      res.end(text);
    },
  },
];
