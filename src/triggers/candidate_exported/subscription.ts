/**
 * The trigger's side of the relay: subscribing a Zap, listing stored exports for the
 * editor, and the setup instructions that show the user where JazzHR should post.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';

import {
  channelIngestUrl,
  EXPORTS_DEFAULT_LIMIT,
  EXPORTS_MAX_LIMIT,
  type ExportItem,
} from '../../relay/protocol';
import { relayClient } from '../../relay-client';
import { zapierErrorMessage } from '../../zapier-errors';
import {
  CandidateExportParseError,
  envelopeFromHeaders,
  isEmptyFilter,
  JAZZHR_EVENT,
  type ReceivedExport,
} from '../../webhook';
import { CANDIDATE_EXPORTED_SAMPLE } from './output';
import { describeFilter, exportRouting, integrationChannel } from './routing';
import { toTriggerItem, type CandidateExportedItem, type SubscribeData } from './steps';

export async function subscribeToExports(z: ZObject, bundle: Bundle): Promise<SubscribeData> {
  const targetUrl = bundle.targetUrl;
  if (!targetUrl) {
    throw new z.errors.Error(
      'Zapier did not provide a URL to deliver candidate exports to. Turn the Zap off and on again.',
      'missing_target_url',
      400,
    );
  }
  const { channel } = exportRouting(z, bundle);
  const relay = relayClient(z, bundle);
  const connection = await relay.ensureConnection();
  const subscription = await relay.subscribe(connection.id, targetUrl, channel);
  return {
    id: subscription.id,
    connection_id: subscription.connection_id,
    secret: subscription.secret,
  };
}

export async function unsubscribeFromExports(
  z: ZObject,
  bundle: Bundle,
): Promise<{ id: string | null; deleted: boolean }> {
  const subscriptionId = (bundle.subscribeData as Partial<SubscribeData> | undefined)?.id;
  // Nothing was subscribed (or subscribing failed half-way): there is nothing to remove.
  if (!subscriptionId) return { id: null, deleted: false };
  const deleted = await relayClient(z, bundle).unsubscribe(subscriptionId);
  return { id: subscriptionId, deleted };
}

/**
 * Recent exports the relay stored, through the same parse and normalise as live
 * deliveries. Their signatures are not checked again: the relay verified them on
 * arrival and this call is authenticated with the API key.
 */
export async function listRecentExports(
  z: ZObject,
  bundle: Bundle,
): Promise<CandidateExportedItem[]> {
  const { channel, filter } = exportRouting(z, bundle);
  const relay = relayClient(z, bundle);
  const connection = await relay.ensureConnection();
  const limit =
    bundle.meta?.limit && bundle.meta.limit > 0 ? bundle.meta.limit : EXPORTS_DEFAULT_LIMIT;
  // Filters may skip most exports: look through as many as the relay lists to find `limit`.
  const fetchLimit = isEmptyFilter(filter) ? limit : EXPORTS_MAX_LIMIT;
  const stored = await relay.listExports(connection.id, fetchLimit, channel);

  const items: CandidateExportedItem[] = [];
  let unwanted = 0;
  for (const record of stored) {
    if (items.length >= limit) break;
    const received = receivedFromRelay(record);
    if (received.event?.toUpperCase() !== JAZZHR_EVENT.candidateExport) continue;
    try {
      const result = toTriggerItem(z, received, filter);
      if ('unwanted' in result) unwanted += 1;
      else items.push(result);
    } catch (error) {
      if (!(error instanceof CandidateExportParseError)) throw error;
      z.console.log(`Candidate Exported: skipped stored export ${record.uuid}: ${error.message}`);
    }
  }
  if (unwanted > 0) {
    z.console.log(
      `Candidate Exported: skipped ${unwanted} stored export(s) in which none of the candidate's jobs matches ${describeFilter(filter)}.`,
    );
  }
  return items.length > 0 ? items : [CANDIDATE_EXPORTED_SAMPLE];
}

/**
 * A stored export as a live delivery of it reads: the same envelope, received when the relay
 * received it, so both date its attachment links alike.
 */
function receivedFromRelay(record: ExportItem): ReceivedExport {
  return {
    event: record.event,
    uuid: record.uuid || undefined,
    ...envelopeFromHeaders(record.headers),
    receivedAt: record.received_at,
    rawBody: record.body,
  };
}

/** The dynamic `copy` field: where to paste what in JazzHR. */
export async function setupInstructionsField(z: ZObject, bundle: Bundle) {
  let helpText: string;
  try {
    const { integrationName, channel } = integrationChannel(z, bundle);
    const connection = await relayClient(z, bundle).ensureConnection();
    helpText =
      integrationName === undefined || channel === undefined
        ? setupInstructions(connection.ingest_url, connection.secret)
        : namedIntegrationInstructions(
            integrationName,
            channelIngestUrl(connection.ingest_url, channel),
            connection.secret,
          );
  } catch (error) {
    helpText = `**JazzHR cannot be connected to this Zap yet.** ${error instanceof Error ? zapierErrorMessage(error) : 'The relay could not be reached.'}`;
  }
  return [{ key: 'jazzhr_setup', label: 'Connect JazzHR', type: 'copy' as const, helpText }];
}

export function setupInstructions(ingestUrl: string, secret: string): string {
  return [
    '**Let JazzHR send candidate exports to this Zap.** Do this once per JazzHR account: every Zap with this trigger shares it.',
    '',
    '1. In JazzHR, open **Settings → Integrations → Candidate Export Integrations** and click **Add Integration**.',
    '2. Give it a name you will recognise, for example **Zapier**.',
    `3. Paste this as the webhook URL: \`${ingestUrl}\``,
    `4. Paste this as the **Secret Key**: \`${secret}\``,
    '5. Save. JazzHR sends a VERIFY event to the URL and keeps the integration once it is answered.',
    '6. Export a candidate (on the candidate’s profile, **Export** → choose this integration), or add a **Workflow Helper** to a workflow step so candidates are exported automatically when they reach it.',
    '7. Come back here and test the trigger: the export appears within a few seconds.',
    '',
    'To start this Zap only for some candidates (a workflow step’s, or those a recruiter sends to it), fill in **JazzHR Integration Name** above: this box then shows that integration’s own URL.',
  ].join('\n');
}

/** For a Zap that takes only the candidates sent to one named JazzHR integration. */
export function namedIntegrationInstructions(
  integrationName: string,
  ingestUrl: string,
  secret: string,
): string {
  const name = markdownText(integrationName);
  return [
    `**In JazzHR, add a Candidate Export Integration named “${name}” with this URL and this Secret Key.** Only candidates sent to that integration start this Zap.`,
    '',
    `- URL: \`${ingestUrl}\``,
    `- Secret Key: \`${secret}\``,
    '',
    '1. In JazzHR, open **Settings → Integrations → Candidate Export Integrations** and click **Add Integration**.',
    `2. Name it **${name}**, paste the URL and the Secret Key above, and save. JazzHR sends a VERIFY event to the URL and keeps the integration once it is answered.`,
    `3. To send candidates automatically, add a **Workflow Helper** to a workflow step: **Send to ${name}**. To send one by hand, on the candidate’s profile choose **Export** → **${name}**.`,
    '4. Come back here and test the trigger: the export appears within a few seconds.',
    '',
    'Every named integration of this JazzHR account uses the same Secret Key; each has its own URL.',
  ].join('\n');
}

/** The name as the user typed it, without characters that Markdown would read as formatting. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (character) => `\\${character}`);
}
