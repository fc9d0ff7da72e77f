/**
 * The Candidate Exported hook as a pipeline of small steps: read the headers, let only
 * candidate exports through, check the relay's signature, claim the export's UUID once,
 * then parse and normalise it into one item.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { z as zod } from 'zod';

import {
  candidateExportItemSchema,
  envelopeFromHeaders,
  exportMatchesFilter,
  JAZZHR_EVENT,
  normaliseExport,
  parseCandidateExport,
  verifySignature,
  CandidateExportParseError,
  type PositionFilter,
  type ReceivedExport,
} from '../../webhook';
import { candidateExportApplicantId, candidateExportResumeFile } from './hydrators';
import { describeFilter, positionFilterOf, statusCategoriesOf } from './routing';

export const candidateExportedItemSchema = candidateExportItemSchema.extend({
  /** The REST applicant id (`prospect_…`): a pointer Zapier resolves when a later step uses it. */
  applicant_id: zod.string().nullable(),
  /** The résumé as a file: a pointer Zapier resolves when a later step uses it. */
  resume_file: zod.string().nullable(),
});
export type CandidateExportedItem = zod.infer<typeof candidateExportedItemSchema>;

/** What performSubscribe returns; Zapier hands it back as bundle.subscribeData. */
export const subscribeDataSchema = zod.object({
  id: zod.string(),
  connection_id: zod.string(),
  secret: zod.string(),
  previous_secret: zod.string().nullish(),
});
export type SubscribeData = zod.infer<typeof subscribeDataSchema>;

export type Verdict = { pass: true } | { pass: false; reason: string };
const PASS: Verdict = { pass: true };

/** Long enough to cover JazzHR's documented retries (3 h) and the relay's. */
export const DEDUPE_TTL_SECONDS = 48 * 60 * 60;

/**
 * Step 1: Zapier hands headers over as `Http-X-Jazzhr-…`; envelopeFromHeaders reads every
 * spelling, and the relay's X-Relay-Received-At with them.
 */
export function readReceivedExport(bundle: Pick<Bundle, 'rawRequest'>): ReceivedExport {
  const content = bundle.rawRequest?.content;
  return {
    ...envelopeFromHeaders(bundle.rawRequest?.headers),
    rawBody: typeof content === 'string' ? content : '',
  };
}

/** Step 2: JazzHR's VERIFY event only checks the URL; it is answered, not run. */
export function skipVerifyEvent(received: ReceivedExport): Verdict {
  return received.event?.toUpperCase() === JAZZHR_EVENT.verify
    ? { pass: false, reason: 'it is JazzHR’s VERIFY event' }
    : PASS;
}

/** Step 3: anything but a candidate export (including no event header) is ignored. */
export function skipUnknownEvent(received: ReceivedExport): Verdict {
  if (received.event?.toUpperCase() === JAZZHR_EVENT.candidateExport) return PASS;
  if (received.event === undefined)
    return { pass: false, reason: 'it has no X-JazzHR-Event header' };
  // The header is the sender's text: only a plain event name is repeated in the log.
  const name = /^[A-Za-z-]{1,40}$/.test(received.event) ? received.event : 'an unrecognised value';
  return { pass: false, reason: `its event is ${name}, not ${JAZZHR_EVENT.candidateExport}` };
}

/**
 * Step 4: the relay signs each delivery with this subscription's secret. A failure is
 * dropped (returns []) rather than halted: only a forged or misrouted request can fail
 * here, and it should leave no trace in the user's Zap history nor count as an error.
 */
export function checkSignature(
  received: ReceivedExport,
  subscribeData: Partial<SubscribeData> | undefined,
): Verdict {
  const result = verifySignature(received.rawBody, received.signature, [
    subscribeData?.secret,
    subscribeData?.previous_secret,
  ]);
  return result.ok ? PASS : { pass: false, reason: `signature check failed (${result.reason})` };
}

