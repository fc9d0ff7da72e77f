/**
 * The app's client for the subscription relay's v1 API. Only the relay ever sees the
 * JazzHR API key here (as its bearer token); error messages never carry it.
 */
import type { Bundle, HttpResponse, ZObject } from 'zapier-platform-core';
import { z as zod, type ZodType } from 'zod';

import { NO_API_KEY_MESSAGE } from './jazzhr/answers';
import {
  connectionResponse,
  exportsResponse,
  subscriptionResponse,
  EXPORTS_DEFAULT_LIMIT,
  EXPORTS_MAX_LIMIT,
  type ConnectionResponse,
  type ExportItem,
  type SubscriptionResponse,
} from './relay/protocol';
import { scrubSecrets } from './scrub-secrets';
import { isHttpUrl } from './web-link';

export const RELAY_URL_ENV = 'JAZZHR_RELAY_URL';
export const RELAY_ACCESS_TOKEN_ENV = 'JAZZHR_RELAY_ACCESS_TOKEN';

export const RELAY_NOT_CONFIGURED_MESSAGE = `The JazzHR relay is not configured for this integration: the publisher must set ${RELAY_URL_ENV} with \`zapier-platform env:set <version> ${RELAY_URL_ENV}=https://…\` (the relay's public address).`;

const RELAY_URL_INVALID_MESSAGE = `The JazzHR relay address in ${RELAY_URL_ENV} is not an http(s) URL: the publisher must set it with \`zapier-platform env:set <version> ${RELAY_URL_ENV}=https://…\`.`;

const looseErrorBody = zod.object({
  error: zod.object({ code: zod.string(), message: zod.string() }),
});

/** The relay's base URL from the app's environment, without a trailing slash. */
export function relayBaseUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env[RELAY_URL_ENV]?.trim();
  return configured ? configured.replace(/\/+$/, '') : null;
}

/** The relay's base URL, or an error the publisher can act on when it is unset or not http(s). */
function relayBase(z: ZObject): string {
  const base = relayBaseUrl();
  if (base === null)
    throw new z.errors.Error(RELAY_NOT_CONFIGURED_MESSAGE, 'relay_not_configured', 500);
  // The value itself is never echoed: it may hold credentials.
  if (isHttpUrl(base)) return base;
  throw new z.errors.Error(RELAY_URL_INVALID_MESSAGE, 'relay_not_configured', 500);
}

/** At most 300 characters of a relay's message. */
const clipped = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

/** The Zapier error for a relay answer outside 2xx, the relay's own words scrubbed of the key and token. */
function relayError(
  z: ZObject,
  response: HttpResponse,
  request: { method: string; path: string; secrets: readonly string[] },
): Error {
  const { method, path } = request;
  const body = looseErrorBody.safeParse(safeJson(response.content));
  const relayMessage = body.success
    ? clipped(scrubSecrets(body.data.error.message.trim(), request.secrets))
    : '';
  const said = relayMessage ? ` The relay said: ${relayMessage}` : '';
  const code = body.success ? body.data.error.code : undefined;
  const status = response.status;

  if (status === 401 || code === 'invalid_api_key') {
    return new z.errors.ExpiredAuthError(
      `JazzHR did not accept the connected API key (checked by the JazzHR relay). Reconnect your JazzHR account with the current API key from JazzHR Settings → Integrations.${said}`,
    );
  }
  if (status === 403 || code === 'forbidden') {
    return new z.errors.Error(
      `The JazzHR relay refused this integration's access token: the publisher must set ${RELAY_ACCESS_TOKEN_ENV} to the relay's RELAY_ACCESS_TOKEN with \`zapier-platform env:set <version> ${RELAY_ACCESS_TOKEN_ENV}=…\`.${said}`,
      'relay_forbidden',
      status,
    );
  }
  if (status === 404 || code === 'not_found') {
    return new z.errors.Error(
      `The JazzHR relay does not know this connection or subscription (${method} ${path}). Turn the Zap off and on again to subscribe afresh.${said}`,
      'relay_not_found',
      status,
    );
  }
  if (status === 429) {
    return new z.errors.ThrottledError(
      `The JazzHR relay is busy (HTTP 429); Zapier will retry shortly.${said}`,
      60,
    );
  }
  if (status === 502 || code === 'jazzhr_unavailable') {
    return new z.errors.Error(
      `The JazzHR relay could not reach JazzHR to check the API key. Try again in a few minutes.${said}`,
      'jazzhr_unavailable',
      status,
    );
  }
  if (status >= 500) {
    return new z.errors.Error(
      `The JazzHR relay failed (HTTP ${status}) on ${method} ${path}. Try again in a few minutes; if it keeps failing, contact the integration's publisher.${said}`,
      'relay_error',
      status,
    );
  }
  return new z.errors.Error(
    `The JazzHR relay rejected ${method} ${path} (HTTP ${status}).${said || ' It gave no reason.'}`,
    code ? `relay_${code}` : 'relay_bad_request',
    status,
  );
}

