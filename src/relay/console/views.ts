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

/** What a finished POST tells the page it redirects to; fixed texts, so a link cannot put words on the page. */
export const NOTICES = {
  retried: 'The delivery is pending again; the relay sends it within moments.',
  recovered: 'failed deliveries were put back to pending.',
  deactivated: 'The subscription is deactivated; its pending deliveries are cancelled.',
  'logged-out': 'You are logged out.',
} as const;
export type NoticeCode = keyof typeof NOTICES;

export function noticeText(code: string | null, count: string | null): string | undefined {
  if (code === null || !(code in NOTICES)) return undefined;
  const text = NOTICES[code as NoticeCode];
  return code === 'recovered' ? `${Number.parseInt(count ?? '0', 10) || 0} ${text}` : text;
}

export function loginPage(message: { text: string; error: boolean } | undefined): SafeHtml {
  return page(
    'Log in',
    html`<h1>Log in</h1>
      ${message === undefined ? '' : notice(message.text, message.error)}
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
  message: string | undefined,
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
      ${message === undefined ? '' : notice(message, false)}
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
  message: string | undefined,
): SafeHtml {
  const path = `/console/connections/${encodeURIComponent(view.id)}`;
  return page(
    view.id,
    html`<p><a href="/console">← Connections</a></p>
      <h1>Connection <code>${view.id}</code></h1>
      ${message === undefined ? '' : notice(message, false)}
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
      ${exportsTable(view.exports)}`,
    navigation(csrf),
  );
}

export function problemPage(title: string, text: string, back: string): SafeHtml {
  return page(
    title,
    html`<h1>${title}</h1>
      ${notice(text, true)}
      <p><a href="${back}">Back</a></p>`,
  );
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

function notice(text: string, error: boolean): SafeHtml {
  return html`<p class="notice${error ? ' error' : ''}" role="status">${text}</p>`;
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
