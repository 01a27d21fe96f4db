import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { match } from 'ts-pattern';
import { CellDeadlines, CellJoin, planOf, progressOf, resultOf, type CheckOptions, type CheckResult } from '../check.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.ts';
import { workerUrl } from './workerUrl.ts';

export interface ParallelOptions extends Omit<CheckOptions, 'designs' | 'invariants' | 'shouldStop'> {
  /** Registered design names (a design object cannot cross to another thread). */
  readonly designs?: readonly string[];
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
 */
export async function checkInWorkers(opts: ParallelOptions): Promise<CheckResult> {
  const { workers: wanted, signal, onProgress, onFinding, ...options } = opts;
  const plan = planOf(options);
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const setup: WorkerSetup = { options, stop: stop.buffer as SharedArrayBuffer };
  const join = new CellJoin(plan);
  const units = plan.units.length;
  const count = Math.max(1, Math.min(wanted ?? defaultWorkers(), units));
  let next = 0;
  const onAbort = () => Atomics.store(stop, 0, 1);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort);
  const progress = progressOf(plan, onProgress);
  const deadlines = new CellDeadlines(options.timeLimitMs);
  const pool = Array.from({ length: units === 0 ? 0 : count }, () => new Worker(workerUrl(import.meta.url, 'worker'), { workerData: setup }));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = (m: ToWorker) => w.postMessage(m);
            const feed = () => {
              if (next < units && Atomics.load(stop, 0) === 0) {
                progress(next, 0);
                const deadline = deadlines.of(plan.units[next]!.cell);
                send({ kind: 'unit', unit: next++, ...(deadline !== undefined ? { deadline } : {}) });
              } else send({ kind: 'close' });
            };
            w.on('message', (m: FromWorker) =>
              match(m)
                .with({ kind: 'progress' }, ({ unit, runs }) => progress(unit, runs))
                .with({ kind: 'done' }, ({ unit, result }) => {
                  progress(unit, result.stats.runs);
                  for (const f of result.findings) onFinding?.(f);
                  join.add(unit, result);
                  feed();
                })
                .exhaustive(),
            );
            w.on('error', reject);
            w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`search worker exited with code ${code}`))));
            feed();
          }),
      ),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(pool.map((w) => w.terminate()));
  }
  // Blocks finish out of order, and a stop leaves gaps: the join puts cells in matrix order and marks the gaps.
  const { cells, interrupted } = join.result();
  return resultOf(plan, cells, interrupted);
}
