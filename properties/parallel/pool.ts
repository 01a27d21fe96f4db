import { availableParallelism } from 'node:os';
import { DESIGNS, type Design } from '../../model/index.ts';
import { CellDeadlines, CellJoin, planOf, progressOf, resultOf, type CheckOptions, type CheckResult } from '../check.ts';
import type { CellResult } from '../search.ts';
import { designRef } from '../workers/designs.ts';
import { WorkerPool } from '../workers/pool.ts';
import type { CheckJob, CheckWorkerData } from './protocol.ts';

export interface ParallelOptions extends Omit<CheckOptions, 'invariants' | 'shouldStop'> {
  /** Worker threads; default: the number of cores. */
  readonly workers?: number;
  /** Aborting stops every search between runs; what was found so far is returned. */
  readonly signal?: AbortSignal;
}

export const defaultWorkers = (): number => availableParallelism();

/**
 * `check` spread over worker threads: each worker takes the next unsearched seed block. Every
 * block's seeds depend only on the run seed, its cell and its number, and blocks are joined back
 * in matrix order, so the result equals `check` with the same options whatever the worker count.
 * A user's design must be loadable by the workers (`Design.module`, or loaded from a config or
 * `--design`); a failure in a worker rejects the promise, naming the design.
 */
export async function checkInWorkers(opts: ParallelOptions): Promise<CheckResult> {
  const { workers: wanted, signal, onProgress, onFinding, designs: asked, ...rest } = opts;
  const designs: ReadonlyArray<Design | string> = asked ?? DESIGNS;
  const plan = planOf({ ...rest, designs });
  const refs = designs.map((d) => (typeof d === 'string' ? { name: d } : designRef(d)));
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const data: CheckWorkerData = { options: rest, stop: stop.buffer as SharedArrayBuffer };
  const join = new CellJoin(plan);
  const units = plan.units.length;
  const count = Math.max(1, Math.min(wanted ?? defaultWorkers(), units));
  let next = 0;
  const onAbort = () => Atomics.store(stop, 0, 1);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort);
  const progress = progressOf(plan, onProgress);
  const deadlines = new CellDeadlines(rest.timeLimitMs);
  const pool = units === 0 ? null : new WorkerPool({ task: 'check', designs: refs, data }, count);
  const lane = async () => {
    while (next < units && Atomics.load(stop, 0) === 0) {
      const unit = next++;
      progress(unit, 0);
      const deadline = deadlines.of(plan.units[unit]!.cell);
      const job: CheckJob = { unit, ...(deadline !== undefined ? { deadline } : {}) };
      const result = await pool!.submit<CellResult>(job, (runs) => progress(unit, runs as number));
      progress(unit, result.stats.runs);
      for (const f of result.findings) onFinding?.(f);
      join.add(unit, result);
    }
  };
  try {
    if (pool) await Promise.all(Array.from({ length: count }, lane));
  } catch (e) {
    // One failure stops the other threads' searches too.
    onAbort();
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await pool?.close();
  }
  // Blocks finish out of order, and a stop leaves gaps: the join puts cells in matrix order and marks the gaps.
  const { cells, interrupted } = join.result();
  return resultOf(plan, cells, interrupted);
}