type CacheSetter = Pick<ZObject['cache'], 'set'>;

/**
 * Step 5: JazzHR and the relay may both send an export more than once; Zapier does not
 * dedupe hooks. The key includes the subscription, so two Zaps fed by the same export
 * each get it once. A cache failure lets the export through: a rare duplicate beats a
 * lost candidate.
 */
export async function claimExportOnce(
  cache: CacheSetter,
  subscriptionId: string | undefined,
  received: ReceivedExport,
  log: (message: string) => void = () => undefined,
): Promise<Verdict> {
  if (received.uuid === undefined) return PASS;
  const key = `candidate-export:${subscriptionId ?? 'unsubscribed'}:${received.uuid}`;
  try {
    const claimed = await cache.set(key, 1, DEDUPE_TTL_SECONDS, undefined, true);
    return claimed
      ? PASS
      : { pass: false, reason: `export ${received.uuid} was already delivered` };
  } catch {
    log(
      `Candidate Exported: the duplicate check was unavailable for export ${received.uuid}; processing it anyway.`,
    );
    return PASS;
  }
}

/** An export whose candidate has no job the Zap's filters want. */
export interface UnwantedExport {
  unwanted: string;
}

/**
 * Step 6 (shared with performList): parse, apply the Zap's status and job filters, normalise,
 * and attach the lazy fields. Throws CandidateExportParseError.
 */
export function toTriggerItem(
  z: ZObject,
  received: ReceivedExport,
  filter: PositionFilter = {},
): CandidateExportedItem | UnwantedExport {
  const payload = parseCandidateExport(received.rawBody);
  if (!exportMatchesFilter(payload, filter)) {
    return {
      unwanted: `none of the candidate's jobs matches ${describeFilter(filter)} (their status categories: ${statusCategoriesOf(payload)})`,
    };
  }
  const item = normaliseExport(payload, { ...received, filter });
  return {
    ...item,
    applicant_id: item.email
      ? z.dehydrate(candidateExportApplicantId, {
          email: item.email,
          ...(item.first_name ? { first_name: item.first_name } : {}),
          ...(item.last_name ? { last_name: item.last_name } : {}),
        })
      : null,
    resume_file: item.resume_url
      ? z.dehydrateFile(candidateExportResumeFile, {
          url: item.resume_url,
          ...(item.resume_file_name ? { file_name: item.resume_file_name } : {}),
        })
      : null,
  };
}

/** The hook's perform: the steps in order; the first that says no ends the run with []. */
export async function processCandidateExportHook(
  z: ZObject,
  bundle: Bundle,
): Promise<CandidateExportedItem[]> {
  const received = readReceivedExport(bundle);
  const subscribeData = (bundle.subscribeData ?? undefined) as Partial<SubscribeData> | undefined;
  const log = (message: string) => z.console.log(message);
  const steps: Array<() => Verdict | Promise<Verdict>> = [
    () => skipVerifyEvent(received),
    () => skipUnknownEvent(received),
    () => checkSignature(received, subscribeData),
    () => claimExportOnce(z.cache, subscribeData?.id, received, log),
  ];
  for (const step of steps) {
    const verdict = await step();
    if (!verdict.pass) {
      log(`Candidate Exported: ignored a webhook because ${verdict.reason}.`);
      return [];
    }
  }
  try {
    const result = toTriggerItem(z, received, positionFilterOf(bundle.inputData));
    if ('unwanted' in result) {
      log(
        `Candidate Exported: ignored export ${received.uuid ?? '(no UUID)'} because ${result.unwanted}.`,
      );
      return [];
    }
    return [result];
  } catch (error) {
    if (!(error instanceof CandidateExportParseError)) throw error;
    // Signed by the relay, so genuinely from JazzHR: halting shows the user why this export did not run.
    throw new z.errors.HaltedError(
      `JazzHR sent a candidate export this integration cannot read: ${error.message}`,
    );
  }
}
