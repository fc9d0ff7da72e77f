import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { KeyCheckResult } from '../jazzhr/key-check';
import { readHeader } from '../webhook';
import { clientAddress, type AddressLimit } from './address-limit';
import type { Clock } from './clock';
import { HttpError, clip, notFound, whileConnected } from './http';
import { hashApiKey, mintSecret, newId } from './ids';
import type { KeyCheckGuard } from './key-check-guard';
import type { Logger } from './logger';
import type { Connection, Store } from './store/types';

/** checkApiKey from src/jazzhr/key-check.ts, bound to the configured JazzHR API URL. */
export type ApiKeyChecker = (apiKey: string) => Promise<KeyCheckResult>;

/** When JazzHR cannot be reached, a key's last confirmation stands this long. */
export const KEY_CONFIRMATION_GRACE_MS = 24 * 60 * 60_000;
/** After JazzHR could not be reached for a recheck, the next try waits this long. */
const RECHECK_RETRY_MS = 60_000;

export interface AuthenticatorDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  checkApiKey: ApiKeyChecker;
  accessToken: string | undefined;
  guard: KeyCheckGuard;
  /** A key is confirmed against JazzHR again once its last confirmation is this old. */
  keyRecheckMs: number;
  /**
   * Called once, by the process that found it, when a connection is marked revoked (JazzHR
   * now rejects its key): the place for operator alerts on connection.revoked.
   */
  onConnectionRevoked?: (connection: Connection) => void;
}

/** The request a caller is authenticated on: its headers, its address, and whether it is still there. */
export interface Caller {
  req: IncomingMessage;
  res: ServerResponse;
}

/**
 * Who is calling the /v1 API: the access token (when the relay has one) and the caller's JazzHR
 * key, which JazzHR must still accept. Every JazzHR call this makes is shared by concurrent
 * requests with the same key and bounded (KeyCheckGuard), so no request can make the relay
 * call JazzHR at will.
 */
export class Authenticator {
  /** Keys whose first JazzHR check is in flight, so concurrent first uses share one check. */
  private readonly firstUses = new Map<string, Promise<Connection>>();
  /** Connections whose key is being confirmed again, likewise shared. */
  private readonly rechecks = new Map<string, Promise<Connection>>();
  /** When a recheck last found JazzHR unreachable, per connection. */
  private readonly unreachableAt = new Map<string, number>();

  constructor(private readonly deps: AuthenticatorDeps) {}

  /**
   * POST /v1/connections: the caller's connection, created the first time JazzHR accepts the
   * key. The only call that creates one.
   */
  async connect(caller: Caller): Promise<Connection> {
    const apiKey = this.presentedKey(caller.req);
    const apiKeyHash = hashApiKey(apiKey);
    if (this.deps.guard.isRecentlyRejected(apiKeyHash)) throw rejectedKey();
    const known = await this.deps.store.connectionByKeyHash(apiKeyHash);
    if (known) return this.stillAccepted(caller, known, apiKey);
    let pending = this.firstUses.get(apiKeyHash);
    if (!pending) {
      this.takeKeyCheck(caller.req);
      pending = this.connectNewKey(apiKey, apiKeyHash).finally(() =>
        this.firstUses.delete(apiKeyHash),
      );
      this.firstUses.set(apiKeyHash, pending);
    }
    return whileConnected(caller.res, pending);
  }

  /** The connection of the caller's key; a key without one gets 404, and nothing is created. */
  async authenticate(caller: Caller): Promise<Connection> {
    const apiKey = this.presentedKey(caller.req);
    const known = await this.deps.store.connectionByKeyHash(hashApiKey(apiKey));
    if (known) return this.stillAccepted(caller, known, apiKey);
    throw notFound(
      'This API key has no connection on this relay yet: POST /v1/connections first (in Zapier, reconnect the JazzHR account and turn the Zap off and on).',
    );
  }

  private presentedKey(req: IncomingMessage): string {
    this.checkAccessToken(req);
    const apiKey = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (apiKey !== undefined) return apiKey;
    throw new HttpError(
      401,
      'invalid_api_key',
      'Send your JazzHR API key as "Authorization: Bearer <key>". Find it in JazzHR under Settings → Integrations.',
    );
  }

