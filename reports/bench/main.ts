import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, DESIGNS, PROFILE_NAMES } from '../../model/index.ts';
import { checkInWorkers, type ParallelOptions } from '../../properties/index.ts';
import { findAndShrink } from './findShrink.ts';
import { opCosts } from './kernelOps.ts';
import { median, round, timedAsync } from './measure.ts';
import { stepRates } from './steps.ts';

/**
 * `npm run bench`: measures fpcheck's speed and memory and writes reports/bench.json.
 * Every figure is a median over repetitions; every comparison is a ratio of two figures
 * measured in this one process run, alternating where they could drift apart.
 */

const quick = process.argv.includes('--quick');
const log = (s: string) => process.stderr.write(`${s}\n`);
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version, platform: `${process.platform}/${process.arch}` };

log('world steps per second, per design (x2, or the design\'s own profile)...');
const steps = DESIGNS.map((d) => {
  const profile = d.supports('x2') ? 'x2' : PROFILE_NAMES.find((p) => d.supports(p))!;
  const r = stepRates(d, profile, DEFAULT_CONFIG, quick ? { lists: 20, length: 60, reps: 2, searchRuns: 20 } : { lists: 400, length: 60, reps: 5, searchRuns: 300 });
  return { design: d.name, profile, steps: r.steps, pregeneratedPerSecond: round(r.pregenerated), endToEndPerSecond: round(r.endToEnd), fullRecheckPerSecond: round(r.fullRecheck), incrementalOverFull: round(r.pregenerated / r.fullRecheck, 2) };
});

log('kernel operation cost as the mapping database grows...');
const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
const kernel = sizes.map((n) => opCosts(n, quick ? 200 : 2_000, quick ? 2 : 7));
// The same operations on the largest database, confined to its first 1,000 pages: what is left of the growth is locality, not work.
const confined = opCosts(sizes.at(-1)!, quick ? 200 : 2_000, quick ? 2 : 7, 1_000);
const flatness = { map: kernel.at(-1)!.mapUs / kernel[0]!.mapUs, unmap: kernel.at(-1)!.unmapUs / kernel[0]!.unmapUs, flush: kernel.at(-1)!.flushUs / kernel[0]!.flushUs };

log('time to find and to shrink each default violation, over 10 seeds...');
const seeds = quick ? 2 : 10;
const violations = findAndShrink(seeds, quick ? 30 : undefined, (i, n) => process.stderr.write(`\r  cell ${i + 1}/${n}`));
process.stderr.write('\n');

log('the mail\'s scale and a million-step search, each in its own process for its peak memory...');
const child = (mode: string, n: number) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./scale.ts', import.meta.url)), mode, String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`scale.ts ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number | string>;
};
const mailScale = child('boot', quick ? 2_000 : 100_000);
const millionSteps = child('search', quick ? 20_000 : 1_000_000);

log('worker threads: the default matrix, and one cell split into seed blocks, with 1 and with 2 workers...');
/** Medians of the wall time with 1 and with 2 workers, measured alternately. */
const oneAndTwo = async (opts: ParallelOptions): Promise<{ oneWorkerMs: number; twoWorkersMs: number; speedup: number }> => {
  const w1: number[] = [];
  const w2: number[] = [];
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    w1.push(await timedAsync(() => checkInWorkers({ ...opts, workers: 1 })));
    w2.push(await timedAsync(() => checkInWorkers({ ...opts, workers: 2 })));
  }
  return { oneWorkerMs: round(median(w1)), twoWorkersMs: round(median(w2)), speedup: round(median(w1) / median(w2), 2) };
};
const matrix = { runs: quick ? 10 : 100 };
const matrixWorkers = await oneAndTwo(matrix);
// A cell with no violation to shrink, so its blocks take alike time: the case one large cell on many cores is.
const bigCell = { designs: ['per-task-proxy'], profiles: ['x2' as const], runs: quick ? 400 : 8_000, blockRuns: quick ? 100 : 1_000 };
const bigCellWorkers = await oneAndTwo(bigCell);

