import type { IncomingMessage } from 'node:http';

import { HttpError, MAX_API_BODY_BYTES, clip, notFound, parseRequest, readBody } from '../http';
import { recoverRequest } from '../protocol';
import type { RelayContext, Route, RouteRequest } from '../routes/context';
import { eraseCandidate } from '../routes/connections';
import { retryDelivery } from '../routes/deliveries';
import { requeueFailed } from '../routes/recovery';
import { DEFAULT_CHANNEL } from '../store/types';
import { redirect, sendPage } from './html';
import { checkToken, tooManySignInsText } from '../auth';
import { ConsoleSessions, clearedSessionCookie, sessionCookie } from './session';
import {
  connectionPage,
  connectionsPage,
  loginPage,
  noticeMessage,
  problemPage,
  type ConnectionView,
  type Message,
  type NoticeCode,
} from './views';

const CONNECTIONS_SHOWN = 500;
const ROWS_SHOWN = 50;
const SESSION_ENDED = 'Your console session has ended: log in again.';
const STALE_FORM =
  'This form is out of date (its CSRF token does not match your session): reload the page and try again.';

/** A signed-in request: its session, and the form's fields on a POST (CSRF already checked). */
interface Operator {
  csrf: string;
  form: URLSearchParams;
}

type ConsoleHandler = (
  ctx: RelayContext,
  request: RouteRequest,
  operator: Operator,
) => Promise<void>;

/** The operator console: server-rendered pages behind RELAY_ADMIN_TOKEN (all 404 without it). */
export const consoleRoutes: Route[] = [
  { method: 'GET', path: '/console', handle: (ctx, request) => showConnections(ctx, request) },
  { method: 'POST', path: '/console/login', handle: logIn },
  signedIn('POST', '/console/logout', async (ctx, { res }) => {
    redirect(res, '/console?notice=logged-out', {
      'Set-Cookie': clearedSessionCookie(secure(ctx)),
    });
  }),
  signedIn('GET', '/console/connections/:id', showConnection),
  signedIn('POST', '/console/deliveries/:id/retry', async (ctx, { res, params }) => {
    const delivery = await ctx.store.deliveryById(params.id!);
    if (!delivery) throw notFound(`No delivery ${clip(params.id!)} on this relay.`);
    await retryDelivery(ctx, delivery);
    redirect(res, noticeLocation(delivery.connectionId, 'retried'));
  }),
  signedIn('POST', '/console/connections/:id/recover', async (ctx, { res, params }, { form }) => {
    const connection = await ctx.store.connectionById(params.id!);
    if (!connection) throw notFound(`No connection ${clip(params.id!)} on this relay.`);
    const range = parseRequest(recoverRequest, {
      since: formTime(form.get('since')),
      until: formTime(form.get('until')),
    });
    const { requeued } = await requeueFailed(ctx, connection.id, range);
    redirect(res, noticeLocation(connection.id, 'recovered', requeued));
  }),
  signedIn('POST', '/console/connections/:id/erase-candidate', eraseCandidateByForm),
  signedIn('POST', '/console/subscriptions/:id/deactivate', async (ctx, { res, params }) => {
    const subscription = await ctx.store.subscriptionById(params.id!);
    if (!subscription) throw notFound(`No subscription ${clip(params.id!)} on this relay.`);
    await ctx.store.deactivateSubscription(
      subscription.id,
      'deactivated in the operator console',
      ctx.clock.now(),
    );
    ctx.logger.info('subscription deactivated by the operator', {
      subscription_id: subscription.id,
    });
    redirect(res, noticeLocation(subscription.connectionId, 'deactivated'));
  }),
];

function sessions({ config }: RelayContext): { adminToken: string; sessions: ConsoleSessions } {
  if (config.adminToken === undefined) {
    throw notFound('The operator console is off: the relay has no RELAY_ADMIN_TOKEN.');
  }
  return { adminToken: config.adminToken, sessions: new ConsoleSessions(config.adminToken) };
}

/**
 * A route for a signed-in operator. A GET without a session goes to the login form; a POST
 * without one, or whose form's CSRF token is not its session's, gets 403. Errors are pages.
 */
function signedIn(method: 'GET' | 'POST', path: string, handle: ConsoleHandler): Route {
  return {
    method,
    path,
    handle: async (ctx, request) => {
      const { res, req } = request;
      const { sessions: console } = sessions(ctx);
      const session = console.current(req, ctx.clock.now());
      if (session === undefined && method === 'GET') return redirect(res, '/console');
      const form = method === 'POST' ? await readForm(req) : new URLSearchParams();
      if (session === undefined) {
        return sendPage(res, 403, problemPage('Forbidden', SESSION_ENDED, '/console'));
      }
      if (method === 'POST' && !console.csrfMatches(session, form.get('csrf'))) {
        return sendPage(res, 403, problemPage('Forbidden', STALE_FORM, '/console'));
      }
      const csrf = console.csrfToken(session);
      try {
        await handle(ctx, request, { csrf, form });
      } catch (error) {
        if (!(error instanceof HttpError) || error.status >= 500) throw error;
        sendPage(res, error.status, problemPage('Not done', error.message, '/console'));
      }
    },
  };
}

