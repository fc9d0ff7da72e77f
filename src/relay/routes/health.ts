import { errorFields } from '../logger';
import { sendJson } from '../http';
import type { RelayContext, Route } from './context';

export const healthRoutes: Route[] = [
  {
    // The process answers: for a liveness probe (restart when this fails).
    method: 'GET',
    path: '/healthz',
    handle: async (_ctx, { res }) => {
      sendJson(res, 200, { ok: true });
    },
  },
  {
    // The relay can do its work: for a readiness probe (send no traffic while this fails).
    method: 'GET',
    path: '/readyz',
    handle: async (ctx, { res }) => {
      const problem = (await storeProblem(ctx)) ?? deliveryLoopProblem(ctx);
      if (problem === undefined) {
        sendJson(res, 200, { ok: true });
        return;
      }
      ctx.logger.warn('not ready', { reason: problem });
      res.setHeader('Retry-After', '5');
      sendJson(res, 503, { ok: false, reason: problem });
    },
  },
];

async function storeProblem({ store, clock, logger }: RelayContext): Promise<string | undefined> {
  try {
    await store.probeWrite(clock.now());
    return undefined;
  } catch (error) {
    const fields = errorFields(error);
    logger.error('store write probe failed', fields);
    // SQLite's own words ("database or disk is full") say what is wrong and hold no secret;
    // PostgreSQL's may name its host, so only its code is shown on this unauthenticated page.
    const cause =
      store.kind === 'sqlite' && error instanceof Error
        ? error.message
        : (fields.error_code ?? fields.error_name);
    return `The ${store.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database does not take writes (${cause}): check free disk space, file permissions and that the database is up.`;
  }
}

function deliveryLoopProblem({ worker, clock, config }: RelayContext): string | undefined {
  const { lastLoopAt } = worker;
  if (lastLoopAt === undefined) return 'The delivery loop has not started.';
  const ago = clock.now() - lastLoopAt;
  if (ago <= config.deliveryLoopStaleMs) return undefined;
  return `The delivery loop last ran ${Math.round(ago / 1000)} s ago.`;
}