const report = {
  format: 'fpcheck-bench',
  version: 1,
  quick,
  machine,
  steps,
  kernel: { nodes: kernel, confined, largestOverSmallest: { map: round(flatness.map, 2), unmap: round(flatness.unmap, 2), flush: round(flatness.flush, 2) } },
  findAndShrink: violations.map((v) => ({ ...v, findMs: round(v.findMs, 1), shrinkMs: round(v.shrinkMs, 1) })),
  mailScale,
  millionSteps,
  workers: { runsPerCell: matrix.runs, ...matrixWorkers, oneCell: { cell: 'per-task-proxy/x2', runs: bigCell.runs, blockRuns: bigCell.blockRuns, ...bigCellWorkers } },
};
const out = fileURLToPath(new URL('../bench.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

// The table.
const pad = (s: unknown, n: number) => String(s).padStart(n);
console.log(`\nfpcheck bench${quick ? ' (quick)' : ''} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);
console.log('World steps per second, every invariant after every step (default world):');
console.log(`  ${'design'.padEnd(20)}${'profile'.padEnd(11)}${pad('pre-generated', 15)}${pad('end to end', 12)}${pad('full re-check', 15)}${pad('incr/full', 11)}`);
for (const s of steps) console.log(`  ${s.design.padEnd(20)}${s.profile.padEnd(11)}${pad(s.pregeneratedPerSecond, 15)}${pad(s.endToEndPerSecond, 12)}${pad(s.fullRecheckPerSecond, 15)}${pad(`${s.incrementalOverFull}x`, 11)}`);
console.log('\nKernel operations, microseconds each (median):');
for (const k of [...kernel, confined]) console.log(`  ${pad(k.nodes, 7)} nodes, pages spread over ${pad(k.span, 7)}: map ${k.mapUs.toFixed(2)}  unmap ${k.unmapUs.toFixed(2)}  flush ${k.flushUs.toFixed(2)}`);
console.log(`  largest over smallest: map ${report.kernel.largestOverSmallest.map}x, unmap ${report.kernel.largestOverSmallest.unmap}x, flush ${report.kernel.largestOverSmallest.flush}x`);
console.log(`\nFind and shrink, median over ${seeds} seeds (ms):`);
for (const v of report.findAndShrink) console.log(`  ${v.violation.padEnd(72)} find ${pad(v.findMs, 7)}  shrink ${pad(v.shrinkMs, 7)}  found in ${v.foundIn}/${v.seeds}`);
const under = report.findAndShrink.filter((v) => v.findMs + v.shrinkMs < 1000).length;
console.log(`  ${under} of ${report.findAndShrink.length} found and shrunk in under one second (median)`);
console.log(`\n192 MiB (49,152 pages), one world: boot ${round(Number(mailScale.bootMs), 1)} ms, ${mailScale.steps} steps at ${round(Number(mailScale.stepsPerSecond))}/s, up to ${mailScale.maxNodes} nodes, peak RSS ${round(Number(mailScale.peakRssMb))} MiB`);
console.log(`Search of ${millionSteps.steps} steps (${millionSteps.runs} runs): ${round(Number(millionSteps.stepsPerSecond))}/s, heap ${round(Number(millionSteps.heapFirstMb))} -> ${round(Number(millionSteps.heapLastMb))} MiB, peak RSS ${round(Number(millionSteps.peakRssMb))} MiB`);
console.log(`Default matrix at ${matrix.runs} runs per cell: 1 worker ${matrixWorkers.oneWorkerMs} ms, 2 workers ${matrixWorkers.twoWorkersMs} ms (${matrixWorkers.speedup}x)`);
console.log(`One cell (per-task-proxy/x2), ${bigCell.runs} runs in blocks of ${bigCell.blockRuns}: 1 worker ${bigCellWorkers.oneWorkerMs} ms, 2 workers ${bigCellWorkers.twoWorkersMs} ms (${bigCellWorkers.speedup}x)`);
console.log(`\nWrote ${out}`);
