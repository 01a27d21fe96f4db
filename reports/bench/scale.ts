import fc from 'fast-check';
import { ARCH_SUPERPAGE_ORDER, DEFAULT_CONFIG, designNamed, World, type WorldConfig } from '../../model/index.ts';
import { applicableCommand, DEFAULT_WEIGHTS, INVARIANTS, intentArbitrary, judge, searchCell } from '../../properties/index.ts';
import { builtLib, type StepLib } from './lib.ts';
import { timed, timedAsync } from './measure.ts';

/**
 * The large-scale measurements, each run in a child process of its own so its peak memory
 * is its own: `node --import tsx scale.ts <boot|search> <steps>` prints one JSON line.
 */

/** The mail's machine: 192 MiB of memory, with clients and proxy spaces sized to use it. */
export const MAIL_SCALE: WorldConfig = { memoryPages: 49_152, clients: 16, quota: 3072, clientSpaceOrder: 12, proxySpaceOrder: 12, maxOrder: 8, superpageOrder: ARCH_SUPERPAGE_ORDER.ia32 };

/** Boots the 192 MiB world and runs `steps` steps in it, every invariant checked after each. */
function boot(steps: number, designName: string) {
  const design = designNamed(designName)!;
  const booted = timed(() => new World(MAIL_SCALE, design, 'x2'));
  const world = booted.value;
  // One long-lived world: with exits, every client would be gone after a few hundred steps.
  const arb = intentArbitrary(MAIL_SCALE, 'x2', { ...DEFAULT_WEIGHTS, exit: 0 });
  let done = 0;
  let tried = 0;
  let maxNodes = 0;
  const ran = timed(() => {
    for (let chunk = 0; done < steps; chunk++) {
      const before = done;
      for (const intent of fc.sample(arb, { seed: chunk, numRuns: 10_000 })) {
        tried++;
        const c = applicableCommand(intent, world);
        if (!c) continue;
        judge(INVARIANTS, world.step(c), world);
        maxNodes = Math.max(maxNodes, world.kernel.db.size);
        if (++done === steps) break;
      }
      if (done === before) throw new Error(`no intent applies any more after ${done} steps`);
    }
  });
  return { design: designName, bootMs: booted.ms, steps: done, intentsTried: tried, runMs: ran.ms, stepsPerSecond: (done / ran.ms) * 1000, maxNodes };
}

/** A search long enough to take `steps` steps: memory must stay flat because finished runs leave counts, not traces. */
function search(steps: number, designName: string) {
  const design = designNamed(designName)!;
  let total = 0;
  let runs = 0;
  const heap: number[] = [];
  const ran = timed(() => {
    for (let seed = 0; total < steps; seed++) {
      const r = searchCell(design, 'x2', DEFAULT_CONFIG, INVARIANTS, { runs: 10_000, maxCommands: 60, seed, certifyTransitions: 0 });
      total += r.stats.steps;
      runs += r.stats.runs;
      // The live heap, not garbage not yet collected: the process runs with --expose-gc.
      (globalThis as { gc?: () => void }).gc?.();
      heap.push(process.memoryUsage().heapUsed);
    }
  });
  return { design: designName, steps: total, runs, runMs: ran.ms, stepsPerSecond: (total / ran.ms) * 1000, heapFirstMb: heap[0]! / 2 ** 20, heapLastMb: heap[heap.length - 1]! / 2 ** 20 };
}

/** The built code's exhaustive search of per-task-proxy on x2 to `depth`, on `workers` threads: states, time and memory. */
async function verifyDepth(depth: number, workers: number) {
  const lib = await builtLib();
  let result: Awaited<ReturnType<StepLib['exhaustiveSearchPooled']>> | undefined;
  const ran = await timedAsync(async () => {
    result = await lib.exhaustiveSearchPooled(lib.designNamed('per-task-proxy')!, 'x2', lib.DEFAULT_CONFIG, lib.INVARIANTS, { depth, workers });
  });
  const r = result!;
  return { cell: 'per-task-proxy/x2', depth, workers, depthDone: r.depthDone, states: r.states, transitions: r.transitions, runMs: ran, statesPerSecond: Math.round((r.states / ran) * 1000), bytesPerState: Math.round(((r.bytes.visited + r.bytes.store) / r.states) * 10) / 10 };
}

if (process.argv[1]?.endsWith('scale.ts')) await main();
async function main() {
  const [mode, nArg, extra] = process.argv.slice(2);
  const n = Number(nArg);
  const result =
    mode === 'boot' ? boot(n, extra ?? 'per-task-proxy') : mode === 'search' ? search(n, extra ?? 'per-task-proxy') : mode === 'verify' ? await verifyDepth(n, Number(extra ?? 1)) : null;
  if (!result) throw new Error(`usage: scale.ts <boot|search> <steps> [design] | verify <depth> [workers], got ${process.argv.slice(2).join(' ')}`);
  console.log(JSON.stringify({ ...result, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}
