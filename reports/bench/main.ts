import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, DESIGNS, PROFILE_NAMES } from '../../model/index.ts';
import type { ParallelOptions } from '../../properties/index.ts';
import { findAndShrink } from './findShrink.ts';
import { opCosts } from './kernelOps.ts';
import { builtLib, sourceLib, type StepLib } from './lib.ts';
import { median, round, timed, timedAsync } from './measure.ts';
import { stepRates } from './steps.ts';

/**
 * `npm run bench`: measures fpcheck's speed and memory and writes reports/bench.json.
 * Every figure is a median over repetitions; every comparison is a ratio of two figures
 * measured in this one process run, alternating where they could drift apart. The step and
 * exhaustive-search rates are measured on the built JavaScript (what `npm start` and the
 * package run) and on the sources through tsx (how fpcheck ran before it was built).
 */

const quick = process.argv.includes('--quick');
const log = (s: string) => process.stderr.write(`${s}\n`);
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version, platform: `${process.platform}/${process.arch}` };
const [source, built] = [await sourceLib(), await builtLib()];

log('world steps per second, per design (x2, or the design\'s own profile), built and through tsx...');
const steps = DESIGNS.map((d) => {
  const profile = d.supports('x2') ? 'x2' : PROFILE_NAMES.find((p) => d.supports(p))!;
  const [b, s] = stepRates([built, source], d.name, profile, DEFAULT_CONFIG, quick ? { lists: 20, length: 60, reps: 2, searchRuns: 20 } : { lists: 400, length: 60, reps: 5, searchRuns: 300 });
  return {
    design: d.name,
    profile,
    steps: b!.steps,
    built: { pregeneratedPerSecond: round(b!.pregenerated), endToEndPerSecond: round(b!.endToEnd), fullRecheckPerSecond: round(b!.fullRecheck) },
    tsx: { pregeneratedPerSecond: round(s!.pregenerated), endToEndPerSecond: round(s!.endToEnd), fullRecheckPerSecond: round(s!.fullRecheck) },
    builtOverTsx: { pregenerated: round(b!.pregenerated / s!.pregenerated, 2), endToEnd: round(b!.endToEnd / s!.endToEnd, 2) },
    incrementalOverFull: round(b!.pregenerated / b!.fullRecheck, 2),
  };
});

log('exhaustive search of per-task-proxy on x2 to depth 4: built, through tsx, and the straightforward reference search (built)...');
const verifyDepth = quick ? 3 : 4;
const verifyRates = (() => {
  const ms = new Map<StepLib | 'reference', number[]>([
    [built, []],
    [source, []],
    ['reference', []],
  ]);
  let states = 0;
  let transitions = 0;
  let bytes = 0;
  let referenceStates = 0;
  const design = built.designNamed('per-task-proxy')!;
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    for (const lib of [built, source]) {
      const t = timed(() => lib.exhaustiveSearch(lib.designNamed('per-task-proxy')!, 'x2', lib.DEFAULT_CONFIG, lib.INVARIANTS, { depth: verifyDepth }));
      ms.get(lib)!.push(t.ms);
      states = t.value.states;
      transitions = t.value.transitions;
      bytes = t.value.bytes.visited + t.value.bytes.store;
    }
    const ref = timed(() => built.referenceSearch(design, 'x2', built.DEFAULT_CONFIG, built.INVARIANTS, verifyDepth));
    ms.get('reference')!.push(ref.ms);
    referenceStates = ref.value.statesPerDepth.reduce((a, b) => a + b, 0);
  }
  if (referenceStates !== states) throw new Error(`the reference search found ${referenceStates} states, the exhaustive search ${states}`);
  const [b, s, ref] = [median(ms.get(built)!), median(ms.get(source)!), median(ms.get('reference')!)];
  return {
    cell: 'per-task-proxy/x2',
    depth: verifyDepth,
    states,
    transitions,
    builtMs: round(b),
    tsxMs: round(s),
    referenceMs: round(ref),
    builtStatesPerSecond: round((states / b) * 1000),
    referenceStatesPerSecond: round((states / ref) * 1000),
    builtOverTsx: round(s / b, 2),
    builtOverReference: round(ref / b, 2),
    bytesPerState: round(bytes / states, 1),
  };
})();