interface Credentials {
  apiKey: string;
  accessToken: string;
}

/** One request to the relay with the API key (and access token), its answer checked against a schema. */
async function send<S extends ZodType>(
  z: ZObject,
  { apiKey, accessToken }: Credentials,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  schema: S | null,
  options: { json?: unknown; notFoundIsFine?: boolean } = {},
): Promise<{ status: number; data: zod.infer<S> | null }> {
  const url = `${relayBase(z)}${path}`;
  if (apiKey === '') {
    throw new z.errors.ExpiredAuthError(NO_API_KEY_MESSAGE);
  }
  const headers: Record<string, string> = {
    authorization: `Bearer ${apiKey}`,
    accept: 'application/json',
  };
  if (accessToken !== '') headers['x-relay-access-token'] = accessToken;

  let response: HttpResponse;
  try {
    response = await z.request({
      url,
      method,
      headers,
      ...(options.json === undefined ? {} : { json: options.json }),
      skipThrowForStatus: true,
    });
  } catch (error) {
    if (error instanceof z.errors.ThrottledError) throw error;
    throw new z.errors.Error(
      `Could not reach the JazzHR relay at ${new URL(url).host} (${method} ${path}). Try again in a few minutes; if it keeps failing, the relay may be down.`,
      'relay_unreachable',
      502,
    );
  }
  if (response.status === 404 && options.notFoundIsFine) return { status: 404, data: null };
  if (response.status < 200 || response.status >= 300)
    throw relayError(z, response, { method, path, secrets: [apiKey, accessToken] });
  if (schema === null) return { status: response.status, data: null };

  const parsed = schema.safeParse(safeJson(response.content));
  if (!parsed.success) {
    throw new z.errors.Error(
      `The JazzHR relay answered ${method} ${path} with something this app does not understand (HTTP ${response.status}). The relay and the app may be on different versions.`,
      'relay_invalid_response',
      502,
    );
  }
  return { status: response.status, data: parsed.data };
}

export function relayClient(z: ZObject, bundle: Bundle) {
  const credentials: Credentials = {
    apiKey: String(bundle.authData?.api_key ?? '').trim(),
    accessToken: process.env[RELAY_ACCESS_TOKEN_ENV]?.trim() ?? '',
  };

  return {
    /** POST /v1/connections: the caller's connection (idempotent per API key). */
    async ensureConnection(): Promise<ConnectionResponse> {
      return (await send(z, credentials, 'POST', '/v1/connections', connectionResponse)).data!;
    },

    /** POST /v1/subscriptions: idempotent per (connection, target); no channel = the default one. */
    async subscribe(
      connectionId: string,
      targetUrl: string,
      channel?: string,
    ): Promise<SubscriptionResponse> {
      const { data } = await send(
        z,
        credentials,
        'POST',
        '/v1/subscriptions',
        subscriptionResponse,
        {
          json: {
            connection_id: connectionId,
            target_url: targetUrl,
            ...(channel === undefined ? {} : { channel }),
          },
        },
      );
      return data!;
    },

    /** DELETE /v1/subscriptions/{id}: true when it was deleted, false when it was already gone. */
    async unsubscribe(subscriptionId: string): Promise<boolean> {
      const path = `/v1/subscriptions/${encodeURIComponent(subscriptionId)}`;
      const { status } = await send(z, credentials, 'DELETE', path, null, { notFoundIsFine: true });
      return status !== 404;
    },

    /**
     * GET /v1/connections/{id}/exports: one channel's stored exports (no channel = the default
     * one), newest first; at most `limit` of them (EXPORTS_MAX_LIMIT at most), the relay's
     * default number when none is given.
     */
    async listExports(
      connectionId: string,
      limit?: number,
      channel?: string,
    ): Promise<ExportItem[]> {
      const asked = Math.trunc(limit ?? 0);
      const bounded = asked > 0 ? Math.min(asked, EXPORTS_MAX_LIMIT) : EXPORTS_DEFAULT_LIMIT;
      const query = new URLSearchParams({ limit: String(bounded) });
      if (channel !== undefined) query.set('channel', channel);
      const path = `/v1/connections/${encodeURIComponent(connectionId)}/exports?${query}`;
      return (await send(z, credentials, 'GET', path, exportsResponse)).data!.exports;
    },
  };
}

export type RelayClient = ReturnType<typeof relayClient>;

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
