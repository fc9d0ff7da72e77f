/**
 * Checks a JazzHR API key with one cheap request, outside Zapier (the relay uses it).
 * Never throws, and no message it returns contains the key.
 */
import { scrubSecrets } from '../scrub-secrets';
import { apiBaseUrl, interpretAnswer, networkFailure, resourcePath } from './answers';

export type KeyCheckResult =
  { ok: true } | { ok: false; reason: 'rejected' | 'unavailable'; message: string };

const DEFAULT_TIMEOUT_MS = 10_000;

export async function checkApiKey(
  apiKey: string,
  options: { baseUrl?: string; fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<KeyCheckResult> {
  const key = typeof apiKey === 'string' ? apiKey.trim() : '';
  if (key === '') {
    return {
      ok: false,
      reason: 'rejected',
      message:
        'No JazzHR API key was given. Copy it from JazzHR Settings → Integrations (only JazzHR admins can see it).',
    };
  }
  const secrets = [key];
  const base = (options.baseUrl ?? apiBaseUrl()).trim().replace(/\/+$/, '');
  // Users are the smallest list JazzHR has; one record is enough to prove the key.
  const path = resourcePath('users', { page: 1 });
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(`${base}${path}?apikey=${encodeURIComponent(key)}`, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    const body = await response.text();
    const outcome = interpretAnswer(
      { status: response.status, body, retryAfter: response.headers.get('retry-after') },
      { method: 'GET', resource: 'users', shape: 'list' },
      { secrets },
    );
    if (outcome.ok) return { ok: true };
    return {
      ok: false,
      reason: outcome.failure.kind === 'rejected' ? 'rejected' : 'unavailable',
      message: outcome.failure.message,
    };
  } catch (error) {
    const failure = networkFailure(error, `GET ${path}`, secrets);
    return { ok: false, reason: 'unavailable', message: scrubSecrets(failure.message, secrets) };
  }
}