log('kernel operation cost as the mapping database grows...');
const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
const kernel = sizes.map((n) => opCosts(n, quick ? 200 : 2_000, quick ? 2 : 7));
// The same operations on the largest database, confined to its first 1,000 pages: what is left of the growth is locality, not work.
const confined = opCosts(sizes.at(-1)!, quick ? 200 : 2_000, quick ? 2 : 7, 1_000);
const flatness = { map: kernel.at(-1)!.mapUs / kernel[0]!.mapUs, unmap: kernel.at(-1)!.unmapUs / kernel[0]!.unmapUs, flush: kernel.at(-1)!.flushUs / kernel[0]!.flushUs };

log('time to find, shrink and certify each default violation (find and shrink over 10 seeds)...');
const seeds = quick ? 2 : 10;
const violations = findAndShrink(seeds, quick ? 30 : undefined, quick ? 20_000 : undefined, (i, n) => process.stderr.write(`\r  cell ${i + 1}/${n}`));
process.stderr.write('\n');

/** Runs scale.ts in a child process of its own, so that its peak memory is its own. */
const child = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./scale.ts', import.meta.url)), ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`scale.ts ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number | string>;
};
log('the mail\'s scale and a million-step search, each in its own process...');
const mailScale = child('boot', String(quick ? 2_000 : 100_000));
const millionSteps = child('search', String(quick ? 20_000 : 1_000_000));

log('worker threads on long workloads: one cell of the random search, and an exhaustive search to depth 5, with 1 and 2 workers...');
/** Medians of the wall time of the built code's random search with 1 and with 2 workers, measured alternately. */
const oneAndTwo = async (opts: ParallelOptions, reps: number): Promise<{ oneWorkerMs: number; twoWorkersMs: number; speedup: number }> => {
  const w1: number[] = [];
  const w2: number[] = [];
  for (let r = 0; r < reps; r++) {
    w1.push(await timedAsync(() => built.checkInWorkers({ ...opts, workers: 1 })));
    w2.push(await timedAsync(() => built.checkInWorkers({ ...opts, workers: 2 })));
  }
  return { oneWorkerMs: round(median(w1)), twoWorkersMs: round(median(w2)), speedup: round(median(w1) / median(w2), 2) };
};
// A cell with no violation to shrink, so its blocks take alike time: the case one large cell on many cores is.
const bigCell = { designs: ['per-task-proxy'], profiles: ['x2' as const], runs: quick ? 2_000 : 72_000, blockRuns: quick ? 500 : 1_000, certifyTransitions: 0 };
const bigCellWorkers = await oneAndTwo(bigCell, quick ? 1 : 2);
const deep = quick ? 4 : 5;
const verify1 = child('verify', String(deep), '1');
const verify2 = child('verify', String(deep), '2');
const verifyWorkers = { depth: deep, states: verify1.states, transitions: verify1.transitions, oneWorker: verify1, twoWorkers: verify2, speedup: round(Number(verify1.runMs) / Number(verify2.runMs), 2) };

