/**
 * `npm run try`: a guided local trial of the relay, with nothing outside this machine. A JazzHR
 * stand-in checks the API key, a local hook target stands in for the Zap's Zapier URL, and the
 * real relay runs as a child process on a temporary SQLite file. Everything it starts, it stops.
 */
import './node-version';

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { JAZZHR_HEADER, verifySignature } from '../webhook';
import { connectionResponse, subscriptionResponse } from './protocol';
import { simulate } from './simulate';

/** Stands for the recruiter's JazzHR API key; only the stand-in knows it. */
const TRIAL_API_KEY = 'trial-jazzhr-api-key-0123456789';
const HOOK_PATH = '/hooks/standard/1/trial/';
const WAIT_MS = 20_000;
const NEXT_STEPS = `That is the whole path of a Candidate Export. To run the relay for real, see "Deploying the
relay" in the README; \`npm run relay -- --help\` lists its settings.`;

interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface RelayChild {
  child: ChildProcess;
  url: string;
  output: () => string;
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const indent = (text: string) => text.replace(/^/gm, '     ');

/** What the trial started, so that any ending (success, failure, Ctrl-C) stops all of it. */
class Started {
  private servers: Server[] = [];
  relay: RelayChild | undefined;
  dir: string | undefined;

  async listen(server: Server): Promise<string> {
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private stopping: Promise<void> | undefined;
  /** Set once stopping began: what fails after that is the stop's doing, not the trial's. */
  get interrupted(): boolean {
    return this.stopping !== undefined;
  }

  stopAll(): Promise<void> {
    this.stopping ??= this.stopEach();
    return this.stopping;
  }

  private async stopEach(): Promise<void> {
    const child = this.relay?.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    for (const server of this.servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Answers the relay's key check (GET /users/page/1) the way JazzHR does, for the trial key only. */
function jazzhrStandIn(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const known = url.searchParams.get('apikey') === TRIAL_API_KEY;
    res.writeHead(known ? 200 : 401, { 'content-type': 'application/json' });
    res.end(
      known
        ? JSON.stringify([{ id: 'usr_trial', first_name: 'Pat', last_name: 'Recruiter' }])
        : '{"error":"Invalid API key"}',
    );
  });
}

/** Takes deliveries as Zapier's Catch Hook would, and hands over the first one. */
function hookTarget(): { server: Server; firstDelivery: Promise<Delivery> } {
  let deliver: (delivery: Delivery) => void = () => {};
  const firstDelivery = new Promise<Delivery>((resolve) => (deliver = resolve));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"success"}');
      deliver({ headers: req.headers, body: Buffer.concat(chunks) });
    });
  });
  return { server, firstDelivery };
}

