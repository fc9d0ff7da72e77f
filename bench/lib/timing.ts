import { median } from './stats';

export interface Contender {
  name: string;
  /** One operation; `i` lets an operation vary its input (e.g. a fresh UUID) per call. */
  run: (i: number) => unknown;
}

export interface LoopOptions {
  /** Time spent running every contender before anything is recorded. */
  warmupMs: number;
  /** Rounds; each round runs every contender once, in turn, so drift hits them alike. */
  rounds: number;
  /** Time each contender runs for in one round. */
  roundMs: number;
}

/** Keeps results alive so the optimiser cannot drop the work being timed. */
let sink: unknown;
export const blackhole = (): unknown => sink;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

async function runFor(
  contender: Contender,
  ms: number,
  start: number,
): Promise<{ iterations: number; ns: number }> {
  const budget = BigInt(Math.round(ms * 1e6));
  const began = process.hrtime.bigint();
  let iterations = 0;
  let now = began;
  // The clock is read every few calls: hrtime is cheap but not free next to a microsecond op.
  do {
    for (let k = 0; k < 8; k++) {
      const result = contender.run(start + iterations++);
      // Only async operations are awaited, so a synchronous one pays no microtask.
      sink = isThenable(result) ? await result : result;
    }
    now = process.hrtime.bigint();
  } while (now - began < budget);
  return { iterations, ns: Number(now - began) };
}

/**
 * Microseconds per operation for each contender: the median over rounds of (round time /
 * iterations), with the contenders interleaved round by round so machine drift hits all alike.
 */
export async function compareLoops(
  contenders: readonly Contender[],
  options: LoopOptions,
): Promise<Map<string, number>> {
  const next = new Map(contenders.map((c) => [c.name, 0]));
  const perRound = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const step = async (contender: Contender, ms: number) => {
    const done = await runFor(contender, ms, next.get(contender.name)!);
    next.set(contender.name, next.get(contender.name)! + done.iterations);
    return done;
  };
  for (const contender of contenders) await step(contender, options.warmupMs / contenders.length);
  for (let round = 0; round < options.rounds; round++) {
    for (const contender of contenders) {
      const done = await step(contender, options.roundMs);
      perRound.get(contender.name)!.push(done.ns / done.iterations / 1000);
    }
  }
  return new Map([...perRound].map(([name, samples]) => [name, median(samples)]));
}
