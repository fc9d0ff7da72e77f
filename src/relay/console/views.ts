import type { ConnectionSummary, Delivery, Subscription } from '../store/types';
import { html, page, type SafeHtml } from './html';

/** Only what an operator needs to act: ids, times, counts and statuses, never a body or a secret. */
export interface ConsoleExport {
  uuid: string;
  event: string;
  channel: string;
  receivedAt: number;
}

export interface ConnectionView {
  id: string;
  createdAt: number;
  subscriptions: Subscription[];
  exports: ConsoleExport[];
  deliveries: Delivery[];
}

/** A line at the top of a page: what a POST did, or why it was refused. */
export interface Message {
  text: string;
  error: boolean;
}

/**
 * What a finished POST tells the page it redirects to, by code and count; fixed texts, so a link
 * cannot put words on the page.
 */
export const NOTICES = {
  retried: () => 'The delivery is pending again; the relay sends it within moments.',
  recovered: (count: number) => `${count} failed deliveries were put back to pending.`,
  erased: (count: number) =>
    count === 0
      ? 'No stored export matched.'
      : `Erased ${count} ${count === 1 ? 'export' : 'exports'} of that candidate.`,
  deactivated: () => 'The subscription is deactivated; its pending deliveries are cancelled.',
  'logged-out': () => 'You are logged out.',
} as const satisfies Record<string, (count: number) => string>;
export type NoticeCode = keyof typeof NOTICES;

export function noticeMessage(code: string | null, count: string | null): Message | undefined {
  if (code === null || !Object.hasOwn(NOTICES, code)) return undefined;
  const text = NOTICES[code as NoticeCode](Number.parseInt(count ?? '0', 10) || 0);
  return { text, error: false };
}

export function loginPage(message: Message | undefined): SafeHtml {
  return page(
    'Log in',
    html`<h1>Log in</h1>
      ${notice(message)}
      <form class="panel" method="post" action="/console/login">
        <label
          >Admin token (RELAY_ADMIN_TOKEN)
          <input type="password" name="token" autocomplete="current-password" required autofocus
        /></label>
        <button type="submit">Log in</button>
      </form>
      <p class="muted">The token is the relay's RELAY_ADMIN_TOKEN. The session lasts 12 hours.</p>`,
  );
}

export function connectionsPage(
  connections: ConnectionSummary[],
  csrf: string,
  message: Message | undefined,
): SafeHtml {
  const rows = connections.map(
    (c) =>
      html`<tr>
        <td>
          <a href="/console/connections/${encodeURIComponent(c.id)}"><code>${c.id}</code></a>
        </td>
        <td>${time(c.createdAt)}</td>
        <td class="${c.revokedAt === null ? '' : 'status-failed'}">${keyStatus(c)}</td>
        <td>${time(c.lastExportAt)}</td>
        <td>${c.activeSubscriptions}</td>
        <td>${c.pendingDeliveries}</td>
        <td class="${c.failedDeliveries > 0 ? 'status-failed' : ''}">${c.failedDeliveries}</td>
      </tr>`,
  );
  return page(
    'Connections',
    html`<h1>Connections</h1>
      ${notice(message)}
      <p class="muted">Newest first; times are UTC.</p>
      ${table(
        [
          'Connection',
          'Created',
          'API key',
          'Last export',
          'Active subscriptions',
          'Pending',
          'Failed',
        ],
        rows,
        'No connections yet.',
      )}`,
    navigation(csrf),
  );
}

/** Revoked (JazzHR rejects the key: the connection only ingests), or when JazzHR last accepted it. */
function keyStatus(c: Pick<ConnectionSummary, 'keyConfirmedAt' | 'revokedAt'>): SafeHtml {
  return c.revokedAt === null
    ? html`confirmed ${time(c.keyConfirmedAt)}`
    : html`revoked ${time(c.revokedAt)}`;
}

export function connectionPage(
  view: ConnectionView,
  csrf: string,
  message: Message | undefined,
): SafeHtml {
  const path = `/console/connections/${encodeURIComponent(view.id)}`;
  return page(
    view.id,
    html`<p><a href="/console">← Connections</a></p>
      <h1>Connection <code>${view.id}</code></h1>
      ${notice(message)}
      <p class="muted">Created ${time(view.createdAt)}. Times are UTC.</p>
      <h2>Recover failed deliveries</h2>
      <form class="panel" method="post" action="${path}/recover">
        ${csrfField(csrf)}
        <label
          >Received since (UTC)<input type="datetime-local" name="since" required step="1"
        /></label>
        <label
          >Until (UTC, empty for now)<input type="datetime-local" name="until" step="1"
        /></label>
        <button type="submit">Recover</button>
      </form>
      <h2>Subscriptions</h2>
      ${subscriptionsTable(view.subscriptions, csrf)}
      <h2>Recent deliveries</h2>
      ${deliveriesTable(view.deliveries, csrf)}
      <h2>Recent exports</h2>
      ${exportsTable(view.exports)}
      <h2>Erase a candidate</h2>
      ${eraseCandidateForm(path, csrf)}`,
    navigation(csrf),
  );
}

