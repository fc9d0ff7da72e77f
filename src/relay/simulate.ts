/**
 * `npm run simulate -- <ingest_url> --secret <secret> [--file payload.json] [--event VERIFY]`
 * Sends what JazzHR would: a correctly signed Candidate Export (or VERIFY) to the relay.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import sampleExport from '../samples/candidate-export.body.json';
import { isHttpUrl } from '../web-link';
import { JAZZHR_EVENT, JAZZHR_HEADER, signBody } from '../webhook';

const VERIFY_BODY = '{"data": "JazzHR Verify Event"}';

/** The command's options, driving both parseArgs and the usage text. */
const OPTIONS = {
  secret: {
    type: 'string',
    value: '<secret>',
    meaning: 'the Secret Key pasted into JazzHR (secret from POST /v1/connections); required',
  },
  file: {
    type: 'string',
    value: '<payload.json>',
    meaning: 'a JSON body to send (default: the built-in sample candidate)',
  },
  event: {
    type: 'string',
    value: '<event>',
    default: JAZZHR_EVENT.candidateExport,
    meaning: `${JAZZHR_EVENT.candidateExport} or ${JAZZHR_EVENT.verify} (default: ${JAZZHR_EVENT.candidateExport})`,
  },
  help: { type: 'boolean', short: 'h', value: '', meaning: 'print this help and exit' },
} as const;

const USAGE = [
  'Usage: npm run simulate -- <ingest_url> --secret <secret> [--file payload.json] [--event VERIFY]',
  '',
  'Sends what JazzHR would: a correctly signed Candidate Export (or VERIFY) to the relay.',
  `  ${'<ingest_url>'.padEnd(24)}the relay's ingest URL (ingest_url from POST /v1/connections)`,
  ...Object.entries(OPTIONS).map(([name, option]) => {
    const flag = `${'short' in option ? `-${option.short}, ` : ''}--${name} ${option.value}`;
    return `  ${flag.trimEnd().padEnd(24)}${option.meaning}`;
  }),
].join('\n');

export interface SimulateIo {
  fetch: typeof fetch;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs the command; resolves with the process exit code. */
export async function simulate(argv: string[], io: SimulateIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: OPTIONS,
    });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const problem = checkArguments(positionals, values.secret, values.event);
  if (problem) {
    io.err(`${problem}\n\n${USAGE}`);
    return 2;
  }
  const url = positionals[0]!;
  const event = values.event.toUpperCase();

  let body: Buffer;
  try {
    body = values.file
      ? readFileSync(values.file)
      : Buffer.from(
          event === JAZZHR_EVENT.verify ? VERIFY_BODY : JSON.stringify(sampleExport, null, 2),
        );
  } catch (error) {
    io.err(
      `Cannot read --file ${values.file}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }

  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'JazzHR',
    [JAZZHR_HEADER.event]: event,
    [JAZZHR_HEADER.signature]: signBody(body, values.secret!),
  };
  if (event === JAZZHR_EVENT.candidateExport) {
    const uuid = randomUUID();
    headers[JAZZHR_HEADER.uuid] = uuid;
    io.out(`Sending ${event} ${uuid} (${body.length} bytes) to ${url}`);
  } else {
    io.out(`Sending ${event} (${body.length} bytes) to ${url}`);
  }

  let response: Response;
  try {
    response = await io.fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    io.err(
      `Could not reach ${url}: ${error instanceof Error ? error.message : String(error)}${cause}`,
    );
    return 1;
  }
  const text = await response.text();
  io.out(`HTTP ${response.status} ${response.statusText}`);
  if (text) io.out(text);
  return response.ok ? 0 : 1;
}

function checkArguments(
  positionals: string[],
  secret: string | undefined,
  event: string,
): string | undefined {
  if (positionals.length !== 1) return 'Give exactly one ingest URL.';
  if (!isHttpUrl(positionals[0]!)) return 'The ingest URL must be an http:// or https:// URL.';
  if (!secret) return '--secret is required: the Secret Key the relay gave for this connection.';
  const known: string[] = [JAZZHR_EVENT.candidateExport, JAZZHR_EVENT.verify];
  if (!known.includes(event.toUpperCase())) return `--event must be ${known.join(' or ')}.`;
  return undefined;
}

if (require.main === module) {
  void simulate(process.argv.slice(2), {
    fetch,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }).then((code) => {
    process.exitCode = code;
  });
}