async function showConnections(ctx: RelayContext, { req, res, url }: RouteRequest): Promise<void> {
  const { sessions: console } = sessions(ctx);
  const session = console.current(req, ctx.clock.now());
  const notice = noticeMessage(url.searchParams.get('notice'), url.searchParams.get('count'));
  if (session === undefined) return sendPage(res, 200, loginPage(notice));
  const connections = await ctx.store.connectionSummaries(CONNECTIONS_SHOWN);
  sendPage(res, 200, connectionsPage(connections, console.csrfToken(session), notice));
}

async function showConnection(
  ctx: RelayContext,
  { res, params, url }: RouteRequest,
  { csrf }: Operator,
): Promise<void> {
  const notice = noticeMessage(url.searchParams.get('notice'), url.searchParams.get('count'));
  sendPage(res, 200, connectionPage(await connectionView(ctx, params.id!), csrf, notice));
}

/**
 * The form's fields go through the JSON route's own check and erase; a refusal shows the page
 * again with the reason and empty fields, and neither the page nor the URL holds what was typed.
 */
async function eraseCandidateByForm(
  ctx: RelayContext,
  { res, params }: RouteRequest,
  { csrf, form }: Operator,
): Promise<void> {
  const connection = await ctx.store.connectionById(params.id!);
  if (!connection) throw notFound(`No connection ${clip(params.id!)} on this relay.`);
  const fields = {
    email: formText(form.get('email')),
    candidate_id: formText(form.get('candidate_id')),
  };
  try {
    const erased = await eraseCandidate(ctx, connection.id, fields);
    redirect(res, noticeLocation(connection.id, 'erased', erased));
  } catch (error) {
    if (!(error instanceof HttpError) || error.status !== 400) throw error;
    const refusal: Message = { text: error.message, error: true };
    const view = await connectionView(ctx, connection.id);
    sendPage(res, 400, connectionPage(view, csrf, refusal));
  }
}

async function connectionView(ctx: RelayContext, connectionId: string): Promise<ConnectionView> {
  const { store } = ctx;
  const connection = await store.connectionById(connectionId);
  if (!connection) throw notFound(`No connection ${clip(connectionId)} on this relay.`);
  const subscriptions = await store.subscriptionsOf(connection.id);
  const channels = new Set([DEFAULT_CHANNEL, ...subscriptions.map((s) => s.channel)]);
  const exports = (
    await Promise.all(
      [...channels].map(async (channel) =>
        (await store.recentExports(connection.id, ROWS_SHOWN, channel)).map((e) => ({
          uuid: e.uuid,
          event: e.event,
          channel,
          receivedAt: e.receivedAt,
        })),
      ),
    )
  )
    .flat()
    .sort((a, b) => b.receivedAt - a.receivedAt)
    .slice(0, ROWS_SHOWN);
  return {
    id: connection.id,
    createdAt: connection.createdAt,
    subscriptions,
    exports,
    deliveries: await store.listDeliveries(connection.id, { limit: ROWS_SHOWN }),
  };
}

async function logIn(ctx: RelayContext, { req, res }: RouteRequest): Promise<void> {
  const { adminToken, sessions: console } = sessions(ctx);
  const token = (await readForm(req)).get('token') ?? '';
  const check = checkToken(req, token, adminToken, ctx.adminSignIns);
  if (check.kind === 'limited') {
    ctx.logger.warn('console login refused', {
      reason: 'too many failed sign-ins',
      retry_after_s: check.retryAfterSeconds,
    });
    const message = { text: tooManySignInsText(check.retryAfterSeconds), error: true };
    return sendPage(res, 429, loginPage(message), {
      'Retry-After': String(check.retryAfterSeconds),
    });
  }
  if (check.kind === 'wrong') {
    ctx.logger.warn('console login refused', { reason: token === '' ? 'no token' : 'wrong token' });
    const message = { text: 'That token is not this relay’s RELAY_ADMIN_TOKEN.', error: true };
    return sendPage(res, 401, loginPage(message));
  }
  ctx.logger.info('console login');
  const cookie = sessionCookie(console.start(ctx.clock.now()), secure(ctx));
  redirect(res, '/console', { 'Set-Cookie': cookie });
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, MAX_API_BODY_BYTES)).toString('utf8'));
}

/** A field left empty is a field not given, as in a JSON body without it. */
function formText(value: string | null): string | undefined {
  return value === null || value.trim() === '' ? undefined : value;
}

/** A datetime-local field (no zone) is read as UTC, as the form's labels say. */
function formTime(value: string | null): string | undefined {
  const text = formText(value);
  if (text === undefined) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text}Z` : text;
}

function noticeLocation(connectionId: string, notice: NoticeCode, count?: number): string {
  const query = count === undefined ? '' : `&count=${count}`;
  return `/console/connections/${encodeURIComponent(connectionId)}?notice=${notice}${query}`;
}

/** The cookie is Secure when the relay's public URL is https (behind a TLS proxy). */
function secure({ config }: RelayContext): boolean {
  return config.publicUrl().startsWith('https:');
}
