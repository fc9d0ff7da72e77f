import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';

import autocannon from 'autocannon';

import { startTestCluster, type TestCluster } from '../../test/support/postgres';
import { freePort } from '../../test/support/ports';
import { fromDist, fromRoot } from '../lib/paths';
import { cpuMsOf, startNode, type Child } from '../lib/processes';
import { measured, notMeasured, type Row } from '../lib/results';
import { median, quantile, round } from '../lib/stats';
import { STANDIN_API_KEY, startJazzhrStandin } from '../standins/jazzhr';

const BENCH_ENCRYPTION_KEY = Buffer.alloc(32, 1).toString('base64');
const BENCH_DELIVERIES_PER_SECOND = 1000;

/**
 * Figure 4: the relay's ingest under load on loopback, each server in its own process, with
 * autocannon in this one. Every request is a correctly signed Candidate Export with its own
 * X-JazzHR-UUID. The relay delivers to a target process that stamps each arrival; lag is that
 * stamp minus the moment this process read the relay's 200 for the same UUID (both wall
 * clocks of one machine). Lost = UUIDs the relay acknowledged that never reached the target.
 *
 * The bare server, the floor relay (SQLite only: bench/servers/floor-relay.ts, the least a
 * durable relay does) and the relay are loaded in alternating rounds (bare, floor, drain,
 * relay, drain; again), and each figure is the median over the rounds: on a shared machine
 * the speed of all drifts by a third within a minute, and a baseline taken right beside each
 * relay round follows it.
 */

const FIGURE = 'Relay';

/**
 * The relay entry point to measure. BENCH_RELAY_MAIN points at another build (e.g. a patched
 * copy of dist/ elsewhere) to compare a candidate fix before and after without touching src/.
 */
const relayMain = (): string => process.env.BENCH_RELAY_MAIN || fromDist('src', 'relay', 'main.js');
const CONNECTIONS = 10;
const PACED_RATE = 50;
const ROUNDS = { quick: 1, full: 3 };
const ROUND_SECONDS = { quick: 3, full: 5 };
const SAMPLE_FILES = [
  'src/samples/candidate-export.body.json',
  'src/samples/candidate-export.json',
];

export interface RelayOptions {
  quick: boolean;
}

const wallClockMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LoadRun {
  /** UUID → when its 200 was read here. */
  acknowledged: Map<string, number>;
  perSecond: number;
  /** 2xx latencies in ms, as autocannon measured them (write to full response). */
  latencies: number[];
  statuses: Record<string, number>;
  errors: number;
  durationS: number;
  /** CPU the server process used per 2xx answer during the run, in µs (Linux only). */
  serverCpuUsPer2xx: number | undefined;
}

let uuidCounter = 0;

