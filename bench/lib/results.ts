import { writeFileSync } from 'node:fs';

import { z } from 'zod';

import { round } from './stats';

/** How a row's goal is judged: against the value itself or against value / baseline. */
export const Goal = z.object({
  on: z.enum(['value', 'ratio']),
  op: z.enum(['<=', '>=', '<', '==']),
  target: z.number(),
});
export type Goal = z.infer<typeof Goal>;

export const Row = z.object({
  figure: z.string(),
  metric: z.string(),
  unit: z.string(),
  value: z.number().nullable(),
  baseline: z.number().nullable(),
  baselineLabel: z.string(),
  ratio: z.number().nullable(),
  goal: Goal.nullable(),
  met: z.boolean().nullable(),
  /** Set instead of a value when the measured piece is missing or failed; says why. */
  notMeasured: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type Row = z.infer<typeof Row>;

export const ResultsFile = z.object({
  generatedAt: z.string(),
  mode: z.enum(['full', 'quick']),
  commit: z.string(),
  machine: z.object({ node: z.string(), cpus: z.number(), cpuModel: z.string() }),
  rows: z.array(Row),
});
export type ResultsFile = z.infer<typeof ResultsFile>;

function meets(goal: Goal, actual: number): boolean {
  switch (goal.op) {
    case '<=':
      return actual <= goal.target;
    case '>=':
      return actual >= goal.target;
    case '<':
      return actual < goal.target;
    case '==':
      return actual === goal.target;
  }
}

export interface Measured {
  figure: string;
  metric: string;
  unit: string;
  value: number;
  baseline: number | null;
  baselineLabel: string;
  goal?: Goal;
  details?: Record<string, unknown>;
  /** Said instead of a value when the value is not a number (e.g. no response arrived to time). */
  whyNoValue?: string;
}

/** A row whose ratio and verdict are computed from the value and the baseline measured in the same run. */
export function measured(input: Measured): Row {
  if (!Number.isFinite(input.value))
    return notMeasured(
      input.figure,
      input.metric,
      input.whyNoValue ?? 'no samples were collected',
      input.goal,
      input.details,
    );
  const ratio =
    input.baseline !== null && input.baseline !== 0 && Number.isFinite(input.baseline)
      ? input.value / input.baseline
      : null;
  const goal = input.goal ?? null;
  let met: boolean | null = null;
  if (goal) {
    const actual = goal.on === 'value' ? input.value : ratio;
    met = actual === null ? null : meets(goal, actual);
  }
  return {
    figure: input.figure,
    metric: input.metric,
    unit: input.unit,
    value: round(input.value, 4),
    baseline:
      input.baseline === null || !Number.isFinite(input.baseline) ? null : round(input.baseline, 4),
    baselineLabel: input.baselineLabel,
    ratio: ratio === null ? null : round(ratio, 3),
    goal,
    met,
    ...(input.details ? { details: input.details } : {}),
  };
}

export function notMeasured(
  figure: string,
  metric: string,
  reason: string,
  goal?: Goal,
  details?: Record<string, unknown>,
): Row {
  return {
    figure,
    metric,
    unit: '',
    value: null,
    baseline: null,
    baselineLabel: '',
    ratio: null,
    goal: goal ?? null,
    met: null,
    notMeasured: reason,
    ...(details ? { details } : {}),
  };
}

function describeGoal(goal: Goal | null): string {
  if (!goal) return '—';
  const subject = goal.on === 'ratio' ? 'ratio' : 'value';
  return `${subject} ${goal.op} ${goal.target}`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function withUnit(value: number | null, unit: string): string {
  if (value === null) return '—';
  return unit ? `${value} ${unit}` : String(value);
}

/** The Markdown table the README's Performance section takes as it is. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    '| Figure | Value | Baseline | Ratio | Goal | Met? |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const name = `${row.figure}: ${row.metric}`;
    if (row.notMeasured !== undefined) {
      lines.push(
        `| ${cell(name)} | not measured: ${cell(row.notMeasured)} | — | — | ${describeGoal(row.goal)} | — |`,
      );
      continue;
    }
    const baseline =
      row.baseline === null
        ? '—'
        : `${withUnit(row.baseline, row.unit)}${row.baselineLabel ? ` (${row.baselineLabel})` : ''}`;
    const ratio = row.ratio === null ? '—' : `${row.ratio}x`;
    const met = row.met === null ? '—' : row.met ? 'yes' : '**no**';
    lines.push(
      `| ${cell(name)} | ${cell(withUnit(row.value, row.unit))} | ${cell(baseline)} | ${ratio} | ${describeGoal(row.goal)} | ${met} |`,
    );
  }
  return lines.join('\n');
}

export function writeResults(path: string, results: ResultsFile): void {
  writeFileSync(path, `${JSON.stringify(ResultsFile.parse(results), null, 2)}\n`);
}
