import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { sameText } from '../auth';

export const SESSION_COOKIE = 'relay_console';
/** A console login lasts a working day. */
export const SESSION_MS = 12 * 60 * 60_000;

/**
 * The console's sessions, held in the browser alone: a session is its expiry time signed with a
 * key derived from RELAY_ADMIN_TOKEN, so changing the token ends every session, and the relay
 * keeps no session table. A form's CSRF token is an HMAC of the session it was served to.
 */
export class ConsoleSessions {
  private readonly key: Buffer;

  constructor(adminToken: string) {
    this.key = createHmac('sha256', adminToken).update('relay console sessions').digest();
  }

  start(now: number): string {
    const expiresAt = String(now + SESSION_MS);
    return `${expiresAt}.${this.sign(`session:${expiresAt}`)}`;
  }

  /** The session in the request's cookie, when it is genuine and has not expired. */
  current(req: IncomingMessage, now: number): string | undefined {
    const session = readCookie(req, SESSION_COOKIE);
    const [expiresAt, signature] = session?.split('.') ?? [];
    if (expiresAt === undefined || signature === undefined) return undefined;
    if (!sameText(signature, this.sign(`session:${expiresAt}`))) return undefined;
    return Number(expiresAt) > now ? session : undefined;
  }

  csrfToken(session: string): string {
    return this.sign(`csrf:${session}`);
  }

  csrfMatches(session: string, given: string | null): boolean {
    return given !== null && sameText(given, this.csrfToken(session));
  }

  private sign(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }
}

export function sessionCookie(value: string, secure: boolean): string {
  return cookie(value, Math.floor(SESSION_MS / 1000), secure);
}

export function clearedSessionCookie(secure: boolean): string {
  return cookie('', 0, secure);
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  const flags = [`Max-Age=${maxAgeSeconds}`, 'Path=/console', 'HttpOnly', 'SameSite=Strict'];
  if (secure) flags.push('Secure');
  return [`${SESSION_COOKIE}=${value}`, ...flags].join('; ');
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