  /** The caller's connection, which must be the one named by `id`. */
  async ownConnection(caller: Caller, id: string): Promise<Connection> {
    const connection = await this.authenticate(caller);
    if (connection.id !== id) throw notFound(`No connection ${clip(id)} belongs to this API key.`);
    return connection;
  }

  private checkAccessToken(req: IncomingMessage): void {
    const { accessToken } = this.deps;
    if (accessToken === undefined) return;
    const given = readHeader(req.headers, 'X-Relay-Access-Token');
    if (given !== undefined && sameText(given, accessToken)) return;
    throw new HttpError(
      403,
      'forbidden',
      given === undefined
        ? 'This relay needs an access token: send it in the X-Relay-Access-Token header (the app reads it from JAZZHR_RELAY_ACCESS_TOKEN).'
        : 'The X-Relay-Access-Token is wrong for this relay. Check JAZZHR_RELAY_ACCESS_TOKEN against the relay’s RELAY_ACCESS_TOKEN.',
    );
  }

  /** Counts a JazzHR key check against the caller's address, or refuses it (429). */
  private takeKeyCheck(req: IncomingMessage): void {
    const permit = this.deps.guard.takeCheck(clientAddress(req));
    if (permit.allowed) return;
    this.deps.logger.warn('api key checks throttled', {
      retry_after_s: permit.retryAfterSeconds,
    });
    throw new HttpError(
      429,
      'rate_limited',
      `Too many new API keys were checked from this address. Try again in ${permit.retryAfterSeconds} s.`,
      { 'Retry-After': String(permit.retryAfterSeconds) },
    );
  }

  /** A key's first use: one JazzHR check, however many requests arrive with it at once. */
  private async connectNewKey(apiKey: string, apiKeyHash: string): Promise<Connection> {
    const { store, clock, logger } = this.deps;
    // Looked up again now that this is the only first use in flight: an earlier one may just have finished.
    const known = await store.connectionByKeyHash(apiKeyHash);
    if (known) return known;
    const result = await this.deps.checkApiKey(apiKey);
    if (!result.ok) {
      logger.warn('api key check failed', { reason: result.reason });
      if (result.reason === 'rejected') {
        this.deps.guard.rememberRejected(apiKeyHash);
        throw rejectedKey();
      }
      throw new HttpError(
        502,
        'jazzhr_unavailable',
        'JazzHR could not be reached to check the API key. Try again in a few minutes.',
      );
    }
    const connection = await store.insertConnection({
      id: newId('con'),
      apiKeyHash,
      secret: mintSecret(),
      now: clock.now(),
    });
    logger.info('connection ready', { connection_id: connection.id });
    return connection;
  }

  /** A known key: refused once revoked, and confirmed again with JazzHR when its confirmation is old. */
  private async stillAccepted(
    caller: Caller,
    connection: Connection,
    apiKey: string,
  ): Promise<Connection> {
    if (connection.revokedAt !== null) throw revokedKey();
    if (this.deps.clock.now() - connection.keyConfirmedAt < this.deps.keyRecheckMs) {
      return connection;
    }
    let pending = this.rechecks.get(connection.id);
    if (!pending) {
      pending = this.recheck(connection, apiKey).finally(() => this.rechecks.delete(connection.id));
      this.rechecks.set(connection.id, pending);
    }
    return whileConnected(caller.res, pending);
  }

