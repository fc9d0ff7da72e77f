/**
 * Errors that leave an operation exactly as it wrote them.
 *
 * zapier-platform-core appends "What happened: Executing … with bundle" and the bundle as
 * JSON (minus authData and platformData) to the message of every error that lacks
 * `doNotContextify`, and in production also the step's console lines; Zapier shows that
 * message in the task history. For a hook that bundle holds `subscribeData.secret`, the
 * signature header and the candidate's raw export, and core serialises it before the
 * operation runs, so the app cannot take them out of what core prints. The only way to
 * keep them out is to mark every error `doNotContextify`, which is what this does (AppError,
 * ThrottledError and ResponseError already are; HaltedError, ExpiredAuthError and
 * unexpected errors are not). The app's own messages say what to fix; the bundle dump adds
 * nothing a user can act on. Secrets that an error's own text might carry (a relay or
 * library message echoing one) are replaced as well.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';

import { scrubSecrets } from './scrub-secrets';
import { RELAY_ACCESS_TOKEN_ENV } from './relay-client';
import { headerReader, JAZZHR_HEADER } from './webhook';

type Operation<T> = (z: ZObject, bundle: Bundle) => Promise<T>;

/** Every value in a bundle (or the app's environment) that grants access to something. */
export function secretsOf(bundle: Bundle | undefined): string[] {
  const subscribeData = (bundle?.subscribeData ?? {}) as Record<string, unknown>;
  const inputData = (bundle?.inputData ?? {}) as Record<string, unknown>;
  const candidates = [
    bundle?.authData?.api_key,
    subscribeData.secret,
    subscribeData.previous_secret,
    headerReader(bundle?.rawRequest?.headers)(JAZZHR_HEADER.signature),
    process.env[RELAY_ACCESS_TOKEN_ENV],
    // A résumé link's own token is the access to the file (the hydrator's and Create Applicant's).
    inputData.url,
    inputData.resume,
  ];
  return candidates.filter((value): value is string => typeof value === 'string' && value !== '');
}

/** The error as the operation should hand it to core: not contextified, secrets replaced. */
export function privateError(error: unknown, secrets: readonly string[]): Error {
  const safe = error instanceof Error ? error : new Error(String(error));
  safe.message = scrubSecrets(safe.message, secrets);
  if (safe.stack) safe.stack = scrubSecrets(safe.stack, secrets);
  (safe as Error & { doNotContextify?: boolean }).doNotContextify = true;
  return safe;
}

/** Wraps an operation (perform, subscribe, hydrator…) so none of its errors carries the bundle. */
export function withPrivateErrors<T>(operation: Operation<T>): Operation<T> {
  return async (z, bundle) => {
    try {
      return await operation(z, bundle);
    } catch (error) {
      throw privateError(error, secretsOf(bundle));
    }
  };
}