function load(
  url: string,
  body: string,
  signature: string,
  options: { durationS: number; overallRate?: number; serverPid?: number },
): Promise<LoadRun> {
  const cpuBefore = options.serverPid === undefined ? undefined : cpuMsOf(options.serverPid);
  const acknowledged = new Map<string, number>();
  const latencies: number[] = [];
  const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  const baseHeaders = {
    'content-type': 'application/json',
    'user-agent': 'JazzHR',
    'x-jazzhr-event': 'CANDIDATE-EXPORT',
    'x-jazzhr-signature': signature,
    link: 'https://app.jazz.co/app/v2/candidate/39011522',
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        body,
        connections: CONNECTIONS,
        pipelining: 1,
        duration: options.durationS,
        ...(options.overallRate ? { overallRate: options.overallRate } : {}),
        requests: [
          {
            method: 'POST',
            setupRequest: (request, context) => {
              const uuid = `bench-${runId}-${++uuidCounter}`;
              (context as { uuid?: string }).uuid = uuid;
              return { ...request, headers: { ...baseHeaders, 'x-jazzhr-uuid': uuid } };
            },
            onResponse: (status, _body, context) => {
              const uuid = (context as { uuid?: string }).uuid;
              if (status === 200 && uuid) acknowledged.set(uuid, wallClockMs());
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const statuses = Object.fromEntries(
          Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [
            code,
            stat.count ?? 0,
          ]),
        );
        const cpuAfter = options.serverPid === undefined ? undefined : cpuMsOf(options.serverPid);
        resolve({
          acknowledged,
          serverCpuUsPer2xx:
            cpuBefore === undefined || cpuAfter === undefined || result['2xx'] === 0
              ? undefined
              : ((cpuAfter - cpuBefore) * 1000) / result['2xx'],
          perSecond: result['2xx'] / result.duration,
          latencies,
          statuses,
          errors: result.errors,
          durationS: result.duration,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

interface TargetView {
  received: Record<string, number[]>;
  badSignatures: number;
  missingUuid: number;
}

async function targetView(target: Child): Promise<TargetView> {
  const response = await fetch(`http://127.0.0.1:${target.port}/__bench/received`);
  return (await response.json()) as TargetView;
}

/**
 * Waits until every acknowledged UUID has reached the target, or nothing new has arrived for
 * stallMs (long enough for the relay's first retry). Counting alone would not do: requests
 * still in flight when a load phase ends reach the target without being acknowledged here.
 */
async function drain(
  target: Child,
  acknowledged: Iterable<string>,
  stallMs: number,
): Promise<TargetView> {
  const wanted = [...acknowledged];
  let arrived = -1;
  let lastChange = Date.now();
  for (;;) {
    const view = await targetView(target);
    if (wanted.every((uuid) => view.received[uuid])) return view;
    const count = Object.keys(view.received).length;
    if (count !== arrived) {
      arrived = count;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) return view;
    await sleep(250);
  }
}

function lagsOf(run: LoadRun, view: TargetView): number[] {
  const lags: number[] = [];
  for (const [uuid, ackAt] of run.acknowledged) {
    const arrivals = view.received[uuid];
    if (arrivals?.[0] !== undefined) lags.push(arrivals[0] - ackAt);
  }
  return lags;
}

async function relayJson(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    ...init,
    headers: {
      authorization: `Bearer ${STANDIN_API_KEY}`,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string> | undefined),
    },
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(
      `${init.method ?? 'GET'} ${new URL(url).pathname} → ${response.status} ${text.slice(0, 200)}`,
    );
  return JSON.parse(text) as Record<string, unknown>;
}

interface Round {
  bare: LoadRun;
  /** Only where the floor relay runs (SQLite). */
  floor?: LoadRun;
  relay: LoadRun;
}

interface StoreFigures {
  rounds: Round[];
  paced: LoadRun;
  lagsPaced: number[];
  lagsSaturated: number[];
  accepted: number;
  received: number;
  lost: number;
  duplicates: number;
  badSignatures: number;
}

interface BareServer {
  url: string;
  pid: number;
  body: string;
  signature: string;
}

/** The floor relay and a delivery target of its own, so its deliveries never mix with the relay's. */
async function startFloor(databasePath: string): Promise<{ url: string; children: Child[] }> {
  const target = await startNode(fromDist('bench', 'servers', 'delivery-target.js'), {
    ready: { announce: true },
  });
  try {
    const floor = await startNode(fromDist('bench', 'servers', 'floor-relay.js'), {
      env: {
        DATABASE_PATH: databasePath,
        TARGET_URL: `http://127.0.0.1:${target.port}/hooks/catch/123/abc`,
      },
      ready: { announce: true },
    });
    return {
      url: `http://127.0.0.1:${floor.port}/hooks/jazzhr/con_floor`,
      children: [floor, target],
    };
  } catch (error) {
    await target.stop();
    throw error;
  }
}

async function measureRelay(
  logFile: string,
  databaseUrl: string,
  jazzhrApiUrl: string,
  body: string,
  bare: BareServer,
  options: RelayOptions & { floorDatabasePath?: string },
): Promise<StoreFigures> {
  const target = await startNode(fromDist('bench', 'servers', 'delivery-target.js'), {
    ready: { announce: true },
  });
  let relay: Child | undefined;
  let floor: { url: string; children: Child[] } | undefined;
  try {
    if (options.floorDatabasePath !== undefined)
      floor = await startFloor(options.floorDatabasePath);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    relay = await startNode(relayMain(), {
      env: {
        PORT: String(port),
        RELAY_HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        RELAY_PUBLIC_URL: base,
        JAZZHR_API_URL: jazzhrApiUrl,
        RELAY_ALLOWED_TARGET_HOSTS: '127.0.0.1',
        RELAY_ACCESS_TOKEN: '',
        // Secrets and bodies are encrypted at rest, as in production; PostgreSQL needs the key.
        RELAY_ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
        // One subscription takes every export here. At the default pace (10 a second, for
        // Zapier's throttle) draining a round would take minutes and measure only the pace.
        RELAY_MAX_DELIVERIES_PER_SECOND: String(BENCH_DELIVERIES_PER_SECOND),
      },
      ready: { healthUrl: `${base}/healthz` },
      timeoutMs: 30_000,
      logFile,
    });
    const connection = await relayJson(`${base}/v1/connections`, { method: 'POST' });
    const subscription = await relayJson(`${base}/v1/subscriptions`, {
      method: 'POST',
      body: JSON.stringify({
        connection_id: connection.id,
        target_url: `http://127.0.0.1:${target.port}/hooks/catch/123/abc`,
      }),
    });
    await fetch(`http://127.0.0.1:${target.port}/__bench/secret`, {
      method: 'PUT',
      body: String(subscription.secret),
    });
    const ingestUrl = String(connection.ingest_url);
    const signature = createHmac('sha256', String(connection.secret)).update(body).digest('hex');
    const mode = options.quick ? 'quick' : 'full';
    const seconds = ROUND_SECONDS[mode];
    const stallMs = options.quick ? 15_000 : 30_000;
    const warmupS = options.quick ? 1 : 2;

    const acknowledged = new Set<string>();
    const acknowledge = (run: LoadRun) => {
      for (const uuid of run.acknowledged.keys()) acknowledged.add(uuid);
    };
    const [floorServer, floorTarget] = floor?.children ?? [];
    const loadFloor = async (durationS: number, serverPid?: number) => {
      if (!floor || !floorTarget) return undefined;
      const run = await load(floor.url, body, signature, { durationS, serverPid });
      await drain(floorTarget, run.acknowledged.keys(), stallMs);
      return run;
    };
    await load(bare.url, bare.body, bare.signature, { durationS: warmupS });
    await loadFloor(warmupS);
    acknowledge(await load(ingestUrl, body, signature, { durationS: warmupS }));
    await drain(target, acknowledged, stallMs);
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS[mode]; round += 1) {
      const bareRun = await load(bare.url, bare.body, bare.signature, {
        durationS: seconds,
        serverPid: bare.pid,
      });
      const floorRun = await loadFloor(seconds, floorServer?.pid);
      const relayRun = await load(ingestUrl, body, signature, {
        durationS: seconds,
        serverPid: relay.pid,
      });
      acknowledge(relayRun);
      // Deliveries still under way would load the machine during the next bare round.
      await drain(target, acknowledged, stallMs);
      rounds.push({ bare: bareRun, ...(floorRun ? { floor: floorRun } : {}), relay: relayRun });
    }
    const paced = await load(ingestUrl, body, signature, {
      durationS: options.quick ? 3 : 10,
      overallRate: PACED_RATE,
    });
    acknowledge(paced);
    const view = await drain(target, acknowledged, stallMs);
    const lost = [...acknowledged].filter((uuid) => !view.received[uuid]).length;
    const duplicates = Object.values(view.received).reduce(
      (sum, times) => sum + times.length - 1,
      0,
    );
    return {
      rounds,
      paced,
      lagsPaced: lagsOf(paced, view),
      lagsSaturated: rounds.flatMap(({ relay: run }) => lagsOf(run, view)),
      accepted: acknowledged.size,
      received: Object.keys(view.received).length,
      lost,
      duplicates,
      badSignatures: view.badSignatures,
    };
  } catch (error) {
    if (relay) (error as Error).message += `\nrelay output:\n${relay.tail()}`;
    throw error;
  } finally {
    await relay?.stop();
    await target.stop();
    for (const child of floor?.children ?? []) await child.stop();
  }
}

const ms = (value: number) => Math.round(value * 100) / 100;

/** Statuses and errors summed over rounds, for the details of each row. */
function combined(runs: LoadRun[]) {
  const statuses: Record<string, number> = {};
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statuses))
      statuses[code] = (statuses[code] ?? 0) + count;
  }
  return {
    statuses,
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    seconds: round(runs.reduce((sum, run) => sum + run.durationS, 0)),
    latencies: runs.flatMap((run) => run.latencies),
  };
}

const medianOf = (runs: LoadRun[], pick: (run: LoadRun) => number | undefined) =>
  median(runs.map(pick).filter((value): value is number => value !== undefined));

const FLOOR_LABEL = 'floor relay, per export';

function rowsFor(store: string, figures: StoreFigures): Row[] {
  const figure = `${FIGURE} (${store})`;
  const label = 'bare node:http';
  const relayRuns = figures.rounds.map((r) => r.relay);
  const bareRuns = figures.rounds.map((r) => r.bare);
  const floorRuns = figures.rounds.flatMap((r) => (r.floor ? [r.floor] : []));
  const relayAll = combined(relayRuns);
  const bareAll = combined(bareRuns);
  const loadNote = {
    relayEntry: relayMain().replace(`${fromRoot()}/`, ''),
    connections: CONNECTIONS,
    maxDeliveriesPerSecond: BENCH_DELIVERIES_PER_SECOND,
    rounds: figures.rounds.length,
    secondsPerRound: relayRuns[0]?.durationS,
    statuses: relayAll.statuses,
    errors: relayAll.errors,
  };
  const cpuUs = (run: LoadRun | undefined) =>
    run?.serverCpuUsPer2xx === undefined ? null : round(run.serverCpuUsPer2xx);
  const perRound = figures.rounds.map(({ bare, floor, relay }) => ({
    relayPerSecond: round(relay.perSecond),
    barePerSecond: round(bare.perSecond),
    ratio: round(relay.perSecond / bare.perSecond),
    ...(floor ? { floorPerSecond: round(floor.perSecond) } : {}),
    relayCpuUs: cpuUs(relay),
    bareCpuUs: cpuUs(bare),
    ...(floor ? { floorCpuUs: cpuUs(floor) } : {}),
  }));
  const noAnswers = `the relay answered no request with 2xx in ${relayAll.seconds} s of load (statuses ${JSON.stringify(relayAll.statuses)}, ${relayAll.errors} connection errors or timeouts)`;
  const noLags = `no acknowledged export reached the target while paced at ${PACED_RATE}/s`;
  const cpu = medianOf(relayRuns, (run) => run.serverCpuUsPer2xx);
  const bareCpu = medianOf(bareRuns, (run) => run.serverCpuUsPer2xx);
  const floorCpu = medianOf(floorRuns, (run) => run.serverCpuUsPer2xx);
  const againstFloor = floorRuns.length > 0;
  return [
    measured({
      figure,
      metric: 'signed exports accepted per second',
      unit: '/s',
      value: medianOf(relayRuns, (run) => run.perSecond),
      baseline: medianOf(bareRuns, (run) => run.perSecond),
      baselineLabel: label,
      details: {
        ...loadNote,
        bareStatuses: bareAll.statuses,
        ...(againstFloor
          ? { floorPerSecond: round(medianOf(floorRuns, (run) => run.perSecond)) }
          : {}),
        perRound,
      },
    }),
    measured({
      figure,
      metric: 'CPU per accepted export at full load (ingest and its delivery)',
      unit: 'µs',
      value: Number.isNaN(cpu) ? Number.NaN : Math.round(cpu),
      ...(againstFloor
        ? {
            baseline: Number.isNaN(floorCpu) ? null : Math.round(floorCpu),
            baselineLabel: FLOOR_LABEL,
            goal: { on: 'ratio', op: '<=', target: 1.5 },
          }
        : {
            baseline: Number.isNaN(bareCpu) ? null : Math.round(bareCpu),
            baselineLabel: `${label}, per request`,
          }),
      whyNoValue: 'the relay process’s CPU time could not be read (/proc is Linux only)',
      details: {
        ...loadNote,
        ...(againstFloor && !Number.isNaN(bareCpu) ? { bareCpuUs: Math.round(bareCpu) } : {}),
        perRound,
        note: 'all the relay process’s threads, user + system; deliveries run alongside ingest, so each export’s delivery is mostly inside its own figure',
      },
    }),
    measured({
      figure,
      metric: 'ingest latency p50 at full load',
      unit: 'ms',
      value: ms(quantile(relayAll.latencies, 0.5)),
      baseline: ms(quantile(bareAll.latencies, 0.5)),
      baselineLabel: label,
      whyNoValue: noAnswers,
      details: { ...loadNote, pacedP50: ms(quantile(figures.paced.latencies, 0.5)) },
    }),
    measured({
      figure,
      metric: 'ingest latency p99 at full load',
      unit: 'ms',
      value: ms(quantile(relayAll.latencies, 0.99)),
      baseline: ms(quantile(bareAll.latencies, 0.99)),
      baselineLabel: label,
      goal: { on: 'value', op: '<', target: 50 },
      whyNoValue: noAnswers,
      details: { ...loadNote, pacedP99: ms(quantile(figures.paced.latencies, 0.99)) },
    }),
    measured({
      figure,
      metric: `delivery lag p50 at ${PACED_RATE} exports/s`,
      unit: 'ms',
      value: ms(quantile(figures.lagsPaced, 0.5)),
      baseline: null,
      baselineLabel: '',
      whyNoValue: noLags,
      details: {
        samples: figures.lagsPaced.length,
        minMs: ms(quantile(figures.lagsPaced, 0)),
        atFullLoadP50: ms(quantile(figures.lagsSaturated, 0.5)),
      },
    }),
    measured({
      figure,
      metric: `delivery lag p99 at ${PACED_RATE} exports/s`,
      unit: 'ms',
      value: ms(quantile(figures.lagsPaced, 0.99)),
      baseline: null,
      baselineLabel: '',
      whyNoValue: noLags,
      details: {
        samples: figures.lagsPaced.length,
        minMs: ms(quantile(figures.lagsPaced, 0)),
        atFullLoadP99: ms(quantile(figures.lagsSaturated, 0.99)),
      },
    }),
    measured({
      figure,
      metric: 'exports lost (acknowledged, never delivered)',
      unit: '',
      value: figures.lost,
      baseline: null,
      baselineLabel: '',
      goal: { on: 'value', op: '==', target: 0 },
      details: {
        acknowledged: figures.accepted,
        receivedByTarget: figures.received,
        duplicateDeliveries: figures.duplicates,
        badSignaturesAtTarget: figures.badSignatures,
      },
    }),
  ];
}

const METRICS = [
  'signed exports accepted per second',
  'CPU per accepted export at full load (ingest and its delivery)',
  'ingest latency p50 at full load',
  'ingest latency p99 at full load',
  `delivery lag p50 at ${PACED_RATE} exports/s`,
  `delivery lag p99 at ${PACED_RATE} exports/s`,
  'exports lost (acknowledged, never delivered)',
];

const allNotMeasured = (store: string, reason: string): Row[] =>
  METRICS.map((metric) => notMeasured(`${FIGURE} (${store})`, metric, reason));

export async function relayThroughput(options: RelayOptions): Promise<Row[]> {
  const sampleFile = SAMPLE_FILES.find((file) => existsSync(fromRoot(file)));
  const missing = !existsSync(relayMain())
    ? `${relayMain()} does not exist yet`
    : !sampleFile
      ? 'no realistic export sample in src/samples yet'
      : undefined;
  if (missing)
    return [...allNotMeasured('SQLite', missing), ...allNotMeasured('PostgreSQL', missing)];
  const body = readFileSync(fromRoot(sampleFile!), 'utf8');

  const standin = await startJazzhrStandin(5);
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'jazzhr-bench-relay-'));
  const bareChild = await startNode(fromDist('bench', 'servers', 'bare-server.js'), {
    ready: { announce: true },
  });
  const bare: BareServer = {
    url: `http://127.0.0.1:${bareChild.port}/hooks/jazzhr/con_bench`,
    pid: bareChild.pid,
    body,
    signature: createHmac('sha256', 'bare').update(body).digest('hex'),
  };
  try {
    try {
      const sqlite = await measureRelay(
        join(dir, 'relay-sqlite.log'),
        `sqlite:${join(dir, 'relay.sqlite')}`,
        standin.apiUrl,
        body,
        bare,
        { ...options, floorDatabasePath: join(dir, 'floor.sqlite') },
      );
      rows.push(...rowsFor('SQLite', sqlite));
    } catch (error) {
      rows.push(...allNotMeasured('SQLite', `the run failed: ${(error as Error).message}`));
    }
    let cluster: TestCluster | undefined;
    try {
      cluster = await startTestCluster();
      if (!cluster) {
        rows.push(...allNotMeasured('PostgreSQL', 'PostgreSQL is not installed on this machine'));
      } else {
        const postgres = await measureRelay(
          join(dir, 'relay-postgres.log'),
          cluster.url,
          standin.apiUrl,
          body,
          bare,
          options,
        );
        rows.push(...rowsFor('PostgreSQL', postgres));
      }
    } catch (error) {
      rows.push(...allNotMeasured('PostgreSQL', `the run failed: ${(error as Error).message}`));
    } finally {
      cluster?.stop();
    }
  } finally {
    await bareChild.stop();
    rmSync(dir, { recursive: true, force: true });
    await standin.close();
  }
  return rows;
}
