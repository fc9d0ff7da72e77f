import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureFailureReason =
  'missing_signature' | 'malformed_signature' | 'no_secret' | 'mismatch';

export type SignatureCheck =
  | { ok: true; secretIndex: number }
  | { ok: false; reason: SignatureFailureReason; message: string };

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const DIGEST_BYTES = 32;

/** Lower-case hex HMAC-SHA256 of the exact body bytes: what JazzHR sends as X-JazzHR-Signature. */
export function signBody(body: string | Uint8Array, secret: string): string {
  return hmac(secret, body).digest('hex');
}

/**
 * Checks an X-JazzHR-Signature against the raw body under each accepted secret
 * (current first, then previous ones kept for rotation). Never throws, and no
 * failure message carries a secret, the expected digest or the received value.
 */
export function verifySignature(
  body: string | Uint8Array,
  signature: string | null | undefined,
  secrets: ReadonlyArray<string | null | undefined>,
): SignatureCheck {
  try {
    return check(body, signature, secrets);
  } catch {
    // Only reachable with inputs that break the declared types (e.g. a body that is neither text nor bytes).
    return failure(
      'mismatch',
      'The request body could not be read, so its signature cannot match.',
    );
  }
}

function check(
  body: string | Uint8Array,
  signature: string | null | undefined,
  secrets: ReadonlyArray<string | null | undefined>,
): SignatureCheck {
  const candidates = Array.isArray(secrets) ? secrets : [];
  if (!candidates.some(isUsableSecret)) {
    return failure(
      'no_secret',
      'No Secret Key is configured for this webhook, so its signature cannot be checked. Set a Secret Key and paste the same value into the JazzHR Candidate Export integration.',
    );
  }
  if (typeof signature !== 'string' || signature.length === 0) {
    return failure(
      'missing_signature',
      'The request has no X-JazzHR-Signature header. Make sure the JazzHR Candidate Export integration has the Secret Key filled in.',
    );
  }
  if (signature.length !== 64 || !HEX_SHA256.test(signature)) {
    return failure(
      'malformed_signature',
      `The X-JazzHR-Signature header must be exactly 64 hexadecimal characters (an HMAC-SHA256 digest); it has ${signature.length} characters${signature.length === 64 ? ' including non-hexadecimal ones' : ''}.`,
    );
  }
  const received = Buffer.from(signature, 'hex');
  let matchedIndex = -1;
  // Every secret is tried, so timing does not reveal which one matched.
  for (let index = 0; index < candidates.length; index++) {
    const secret = candidates[index];
    if (!isUsableSecret(secret)) continue;
    const expected = hmac(secret, body).digest();
    if (
      expected.length === DIGEST_BYTES &&
      received.length === DIGEST_BYTES &&
      timingSafeEqual(expected, received) &&
      matchedIndex === -1
    ) {
      matchedIndex = index;
    }
  }
  if (matchedIndex === -1) {
    return failure(
      'mismatch',
      'The X-JazzHR-Signature does not match the body under the configured Secret Key. Check that the Secret Key in JazzHR is exactly the one shown in Zapier, and that nothing between JazzHR and here changed the body.',
    );
  }
  return { ok: true, secretIndex: matchedIndex };
}

function isUsableSecret(secret: unknown): secret is string {
  return typeof secret === 'string' && secret.length > 0;
}

function failure(reason: SignatureFailureReason, message: string): SignatureCheck {
  return { ok: false, reason, message };
}

/**
 * An HMAC over the body's bytes. A string is hashed as UTF-8 in place: the same bytes as
 * Buffer.from(body, 'utf8'), without copying a large body first.
 */
function hmac(secret: string, body: string | Uint8Array) {
  const mac = createHmac('sha256', secret);
  if (typeof body === 'string') return mac.update(body, 'utf8');
  if (body instanceof Uint8Array) return mac.update(body);
  throw new TypeError('body must be a string or bytes');
}
