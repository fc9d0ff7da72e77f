import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

import { measured, notMeasured, type Row } from '../lib/results';
import { round } from '../lib/stats';
import { compareLoops, type Contender } from '../lib/timing';
import { fromRoot } from '../lib/paths';
import { perform as performDouble } from '../standins/zapier-double';

/**
 * Figure 2: microseconds the Candidate Exported pipeline (verify, dedupe, parse, normalise)
 * spends on one export, next to the floor any implementation pays: HMAC-SHA256 over the body
 * plus JSON.parse of it, timed in the same loop. Information, without a goal: inside a Zapier
 * invocation that costs tens of milliseconds, tens of microseconds are not felt. Each call gets a fresh X-JazzHR-UUID so the
 * dedupe step lets it through and the full pipeline runs.
 */

const FIGURE = 'Webhook overhead';
const SECRET = 'bench-webhook-secret-0123456789abcdef';
const ONE_MIB = 1024 * 1024;
const SAMPLE_FILES = [
  'src/samples/candidate-export.body.json',
  'src/samples/candidate-export.json',
];

export interface WebhookOptions {
  quick: boolean;
}

type WebhookModule = typeof import('../../src/webhook');

/**
 * The realistic export grown to about 1 MiB the way a real one grows: many attachments, each
 * with its own id, file name and signed document URL. Still a valid Candidate Export.
 */
export function growExport(sampleText: string, minBytes: number): string {
  const sample = JSON.parse(sampleText) as {
    candidate: { profiles: { attachments?: Record<string, unknown>[] }[] };
  };
  const profile = sample.candidate.profiles[0];
  const template = profile?.attachments?.[0];
  if (!profile || !template) throw new Error('the sample export has no attachment to repeat');
  const attachments: Record<string, unknown>[] = [];
  let size = sampleText.length;
  for (let n = 0; size < minBytes; n++) {
    const token = createHmac('sha256', 'grow').update(String(n)).digest('base64url').repeat(8);
    const attachment = {
      ...template,
      id: {
        value: String(60_000_000 + n),
        schemeId: 'JazzHR Document to Candidate,',
        schemeAgencyId: 'JazzHR',
      },
      descriptions: [`Portfolio piece ${n + 1} – Ünïcödé Résumé.pdf`],
      url: `https://api.jazz.co/public/document/${token}`,
    };
    attachments.push(attachment);
    size += JSON.stringify(attachment, null, 2).length + 2;
  }
  profile.attachments = [...(profile.attachments ?? []), ...attachments];
  return JSON.stringify(sample, null, 2);
}

function floor(body: string): unknown {
  const digest = createHmac('sha256', SECRET).update(body).digest('hex');
  return [digest, JSON.parse(body)];
}

/** The module's steps in the trigger's order, with dedupe as a set-if-absent on a Map. */
function moduleSteps(webhook: WebhookModule, body: string, signature: string) {
  const seen = new Map<string, string>();
  return (i: number) => {
    const headers = {
      'Http-X-Jazzhr-Event': 'CANDIDATE-EXPORT',
      'Http-X-Jazzhr-Signature': signature,
      'Http-X-Jazzhr-Uuid': `bench-steps-${i}`,
    };
    const event = webhook.readHeader(headers, webhook.JAZZHR_HEADER.event);
    if (event !== webhook.JAZZHR_EVENT.candidateExport) throw new Error('wrong event');
    const check = webhook.verifySignature(
      body,
      webhook.readHeader(headers, webhook.JAZZHR_HEADER.signature),
      [SECRET],
    );
    if (!check.ok) throw new Error(`signature check failed: ${check.reason}`);
    const uuid = webhook.readHeader(headers, webhook.JAZZHR_HEADER.uuid)!;
    if (seen.has(uuid)) throw new Error('duplicate');
    seen.set(uuid, '1');
    return webhook.normaliseExport(webhook.parseCandidateExport(body), { uuid, rawBody: body });
  };
}

export async function webhookOverhead(options: WebhookOptions): Promise<Row[]> {
  const sampleFile = SAMPLE_FILES.find((file) => existsSync(fromRoot(file)));
  if (!sampleFile) {
    const reason = 'no realistic export sample in src/samples yet';
    return [
      notMeasured(FIGURE, 'realistic export', reason),
      notMeasured(FIGURE, '1 MB export', reason),
    ];
  }
  let webhook: WebhookModule;
  try {
    webhook = await import('../../src/webhook');
  } catch (error) {
    const reason = `src/webhook failed to load: ${(error as Error).message}`;
    return [
      notMeasured(FIGURE, 'realistic export', reason),
      notMeasured(FIGURE, '1 MB export', reason),
    ];
  }
  const realistic = readFileSync(fromRoot(sampleFile), 'utf8');
  const bodies = [
    { label: 'realistic export', body: realistic },
    { label: '1 MB export', body: growExport(realistic, ONE_MIB) },
  ];
  const trigger = await performDouble.load('candidate_exported');

  const rows: Row[] = [];
  for (const { label, body } of bodies) {
    const signature = webhook.signBody(body, SECRET);
    const bytes = Buffer.byteLength(body);
    const small = bytes < 64 * 1024;
    const loop = options.quick
      ? { warmupMs: small ? 300 : 600, rounds: 5, roundMs: small ? 60 : 150 }
      : { warmupMs: small ? 1500 : 3000, rounds: 15, roundMs: small ? 150 : 400 };
    const contenders: Contender[] = [
      { name: 'floor', run: () => floor(body) },
      { name: 'steps', run: moduleSteps(webhook, body, signature) },
    ];
    if (trigger.ok)
      contenders.push({ name: 'perform', run: trigger.runner(body, signature, SECRET) });
    // A contender that throws would time an error path: run each once before timing.
    for (const contender of contenders) await contender.run(-1);
    const times = await compareLoops(contenders, loop);
    const floorUs = times.get('floor')!;
    const details = { bodyBytes: bytes, sample: sampleFile, ...loop };
    if (trigger.ok) {
      rows.push(
        measured({
          figure: FIGURE,
          metric: `candidate_exported perform, ${label}`,
          unit: 'µs',
          value: times.get('perform')!,
          baseline: floorUs,
          baselineLabel: 'HMAC + JSON.parse',
          details: { ...details, stepsDirectUs: round(times.get('steps')!) },
        }),
      );
    } else {
      rows.push(notMeasured(FIGURE, `candidate_exported perform, ${label}`, trigger.reason));
    }
    rows.push(
      measured({
        figure: FIGURE,
        metric: `src/webhook steps called directly, ${label}`,
        unit: 'µs',
        value: times.get('steps')!,
        baseline: floorUs,
        baselineLabel: 'HMAC + JSON.parse',
        details,
      }),
    );
  }
  return rows;
}
