// Must load before anything that loads zapier-platform-core.
import './lib/zapier-test-mode';

import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';

import { claimCost } from './figures/claim-cost';
import { coldStart } from './figures/cold-start';
import { lookupCost } from './figures/lookup-cost';
import { pollCost } from './figures/poll-cost';
import { relayMemory } from './figures/relay-memory';
import { relayThroughput } from './figures/relay-throughput';
import { webhookOverhead } from './figures/webhook-overhead';
import { fromRoot } from './lib/paths';
import { markdownTable, notMeasured, writeResults, type Row } from './lib/results';

/**
 * `npm run bench [-- --quick] [-- --only=poll,lookup,webhook,cold,relay,relay-memory,claim]`
 * Prints a Markdown table of every figure next to its baseline from this same run, and writes
 * them to bench/results.json (a full run of everything) or .tmp/bench-results.json (otherwise).
 * Figures are reported, never asserted: the bench does not fail on a number.
 */

const FIGURES = {
  poll: { title: 'poll cost', run: () => pollCost() },
  lookup: { title: 'lookup cost', run: () => lookupCost() },
  webhook: { title: 'webhook overhead', run: (quick: boolean) => webhookOverhead({ quick }) },
  cold: { title: 'cold start', run: (quick: boolean) => coldStart({ quick }) },
  relay: { title: 'relay throughput', run: (quick: boolean) => relayThroughput({ quick }) },
  'relay-memory': { title: 'relay memory under held uploads', run: () => relayMemory() },
  claim: { title: 'claim cost with a backlog', run: (quick: boolean) => claimCost({ quick }) },
} as const;
type FigureKey = keyof typeof FIGURES;

function parseArgs(argv: string[]): { quick: boolean; only: FigureKey[] } {
  let quick = false;
  let only = Object.keys(FIGURES) as FigureKey[];
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--only=')) {
      const wanted = arg.slice('--only='.length).split(',').filter(Boolean);
      const unknown = wanted.filter((key) => !(key in FIGURES));
      if (unknown.length > 0)
        throw new Error(
          `Unknown figure ${unknown.join(', ')}; choose from ${Object.keys(FIGURES).join(', ')}.`,
        );
      only = wanted as FigureKey[];
    } else
      throw new Error(
        `Unknown option ${arg}; use --quick and/or --only=${Object.keys(FIGURES).join(',')}.`,
      );
  }
  return { quick, only };
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: fromRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: fromRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty ? `${head}+uncommitted` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const rows: Row[] = [];
  const started = Date.now();
  for (const key of only) {
    const figure = FIGURES[key];
    const began = Date.now();
    console.error(`bench: ${figure.title}…`);
    try {
      rows.push(...(await figure.run(quick)));
    } catch (error) {
      rows.push(
        notMeasured(figure.title, 'all', `the harness failed: ${(error as Error).stack ?? error}`),
      );
    }
    console.error(`bench: ${figure.title} done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }
  const complete = !quick && only.length === Object.keys(FIGURES).length;
  const output = complete
    ? fromRoot('bench', 'results.json')
    : fromRoot('.tmp', 'bench-results.json');
  mkdirSync(fromRoot('.tmp'), { recursive: true });
  writeResults(output, {
    generatedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    commit: commit(),
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
    },
    rows,
  });
  console.log(markdownTable(rows));
  console.log(
    `\n${quick ? 'Quick' : 'Full'} run on Node ${process.version}, ${cpus().length} CPUs, ${((Date.now() - started) / 1000).toFixed(0)} s; figures written to ${output.replace(`${fromRoot()}/`, '')}.`,
  );
}

main().then(
  // Keep-alive sockets or timers left by a figure must not hold the process open.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
