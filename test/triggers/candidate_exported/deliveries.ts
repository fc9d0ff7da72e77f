/** Signed Candidate Export deliveries as Zapier hands them to the hook's perform. */
import exportBody from '../../../src/samples/candidate-export.body.json';
import { signBody } from '../../../src/webhook';
import { API_KEY } from '../../support/jazzhr';

export const SUBSCRIPTION = {
  id: 'sub_Zt4Yq8Wn2Kp6Vr1Lm3Xc',
  connection_id: 'con_8fK2mQ9xV4sT7wB1nZ6c',
  secret: 'delivery-secret-4f1c9a0b7e2d5c8a1f3b6e9d',
};
export const PREVIOUS_SECRET = 'delivery-secret-previous-77aa02c4e1b9';

/** The real capture as JazzHR might lay it out: indented, so not re-serialised JSON. */
export const REAL_BODY = JSON.stringify(exportBody, null, 2);
export const EXPORT_UUID = '0b8d6c1e-5f3a-4d2b-9e7c-1a2b3c4d5e6f';

/** The person-identifying values of the real capture, which must never reach a log line. */
export const CANDIDATE_PII = [
  'Kenny',
  'kenny.jazzhr@jazzhr.com',
  '888-353-0887',
  '685 West 82st St',
];

export interface DeliveryOptions {
  event?: string | null;
  uuid?: string | null;
  signature?: string | null;
  secret?: string;
  exportContext?: string;
  link?: string;
  /** Zapier's own spelling (`Http-X-Jazzhr-…`) unless told otherwise. */
  spelling?: 'zapier' | 'plain';
}

export function deliveryHeaders(body: string | Buffer, options: DeliveryOptions = {}) {
  const name = (plain: string) =>
    options.spelling === 'plain'
      ? plain
      : `Http-${plain
          .split('-')
          .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
          .join('-')}`;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'JazzHR',
  };
  const event = options.event === undefined ? 'CANDIDATE-EXPORT' : options.event;
  const uuid = options.uuid === undefined ? EXPORT_UUID : options.uuid;
  const signature =
    options.signature === undefined
      ? signBody(body, options.secret ?? SUBSCRIPTION.secret)
      : options.signature;
  if (event !== null) headers[name('X-JazzHR-Event')] = event;
  if (uuid !== null) headers[name('X-JazzHR-UUID')] = uuid;
  if (signature !== null) headers[name('X-JazzHR-Signature')] = signature;
  if (options.exportContext !== undefined)
    headers[name('X-JazzHR-Export-Context')] = options.exportContext;
  if (options.link !== undefined) headers[name('Link')] = options.link;
  return headers;
}

/** The bundle of one delivery: raw body, Zapier-style headers, and the subscription's data. */
export function deliveryBundle(
  body: string,
  options: DeliveryOptions = {},
  subscribeData: { id: string; secret?: string; previous_secret?: string } = SUBSCRIPTION,
) {
  return {
    authData: { api_key: API_KEY },
    subscribeData,
    rawRequest: {
      method: 'POST' as const,
      querystring: '',
      headers: deliveryHeaders(body, options),
      content: body,
    },
    cleanedRequest: safeParse(body),
  };
}

function safeParse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return {};
  }
}
