import { sendJson } from '../http';
import type { Route } from './context';

export const healthRoutes: Route[] = [
  {
    method: 'GET',
    path: '/healthz',
    handle: async ({ store }, { res }) => {
      await store.ping();
      sendJson(res, 200, { ok: true });
    },
  },
];
