import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import type { KeyCheckResult } from '../jazzhr/key-check';
import { readHeader } from '../webhook';
import type { Clock } from './clock';
import { HttpError, clip, notFound } from './http';
import { hashApiKey, mintSecret, newId } from './ids';
import type { Logger } from './logger';
import type { Connection, Store } from './store/types';

/** checkApiKey from src/jazzhr/key-check.ts, bound to the configured JazzHR API URL. */
export type ApiKeyChecker = (apiKey: string) => Promise<KeyCheckResult>;

export interface AuthenticatorDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  checkApiKey: ApiKeyChecker;
  accessToken: string | undefined;
}

/** Who is calling the /v1 API: the access token (when the relay has one) and the caller's JazzHR key. */
export class Authenticator {
  /** Keys whose first JazzHR check is in flight, so concurrent first uses share one check. */
  private readonly firstUses = new Map<string, Promise<Connection>>();

  constructor(private readonly deps: AuthenticatorDeps) {}

  /**
   * POST /v1/connections: the caller's connection, created the first time JazzHR accepts the
   * key. The only call that creates one.
   */
  async connect(req: IncomingMessage): Promise<Connection> {
    const apiKey = this.presentedKey(req);
    const apiKeyHash = hashApiKey(apiKey);
    const known = await this.deps.store.connectionByKeyHash(apiKeyHash);
    if (known) return known;
    let pending = this.firstUses.get(apiKeyHash);
    if (!pending) {
      pending = this.connectNewKey(apiKey, apiKeyHash).finally(() =>
        this.firstUses.delete(apiKeyHash),
      );
      this.firstUses.set(apiKeyHash, pending);
    }
    return pending;
  }

  /** The connection of the caller's key; a key without one gets 404, and nothing is created. */
  async authenticate(req: IncomingMessage): Promise<Connection> {
    const known = await this.deps.store.connectionByKeyHash(hashApiKey(this.presentedKey(req)));
    if (known) return known;
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
  async ownConnection(req: IncomingMessage, id: string): Promise<Connection> {
    const connection = await this.authenticate(req);
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
        throw new HttpError(
          401,
          'invalid_api_key',
          'JazzHR rejected this API key. Copy the current key from JazzHR Settings → Integrations (admins only) and reconnect.',
        );
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
}

/**
 * Guards an operator endpoint with a token the operator configured (`variable` names it), given
 * as "Authorization: Bearer <token>"; compared in constant time.
 */
export function requireBearerToken(req: IncomingMessage, expected: string, variable: string): void {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (given !== undefined && sameText(given, expected)) return;
  throw new HttpError(
    401,
    'unauthorized',
    given === undefined
      ? `This endpoint needs "Authorization: Bearer <token>" with the relay's ${variable}.`
      : `The bearer token is wrong for this endpoint; it must equal the relay's ${variable}.`,
  );
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
