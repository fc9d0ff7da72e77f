import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { startTestCluster, type TestCluster } from '../../test/support/postgres';
import { Sealer, generateEncryptionKey } from '../../src/relay/encryption';
import { openStore, type Store } from '../../src/relay/store';
import { slotShares } from '../../src/relay/store/claims';
import { envelopeToHeaders } from '../../src/webhook';
import { fromRoot } from '../lib/paths';
import { measured, notMeasured, type Row } from '../lib/results';
import { median, quantile, round } from '../lib/stats';

/**
 * What one claim of the delivery worker costs with a backlog: the median time of one
 * `claimDueDeliveries` on a real store holding 20,000 due deliveries (10,000 in a quick run),
 * beside the same claim on a store holding 100. After a target's outage a relay can hold tens of thousands of due
 * retries, and on SQLite the claim runs on the event loop, so its time delays every ingest.
 * Both stores are claimed from in alternation, so the machine's drift hits them alike.
 */

const FIGURE = 'Claim cost';
const BASELINE = 100;
/** One connection feeding several Zaps: every export queues a delivery for each. */
const SUBSCRIPTIONS = 4;
const CLAIM = { limit: 16, maxPerSubscriptionPerSecond: 1_000, slots: 16 };
/** A quick run queues half the backlog, so that queueing it fits in its time. */
const SETUPS = { quick: { backlog: 10_000, samples: 20 }, full: { backlog: 20_000, samples: 100 } };
type Setup = (typeof SETUPS)[keyof typeof SETUPS];
const WARMUP_CLAIMS = 5;
const INGEST_BATCH = 500;
/** Every export was received, and is due, an hour before the first claim. */
const RECEIVED_FROM = Date.UTC(2026, 0, 1);
const FIRST_CLAIM_AT = RECEIVED_FROM + 3_600_000;
const LEASE_MS = 1_000;
/**
 * Each claim runs this much later than the one before on the store's clock, so the leases it
 * took have run out and its attempts have left the one-second rate window by the next claim,
 * which takes the same deliveries again: the backlog stays whole without being queued anew for
 * every sample (queueing 20,000 takes seconds, a claim milliseconds).
 */
const CLAIM_STEP_MS = 2 * LEASE_MS;

interface Variant {
  /** Names its databases. */
  name: string;
  dueTimes: string;
  receivedAt: (index: number) => number;
}

const VARIANTS: Variant[] = [
  {
    name: 'distinct',
    dueTimes: 'distinct due times',
    receivedAt: (index) => RECEIVED_FROM + index,
  },
  {
    name: 'same',
    dueTimes: 'all due at the same millisecond (as after recover)',
    receivedAt: () => RECEIVED_FROM,
  },
];

export interface ClaimOptions {
  quick: boolean;
}

const metricOf = (variant: Variant, setup: Setup) =>
  `one claim with ${setup.backlog.toLocaleString('en')} due deliveries, ${variant.dueTimes}`;

interface Databases {
  /** A new, empty store; `name` tells the databases of one run apart. */
  open(name: string): Promise<Store>;
  /** Gives the database of a backlog queued seconds ago the planner statistics a real one has. */
  settle(name: string): Promise<void>;
}

const sealer = new Sealer(generateEncryptionKey());

async function queueBacklog(store: Store, due: number, variant: Variant): Promise<void> {
  const now = RECEIVED_FROM;
  const connection = await store.insertConnection({
    id: 'con_claimbench',
    apiKeyHash: 'claimbench',
    secret: 'claimbench-secret',
    now,
  });
  for (let zap = 0; zap < SUBSCRIPTIONS; zap += 1)
    await store.upsertSubscription({
      id: `sub_claimbench${zap}`,
      connectionId: connection.id,
      targetUrl: `http://127.0.0.1:9/hooks/catch/${zap}/bench`,
      secret: 'claimbench-subscription-secret',
      now,
    });
  const body = readFileSync(fromRoot('src', 'samples', 'candidate-export.body.json'));
  const exports = Math.ceil(due / SUBSCRIPTIONS);
  // Ingests submitted together share SQLite's group commit; PostgreSQL spreads them on its pool.
  for (let first = 0; first < exports; first += INGEST_BATCH) {
    const batch = Array.from({ length: Math.min(INGEST_BATCH, exports - first) }, (_, k) => {
      const uuid = `claimbench-${first + k}`;
      const receivedAt = variant.receivedAt(first + k);
      return store.ingestExport({
        connectionId: connection.id,
        uuid,
        event: 'CANDIDATE-EXPORT',
        headers: envelopeToHeaders({ event: 'CANDIDATE-EXPORT', uuid }),
        body,
        receivedAt,
        giveUpAfter: receivedAt + 86_400_000,
      });
    });
    await Promise.all(batch);
  }
}

interface Sample {
  ms: number;
  /** How many deliveries the claim took. */
  claimed: number;
}

/** Times one claim per call. */
function claimer(store: Store, name: string): () => Promise<Sample> {
  let claims = 0;
  return async () => {
    const now = FIRST_CLAIM_AT + claims * CLAIM_STEP_MS;
    claims += 1;
    const began = performance.now();
    const claimed = await store.claimDueDeliveries({
      now,
      limit: CLAIM.limit,
      leaseToken: `${name}-${claims}`,
      leaseUntil: now + LEASE_MS,
      maxPerSubscriptionPerSecond: CLAIM.maxPerSubscriptionPerSecond,
      slots: { total: CLAIM.slots, heldByConnection: {} },
    });
    return { ms: performance.now() - began, claimed: claimed.length };
  };
}