  private async recheck(connection: Connection, apiKey: string): Promise<Connection> {
    const { store, clock, logger } = this.deps;
    const lastTry = this.unreachableAt.get(connection.id);
    const result =
      lastTry !== undefined && clock.now() - lastTry < RECHECK_RETRY_MS
        ? undefined
        : await this.deps.checkApiKey(apiKey);
    const now = clock.now();
    if (result?.ok) {
      this.unreachableAt.delete(connection.id);
      await store.confirmApiKey(connection.id, now);
      logger.info('api key confirmed again', { connection_id: connection.id });
      return { ...connection, keyConfirmedAt: now };
    }
    if (result?.reason === 'rejected') {
      this.unreachableAt.delete(connection.id);
      if (await store.revokeConnection(connection.id, now)) {
        logger.warn('connection revoked: JazzHR no longer accepts its key', {
          connection_id: connection.id,
        });
        this.deps.onConnectionRevoked?.({ ...connection, revokedAt: now });
      }
      throw revokedKey();
    }
    if (result) this.unreachableAt.set(connection.id, now);
    const confirmedAgo = now - connection.keyConfirmedAt;
    if (confirmedAgo < KEY_CONFIRMATION_GRACE_MS) {
      if (result) {
        logger.warn('api key recheck: JazzHR unreachable, last confirmation stands', {
          connection_id: connection.id,
          confirmed_s_ago: Math.round(confirmedAgo / 1000),
        });
      }
      return connection;
    }
    throw new HttpError(
      502,
      'jazzhr_unavailable',
      'JazzHR could not be reached to confirm this API key, and its last confirmation is over 24 hours old. Try again in a few minutes.',
    );
  }
}

function rejectedKey(): HttpError {
  return new HttpError(
    401,
    'invalid_api_key',
    'JazzHR rejected this API key. Copy the current key from JazzHR Settings → Integrations (admins only) and reconnect.',
  );
}

function revokedKey(): HttpError {
  return new HttpError(
    401,
    'invalid_api_key',
    'JazzHR no longer accepts this API key, so the relay has revoked its connection: nothing can be read, subscribed or changed with it. Reconnect the JazzHR account in Zapier with the current key from JazzHR Settings → Integrations, then paste the new webhook URL and Secret Key into JazzHR.',
  );
}

/**
 * Wrong RELAY_ADMIN_TOKENs a client address may present (console login and operator API
 * together) in 15 minutes, so the token cannot be guessed online.
 */
export const ADMIN_TOKEN_FAILURES = { perWindow: 10, windowMs: 15 * 60_000 };

export type TokenCheck =
  { kind: 'accepted' } | { kind: 'wrong' } | { kind: 'limited'; retryAfterSeconds: number };

/**
 * Compares a presented token in constant time. With `failures`, wrong tokens count against the
 * caller's address, and an address that has used them up is refused before any comparison, even
 * with the right token, so that answer says nothing about the token.
 */
export function checkToken(
  req: IncomingMessage,
  given: string | undefined,
  expected: string,
  failures?: AddressLimit,
): TokenCheck {
  const address = clientAddress(req);
  const permit = failures?.check(address) ?? { allowed: true };
  if (!permit.allowed) return { kind: 'limited', retryAfterSeconds: permit.retryAfterSeconds };
  if (given !== undefined && sameText(given, expected)) return { kind: 'accepted' };
  failures?.count(address);
  return { kind: 'wrong' };
}

export function tooManySignInsText(retryAfterSeconds: number): string {
  return `Too many failed sign-ins; try again in ${retryAfterSeconds} seconds.`;
}

/**
 * Guards an operator endpoint with a token the operator configured (`variable` names it), given
 * as "Authorization: Bearer <token>"; compared in constant time, wrong ones limited by `failures`.
 */
export function requireBearerToken(
  req: IncomingMessage,
  expected: string,
  variable: string,
  failures?: AddressLimit,
): void {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  const check = checkToken(req, given, expected, failures);
  if (check.kind === 'accepted') return;
  if (check.kind === 'limited') {
    throw new HttpError(429, 'rate_limited', tooManySignInsText(check.retryAfterSeconds), {
      'Retry-After': String(check.retryAfterSeconds),
    });
  }
  throw new HttpError(
    401,
    'unauthorized',
    given === undefined
      ? `This endpoint needs "Authorization: Bearer <token>" with the relay's ${variable}.`
      : `The bearer token is wrong for this endpoint; it must equal the relay's ${variable}.`,
  );
}

/**
 * Compares in constant time, its length too (both sides are hashed to 32 bytes first): a secret
 * is never compared with ===.
 */
export function sameText(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
