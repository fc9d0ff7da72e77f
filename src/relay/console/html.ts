import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Markup already escaped: the only thing `html` interpolates as is. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = string | number | SafeHtml | null | undefined | readonly Value[];

/** The console's one escape helper: every interpolated value is escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let text = strings[0]!;
  values.forEach((value, i) => {
    text += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(text);
}

function render(value: Value): string {
  if (value === null || value === undefined) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return String(value as string | number).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1c1c1c;background:#f6f6f4}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;padding:.6rem 1rem;background:#24324a;color:#fff}
header a{color:#fff}header form{margin:0}
main{padding:1rem;max-width:72rem;margin:auto}
h1{font-size:1.3rem;margin:.2rem 0 1rem;overflow-wrap:anywhere}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.scroll{overflow-x:auto;background:#fff;border:1px solid #ddd;border-radius:6px}
table{border-collapse:collapse;width:100%}
th,td{padding:.45rem .6rem;text-align:left;border-bottom:1px solid #eee;white-space:nowrap;vertical-align:top}
td.wrap{white-space:normal;min-width:14rem}
th{background:#f0f0ec;font-weight:600}
code{font-size:.9em}
.status-delivered{color:#166534}.status-failed{color:#b91c1c;font-weight:600}.status-pending{color:#92400e}.status-cancelled{color:#555}
.notice{padding:.6rem .8rem;border-radius:6px;background:#e7f5ea;border:1px solid #9bd3a8;margin-bottom:1rem}
.notice.error{background:#fdeaea;border-color:#e9a3a3}
form.inline{display:inline;margin:0}
form.panel{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;background:#fff;border:1px solid #ddd;border-radius:6px;padding:.8rem}
label{display:flex;flex-direction:column;gap:.2rem;font-size:.9rem}
input{font:inherit;padding:.35rem .5rem;border:1px solid #aaa;border-radius:4px}
button{font:inherit;padding:.35rem .8rem;border-radius:4px;border:1px solid #24324a;background:#24324a;color:#fff;cursor:pointer}
button.quiet{background:#fff;color:#24324a}
.muted{color:#666}
`;

/** Built outside any template, so formatting the markup can never change the hashed text. */
const STYLE_ELEMENT = new SafeHtml(`<style>${STYLE}</style>`);

/** No scripts at all; the one inline style block is allowed by its hash, nothing else loads. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

export function page(title: string, body: SafeHtml, header: SafeHtml = html``): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · JazzHR relay console</title>
        ${STYLE_ELEMENT}
      </head>
      <body>
        <header><strong>JazzHR relay console</strong>${header}</header>
        <main>${body}</main>
      </body>
    </html> `;
}

export function sendPage(
  res: ServerResponse,
  status: number,
  content: SafeHtml,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(content.text),
  });
  res.end(content.text);
}

/** After a POST: back to a page (303), with a short notice for it to show. */
export function redirect(
  res: ServerResponse,
  location: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(303, { ...SECURITY_HEADERS, ...headers, Location: location });
  res.end();
}
