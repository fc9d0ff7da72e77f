import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import { HttpError, RequestAborted, notFound, sendError } from './http';
import { errorFields } from './logger';
import type { RelayContext, Route } from './routes';

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

interface Match {
  route: Route;
  params: Record<string, string>;
}

/**
 * Finds the route for each request and runs it. Whatever a handler throws ends that request
 * alone: an HttpError is its answer, anything else a logged 500.
 */
export function createRouter(ctx: RelayContext, routes: readonly Route[]): RequestListener {
  const compiled = routes.map(compile);
  return (req, res) => {
    const started = performance.now();
    let found: Match | undefined;
    const work = (async () => {
      const url = parseTarget(req.url);
      const candidates = matching(compiled, url.pathname);
      found = candidates.find(({ route }) => route.method === req.method);
      if (!found) throw unmatched(req, candidates);
      await found.route.handle(ctx, { req, res, params: found.params, url });
    })();
    void work
      .then(
        () => undefined,
        (error: unknown) => answerFailure(ctx, req, res, error, routeName(found)),
      )
      .then((aborted) => {
        const fields = {
          method: req.method,
          route: routeName(found),
          duration_ms: Math.round(performance.now() - started),
        };
        if (aborted === 'aborted') ctx.logger.info('request aborted by the client', fields);
        else if (!found?.route.logsAnswers || res.statusCode >= 500)
          ctx.logger.info('request', { ...fields, status: res.statusCode });
      });
  };
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

function matching(routes: readonly CompiledRoute[], pathname: string): Match[] {
  return routes.flatMap(({ route, pattern, names }) => {
    const match = pattern.exec(pathname);
    if (!match) return [];
    const params = Object.fromEntries(names.map((name, i) => [name, decodeSegment(match[i + 1]!)]));
    return [{ route, params }];
  });
}

/** The request target as a URL; one that `new URL` cannot read is the client's mistake. */
function parseTarget(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://relay.invalid');
  } catch {
    throw new HttpError(
      400,
      'bad_request',
      'The request target is not a valid URL path. The relay serves /v1/… and /hooks/jazzhr/{connection_id}[/{channel}].',
    );
  }
}

function unmatched(req: IncomingMessage, candidates: Match[]): HttpError {
  if (candidates.length > 0) {
    return new HttpError(
      405,
      'method_not_allowed',
      `${req.method} is not supported here; use ${candidates.map(({ route }) => route.method).join(' or ')}.`,
    );
  }
  return notFound(
    'There is nothing at this address. The relay serves /v1/… and /hooks/jazzhr/{connection_id}[/{channel}].',
  );
}

/** Answers what a handler threw; a client that went away gets no answer and no error log. */
function answerFailure(
  { logger }: RelayContext,
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  route: string,
): 'aborted' | undefined {
  if (error instanceof RequestAborted) {
    res.destroy();
    return 'aborted';
  }
  if (!(error instanceof HttpError)) {
    logger.error('request failed', { route, ...errorFields(error) });
    error = new HttpError(
      500,
      'internal_error',
      'The relay failed to handle this request. Try again.',
    );
  }
  if (!res.headersSent) sendError(req, res, error as HttpError);
  else if (!res.writableEnded) res.destroy();
  return undefined;
}

function routeName(found: Match | undefined): string {
  return found ? `${found.route.method} ${found.route.path}` : 'unmatched';
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