export function problemPage(title: string, text: string, back: string): SafeHtml {
  return page(
    title,
    html`<h1>${title}</h1>
      ${notice({ text, error: true })}
      <p><a href="${back}">Back</a></p>`,
  );
}

/**
 * Two labelled fields rather than one with a choice of kind: a wrong choice would look up the
 * wrong kind and report, falsely, that no export of the candidate is stored.
 * autocomplete="off" keeps the candidate's email out of the browser's form history.
 */
function eraseCandidateForm(path: string, csrf: string): SafeHtml {
  return html`<form class="panel" method="post" action="${path}/erase-candidate" autocomplete="off">
      ${csrfField(csrf)}
      <label
        >Candidate's email address (email)<input type="text" name="email" spellcheck="false"
      /></label>
      <label
        >or their JazzHR candidate id (candidate_id)<input
          type="text"
          name="candidate_id"
          spellcheck="false"
      /></label>
      <button type="submit">Erase</button>
    </form>
    <p class="muted">
      Fill in one. Every stored export of that candidate on this connection is erased with its
      deliveries, for good; the page says how many.
    </p>`;
}

function subscriptionsTable(subscriptions: Subscription[], csrf: string): SafeHtml {
  const rows = subscriptions.map(
    (s) =>
      html`<tr>
        <td><code>${s.id}</code></td>
        <td>${targetHost(s.targetUrl)}</td>
        <td>${s.channel || 'default'}</td>
        <td>${time(s.createdAt)}</td>
        <td>${s.active ? 'active' : `inactive: ${s.deactivatedReason ?? ''}`}</td>
        <td>
          ${s.active ? action(`/console/subscriptions/${encodeURIComponent(s.id)}/deactivate`, 'Deactivate', csrf, 'quiet') : ''}
        </td>
      </tr>`,
  );
  return table(
    ['Subscription', 'Target host', 'Channel', 'Created', 'Status', ''],
    rows,
    'No subscriptions.',
  );
}

function deliveriesTable(deliveries: Delivery[], csrf: string): SafeHtml {
  const rows = deliveries.map(
    (d) =>
      html`<tr>
        <td><code>${d.id}</code></td>
        <td class="status-${d.status}">${d.status}</td>
        <td>${d.attempts}</td>
        <td>${time(d.updatedAt)}</td>
        <td>${time(d.nextAttemptAt)}</td>
        <td>${d.lastStatusCode ?? ''}</td>
        <td class="wrap">${d.lastError ?? ''}</td>
        <td><code>${d.exportUuid}</code></td>
        <td><code>${d.subscriptionId}</code></td>
        <td>
          ${d.status === 'failed' || d.status === 'cancelled' ? action(`/console/deliveries/${encodeURIComponent(d.id)}/retry`, 'Retry', csrf) : ''}
        </td>
      </tr>`,
  );
  return table(
    [
      'Delivery',
      'Status',
      'Attempts',
      'Updated',
      'Next attempt',
      'Last HTTP status',
      'Last error',
      'Export',
      'Subscription',
      '',
    ],
    rows,
    'No deliveries.',
  );
}

function exportsTable(exports: ConsoleExport[]): SafeHtml {
  const rows = exports.map(
    (e) =>
      html`<tr>
        <td><code>${e.uuid}</code></td>
        <td>${e.event}</td>
        <td>${e.channel || 'default'}</td>
        <td>${time(e.receivedAt)}</td>
      </tr>`,
  );
  return table(['Export (uuid)', 'Event', 'Channel', 'Received'], rows, 'No exports.');
}

function table(headings: string[], rows: SafeHtml[], empty: string): SafeHtml {
  return html`<div class="scroll">
    <table>
      <thead>
        <tr>
          ${headings.map((h) => html`<th>${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${
          rows.length > 0
            ? rows
            : html`<tr>
                <td colspan="${headings.length}" class="muted">${empty}</td>
              </tr>`
        }
      </tbody>
    </table>
  </div>`;
}

function navigation(csrf: string): SafeHtml {
  return html`<nav>
    <a href="/console">Connections</a> ${action('/console/logout', 'Log out', csrf, 'quiet')}
  </nav>`;
}

function action(path: string, label: string, csrf: string, style = ''): SafeHtml {
  return html`<form class="inline" method="post" action="${path}">
    ${csrfField(csrf)}<button type="submit" class="${style}">${label}</button>
  </form>`;
}

function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${csrf}" />`;
}

function notice(message: Message | undefined): SafeHtml {
  if (message === undefined) return html``;
  return html`<p class="notice${message.error ? ' error' : ''}" role="status">${message.text}</p>`;
}

/** A hook URL is a capability (whoever has it can post into the Zap): the console shows its host only. */
function targetHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unreadable URL)';
  }
}

function time(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