const report = {
  format: 'fpcheck-bench',
  version: 3,
  quick,
  machine,
  steps,
  verify: verifyRates,
  kernel: { nodes: kernel, confined, largestOverSmallest: { map: round(flatness.map, 2), unmap: round(flatness.unmap, 2), flush: round(flatness.flush, 2) } },
  findAndShrink: violations.map((v) => ({ ...v, findMs: round(v.findMs, 1), shrinkMs: round(v.shrinkMs, 1), certifyMs: round(v.certifyMs, 1) })),
  mailScale,
  millionSteps,
  workers: { randomCell: { cell: 'per-task-proxy/x2', runs: bigCell.runs, blockRuns: bigCell.blockRuns, ...bigCellWorkers }, exhaustive: verifyWorkers },
};
const out = fileURLToPath(new URL('../bench.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

// The table.
const pad = (s: unknown, n: number) => String(s).padStart(n);
const n = (x: unknown) => Number(x).toLocaleString('en-US', { maximumFractionDigits: 0 });
console.log(`\nfpcheck bench${quick ? ' (quick)' : ''} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);
console.log('World steps per second, every invariant after every step (default world), built JavaScript (and through tsx):');
console.log(`  ${'design'.padEnd(20)}${'profile'.padEnd(11)}${pad('pre-generated', 24)}${pad('end to end', 22)}${pad('incr/full', 11)}`);
for (const s of steps) {
  console.log(`  ${s.design.padEnd(20)}${s.profile.padEnd(11)}${pad(`${n(s.built.pregeneratedPerSecond)} (${n(s.tsx.pregeneratedPerSecond)})`, 24)}${pad(`${n(s.built.endToEndPerSecond)} (${n(s.tsx.endToEndPerSecond)})`, 22)}${pad(`${s.incrementalOverFull}x`, 11)}`);
}
const ratios = steps.map((s) => s.builtOverTsx.pregenerated);
console.log(`  built over tsx, pre-generated: ${Math.min(...ratios)}x to ${Math.max(...ratios)}x`);
console.log(`\nExhaustive search, ${verifyRates.cell} to depth ${verifyRates.depth}: ${n(verifyRates.states)} states, ${n(verifyRates.transitions)} transitions; built ${verifyRates.builtMs} ms (${n(verifyRates.builtStatesPerSecond)} distinct states/s on one core), through tsx ${verifyRates.tsxMs} ms (built ${verifyRates.builtOverTsx}x faster); the straightforward reference search ${verifyRates.referenceMs} ms (${n(verifyRates.referenceStatesPerSecond)} states/s; its time over the exhaustive search's: ${verifyRates.builtOverReference}x); ${verifyRates.bytesPerState} bytes a state (fingerprint table and stored states)`);
console.log('\nKernel operations, microseconds each (median, through tsx):');
for (const k of [...kernel, confined]) console.log(`  ${pad(k.nodes, 7)} nodes, pages spread over ${pad(k.span, 7)}: map ${k.mapUs.toFixed(2)}  unmap ${k.unmapUs.toFixed(2)}  flush ${k.flushUs.toFixed(2)}`);
console.log(`  largest over smallest: map ${report.kernel.largestOverSmallest.map}x, unmap ${report.kernel.largestOverSmallest.unmap}x, flush ${report.kernel.largestOverSmallest.flush}x`);
console.log(`\nFind and shrink (median over ${seeds} seeds) and certify (default seed and budget), ms, through tsx:`);
for (const v of report.findAndShrink) console.log(`  ${v.violation.padEnd(72)} find ${pad(v.findMs, 7)}  shrink ${pad(v.shrinkMs, 7)}  certify ${pad(v.certifyMs, 8)}  found in ${v.foundIn}/${v.seeds}`);
const under = report.findAndShrink.filter((v) => v.findMs + v.shrinkMs < 1000).length;
console.log(`  ${under} of ${report.findAndShrink.length} found and shrunk in under one second (median)`);
console.log(`\n192 MiB (49,152 pages), one world: boot ${round(Number(mailScale.bootMs), 1)} ms, ${n(mailScale.steps)} steps at ${n(mailScale.stepsPerSecond)}/s, up to ${n(mailScale.maxNodes)} nodes, peak RSS ${n(mailScale.peakRssMb)} MiB`);
console.log(`Search of ${n(millionSteps.steps)} steps (${n(millionSteps.runs)} runs): ${n(millionSteps.stepsPerSecond)}/s, live heap after a collection ${round(Number(millionSteps.heapFirstMb))} -> ${round(Number(millionSteps.heapLastMb))} MiB, peak RSS ${n(millionSteps.peakRssMb)} MiB`);
console.log(`\nWorker threads (built JavaScript):`);
console.log(`  random search, one cell (per-task-proxy/x2), ${n(bigCell.runs)} runs in blocks of ${n(bigCell.blockRuns)}: 1 worker ${n(bigCellWorkers.oneWorkerMs)} ms, 2 workers ${n(bigCellWorkers.twoWorkersMs)} ms (${bigCellWorkers.speedup}x)`);
console.log(`  exhaustive search to depth ${deep} (${n(verify1.states)} states, ${verify1.bytesPerState} bytes a state in the fingerprint table and stored states): 1 worker ${n(verify1.runMs)} ms (${n(verify1.statesPerSecond)} states/s), peak RSS ${n(verify1.peakRssMb)} MiB; 2 workers ${n(verify2.runMs)} ms (${n(verify2.statesPerSecond)} states/s), peak RSS ${n(verify2.peakRssMb)} MiB (${verifyWorkers.speedup}x)`);
console.log(`\nWrote ${out}`);