/** Starts `node main.js` beside this file, with only the settings the trial needs. */
async function startRelayChild(env: Record<string, string>): Promise<RelayChild> {
  const child = spawn(process.execPath, [join(__dirname, 'main.js')], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', RELAY_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /\{[^\n]*"msg":"relay listening"[^\n]*\}/.exec(output);
      if (listening) resolve((JSON.parse(listening[0]) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`the relay exited (code ${code})`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

async function postJson(url: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`POST ${new URL(url).pathname} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

async function startEverything(started: Started) {
  const jazzhrUrl = await started.listen(jazzhrStandIn());
  say(`1. Started a JazzHR stand-in at ${jazzhrUrl}; it accepts one API key, ${TRIAL_API_KEY}.`);
  const target = hookTarget();
  const targetUrl = `${await started.listen(target.server)}${HOOK_PATH}`;
  say(`2. Started a hook target at ${targetUrl}, standing in for the Zap's Zapier URL.`);
  started.dir = mkdtempSync(join(tmpdir(), 'relay-try-'));
  const database = join(started.dir, 'relay.sqlite');
  started.relay = await startRelayChild({
    DATABASE_URL: `sqlite:${database}`,
    JAZZHR_API_URL: jazzhrUrl,
    RELAY_ALLOWED_TARGET_HOSTS: '127.0.0.1',
    RELAY_POLL_INTERVAL_MS: '100',
  });
  say(
    `3. Started the relay (pid ${started.relay.child.pid}) at ${started.relay.url}, on a new SQLite file ${database}.`,
  );
  return { relayUrl: started.relay.url, targetUrl, firstDelivery: target.firstDelivery };
}

async function connectAndSubscribe(relayUrl: string, targetUrl: string) {
  const auth = { authorization: `Bearer ${TRIAL_API_KEY}` };
  const connection = connectionResponse.parse(await postJson(`${relayUrl}/v1/connections`, auth));
  say('4. Created a connection, as the Zapier app does when a recruiter connects JazzHR:');
  say(
    indent(`POST /v1/connections with the API key as a bearer token; the relay checked it with
the stand-in and answered:
  id          ${connection.id}
  ingest_url  ${connection.ingest_url}
  secret      ${connection.secret}
In JazzHR, the ingest URL and the secret go into Settings → Integrations → Webhooks.`),
  );
  const body = { connection_id: connection.id, target_url: targetUrl };
  const subscription = subscriptionResponse.parse(
    await postJson(`${relayUrl}/v1/subscriptions`, auth, body),
  );
  say('5. Subscribed the hook target, as a Zap does when it is turned on:');
  say(
    indent(`POST /v1/subscriptions ${JSON.stringify(body)}
  id          ${subscription.id}
  secret      ${subscription.secret}  (the relay signs each delivery with it)`),
  );
  return { connection, subscription };
}

async function sendExport(ingestUrl: string, secret: string): Promise<void> {
  say('6. Sent a signed Candidate Export to the ingest URL, as JazzHR does (`npm run simulate`):');
  const lines: string[] = [];
  const code = await simulate([ingestUrl, '--secret', secret], {
    fetch,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
  });
  say(indent(lines.join('\n')));
  if (code !== 0) throw new Error('the relay did not accept the export');
}

function showDelivery(delivery: Delivery, secret: string): boolean {
  const header = (name: string) => String(delivery.headers[name.toLowerCase()] ?? '');
  const signature = header(JAZZHR_HEADER.signature);
  const check = verifySignature(delivery.body, signature, [secret]);
  say("7. The hook target received the relay's delivery:");
  say(
    indent(`${JAZZHR_HEADER.event}: ${header(JAZZHR_HEADER.event)}
${JAZZHR_HEADER.uuid}: ${header(JAZZHR_HEADER.uuid)}
${JAZZHR_HEADER.signature}: ${signature}
  ${check.ok ? "verified: the HMAC-SHA256 of the body under the subscription's secret" : `NOT verified: ${check.message}`}
Body:`),
  );
  say(indent(delivery.body.toString()));
  return check.ok;
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} within ${WAIT_MS / 1000} s`)), WAIT_MS).unref(),
    ),
  ]);
}

async function runTrial(started: Started): Promise<boolean> {
  say('Trying the relay on this machine: nothing here talks to JazzHR or Zapier.\n');
  const { relayUrl, targetUrl, firstDelivery } = await startEverything(started);
  const { connection, subscription } = await connectAndSubscribe(relayUrl, targetUrl);
  await sendExport(connection.ingest_url, connection.secret);
  const delivery = await within(firstDelivery, 'no delivery reached the hook target');
  return showDelivery(delivery, subscription.secret);
}

async function main(): Promise<void> {
  const started = new Started();
  const stop = async () => {
    await started.stopAll();
    say(
      `\nStopped the relay, the JazzHR stand-in and the hook target, and removed ${started.dir ?? 'nothing'}.`,
    );
  };
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)
    process.once(signal, () => void stop().then(() => process.exit(code)));
  let verified = false;
  try {
    verified = await runTrial(started);
  } catch (error) {
    if (!started.interrupted) {
      process.stderr.write(
        `\nThe trial failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      if (started.relay) process.stderr.write(`The relay's output:\n${started.relay.output()}\n`);
    }
  }
  // Interrupted: the signal's handler finishes stopping and exits.
  if (started.interrupted) return;
  await stop();
  if (verified) say(NEXT_STEPS);
  process.exit(verified ? 0 : 1);
}

void main();