/** Claims from the two stores in turn, which one goes first alternating, after a few unrecorded. */
async function claimInTurn(backlog: Store, baseline: Store, count: number) {
  const claims = [claimer(backlog, 'backlog'), claimer(baseline, 'baseline')];
  const taken: Sample[][] = [[], []];
  for (let i = 0; i < WARMUP_CLAIMS; i += 1) for (const claim of claims) await claim();
  for (let i = 0; i < count; i += 1) {
    for (const side of i % 2 === 0 ? [0, 1] : [1, 0]) taken[side]!.push(await claims[side]!());
  }
  return { backlog: taken[0]!, baseline: taken[1]! };
}

const ms = (value: number) => round(value, 3);
const millis = (samples: Sample[]) => samples.map((sample) => sample.ms);
const spread = (samples: Sample[]) => ({
  p50: ms(median(millis(samples))),
  p90: ms(quantile(millis(samples), 0.9)),
});

/** Every claim takes what one connection alone may hold; anything else means a sample went wrong. */
function claimWarning(samples: Sample[]): string {
  const expected = Math.min(CLAIM.limit, slotShares(CLAIM.slots).alone);
  const other = samples.find((sample) => sample.claimed !== expected);
  return other === undefined
    ? ''
    : ` (WARNING: a claim took ${other.claimed}, expected ${expected})`;
}

async function measureVariant(
  store: string,
  databases: Databases,
  variant: Variant,
  setup: Setup,
): Promise<Row> {
  const stores: Store[] = [];
  try {
    const queued = async (due: number) => {
      const name = `${variant.name}_${due}`;
      const opened = await databases.open(name);
      stores.push(opened);
      const began = performance.now();
      await queueBacklog(opened, due, variant);
      const queueMs = performance.now() - began;
      await databases.settle(name);
      return { store: opened, queueMs };
    };
    const backlog = await queued(setup.backlog);
    const baseline = await queued(BASELINE);
    const taken = await claimInTurn(backlog.store, baseline.store, setup.samples);
    return measured({
      figure: `${FIGURE} (${store})`,
      metric: `${metricOf(variant, setup)}${claimWarning([...taken.backlog, ...taken.baseline])}`,
      unit: 'ms',
      value: median(millis(taken.backlog)),
      baseline: median(millis(taken.baseline)),
      baselineLabel: `${BASELINE} due`,
      goal: { on: 'ratio', op: '<=', target: 2 },
      details: {
        claim: CLAIM,
        subscriptions: SUBSCRIPTIONS,
        samples: taken.backlog.length,
        backlogMs: spread(taken.backlog),
        baselineMs: spread(taken.baseline),
        deliveriesPerClaim: taken.backlog[0]?.claimed,
        queueBacklogSeconds: round(backlog.queueMs / 1000),
      },
    });
  } finally {
    for (const opened of stores) await opened.close();
  }
}

async function measureStore(store: string, databases: Databases, setup: Setup): Promise<Row[]> {
  const rows: Row[] = [];
  for (const variant of VARIANTS) {
    try {
      rows.push(await measureVariant(store, databases, variant, setup));
    } catch (error) {
      const reason = `the run failed: ${(error as Error).message}`;
      rows.push(notMeasured(`${FIGURE} (${store})`, metricOf(variant, setup), reason));
    }
  }
  return rows;
}

function sqliteDatabases(dir: string): Databases {
  return {
    open: (name) => openStore({ kind: 'sqlite', path: join(dir, `${name}.sqlite`) }, sealer),
    // The relay never runs ANALYZE on SQLite, so the bench does not either.
    settle: async () => {},
  };
}

/** A database of its own in the cluster for each backlog, so none sees another's rows. */
function postgresDatabases(cluster: TestCluster): Databases {
  const urlOf = (name: string) => {
    const url = new URL(cluster.url);
    url.pathname = `/claimbench_${name}`;
    return url.toString();
  };
  const run = async (url: string, sql: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    async open(name) {
      await run(cluster.url, `CREATE DATABASE claimbench_${name}`);
      return openStore({ kind: 'postgres', url: urlOf(name) }, sealer);
    },
    // Autovacuum analyzes a backlog that built up over an outage long before it is this size;
    // one queued seconds ago it would analyze at some moment during the samples.
    settle: (name) => run(urlOf(name), 'ANALYZE'),
  };
}

const allNotMeasured = (store: string, setup: Setup, reason: string): Row[] =>
  VARIANTS.map((variant) => notMeasured(`${FIGURE} (${store})`, metricOf(variant, setup), reason));

export async function claimCost(options: ClaimOptions): Promise<Row[]> {
  const setup = SETUPS[options.quick ? 'quick' : 'full'];
  const dir = mkdtempSync(join(tmpdir(), 'jazzhr-bench-claim-'));
  const rows: Row[] = [];
  try {
    rows.push(...(await measureStore('SQLite', sqliteDatabases(dir), setup)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let cluster: TestCluster | undefined;
  try {
    cluster = await startTestCluster();
    if (!cluster)
      rows.push(
        ...allNotMeasured('PostgreSQL', setup, 'PostgreSQL is not installed on this machine'),
      );
    else rows.push(...(await measureStore('PostgreSQL', postgresDatabases(cluster), setup)));
  } catch (error) {
    rows.push(
      ...allNotMeasured('PostgreSQL', setup, `the run failed: ${(error as Error).message}`),
    );
  } finally {
    cluster?.stop();
  }
  return rows;
}
