import { readFileSync } from 'node:fs';

import { z } from 'zod';

/**
 * Where the time went in one or more `node --cpu-prof` profiles: the top functions by self
 * time, and self time by package (node_modules/<pkg>) or by app folder (dist/<dir>/), averaged
 * over the files given. How the hotspots in the bench report were found:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof -e "require('./dist/index.js')"
 *   node dist/bench/tools/cpuprofile-summary.js /tmp/prof/*.cpuprofile
 */

const CpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type CpuProfile = z.infer<typeof CpuProfile>;
type ProfileNode = CpuProfile['nodes'][number];

function where(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function owner(url: string): string | undefined {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `package ${pkg[1]}`;
  const app = /\/dist\/(.*)\/[^/]+$/.exec(url);
  if (app) return `app dist/${app[1]}/`;
  if (/\/dist\/[^/]+$/.test(url)) return 'app dist/';
  return undefined;
}

function add(totals: Map<string, number>, key: string, micros: number): void {
  totals.set(key, (totals.get(key) ?? 0) + micros);
}

function summarise(files: string[], top: number): void {
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = CpuProfile.parse(JSON.parse(readFileSync(file, 'utf8')));
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parents = new Map<number, number>();
    for (const node of profile.nodes)
      for (const child of node.children ?? []) parents.set(child, node.id);
    profile.samples.forEach((id, index) => {
      const micros = profile.timeDeltas[index] ?? 0;
      const node = nodes.get(id);
      if (!node) return;
      total += micros;
      add(byFunction, where(node), micros);
      // Charged to the innermost package or app folder on the stack: "whose code is this".
      let cursor: number | undefined = id;
      let charged = 'node internals, GC, idle';
      while (cursor !== undefined) {
        const found = owner(nodes.get(cursor)?.callFrame.url ?? '');
        if (found) {
          charged = found;
          break;
        }
        cursor = parents.get(cursor);
      }
      add(byOwner, charged, micros);
    });
  }
  const print = (title: string, totals: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [key, micros] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      const share = ((micros / total) * 100).toFixed(1).padStart(5);
      const ms = (micros / files.length / 1000).toFixed(1).padStart(8);
      console.log(`${share}% ${ms} ms  ${key}`);
    }
  };
  console.log(
    `${files.length} profile(s), ${(total / files.length / 1000).toFixed(0)} ms sampled each on average`,
  );
  print('Self time by function', byFunction);
  print('Self time by package or app folder (innermost on the stack)', byOwner);
}

const files = process.argv.slice(2).filter((arg) => !arg.startsWith('--top='));
const topArg = process.argv.find((arg) => arg.startsWith('--top='));
if (files.length === 0) {
  console.error('usage: node dist/bench/tools/cpuprofile-summary.js [--top=N] FILE.cpuprofile…');
  process.exit(1);
}
summarise(files, topArg ? Number(topArg.slice('--top='.length)) : 25);
