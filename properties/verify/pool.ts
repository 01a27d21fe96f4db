import { Worker } from 'node:worker_threads';
import type { Design, ProfileName, WorldConfig } from '../../model/index.ts';
import type { Invariant } from '../invariant.ts';
import { BreadthFirst, exhaustiveSearchYielding, type ExhaustiveOptions, type ExhaustiveResult } from './bfs.ts';
import { SearchSpace, type Expansion } from './expand.ts';
import type { FromVerifyWorker, ToVerifyWorker, VerifyWorkerSetup } from './protocol.ts';
import { workerUrl } from '../parallel/workerUrl.ts';

export interface PooledOptions extends ExhaustiveOptions {
  /** Worker threads that share each layer's states; 1 searches in this thread. */
  readonly workers: number;
  /** The invariants are the registered ones with these names, swapped for their full re-checks (workers rebuild them by name). */
  readonly paranoid?: boolean;
}

/**
 * `exhaustiveSearch` with each layer's states shared out over worker threads in batches: the
 * batches are merged in row order, so the states found, their numbering, the counterexamples and
 * the counts are the same for any number of workers. The design must be a registered one
 * (it crosses to the workers by name).
 */
export async function exhaustiveSearchPooled(design: Design, profile: ProfileName, config: WorldConfig, invariants: readonly Invariant[], opts: PooledOptions): Promise<ExhaustiveResult> {
  // In this thread, yielding now and then: a signal must be able to stop it.
  if (opts.workers <= 1) return exhaustiveSearchYielding(design, profile, config, invariants, opts);
  const bfs = new BreadthFirst(new SearchSpace(design, profile, config, invariants, opts.symmetry ?? true), opts);
  const setup: VerifyWorkerSetup = { design: design.name, profile, config, invariants: invariants.map((i) => i.name), symmetry: opts.symmetry ?? true, paranoid: opts.paranoid ?? false };
  const pool = Array.from({ length: opts.workers }, () => new Worker(workerUrl(import.meta.url, 'worker'), { workerData: setup }));
  try {
    while (bfs.going && !bfs.halted) {
      await layer(bfs, pool, opts);
      bfs.finishLayer();
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return bfs.result();
}

/** Expands the layer in hand over the pool, merging batches in order as they come back. */
function layer(bfs: BreadthFirst, pool: readonly Worker[], opts: PooledOptions): Promise<void> {
  const { from, to } = bfs.layer;
  const size = Math.max(1, Math.min(64, Math.ceil((to - from) / (pool.length * 8))));
  const batches = Math.ceil((to - from) / size);
  const done = new Map<number, readonly Expansion[]>();
  let next = 0;
  let merged = 0;
  let busy = 0;
  return new Promise<void>((resolve, reject) => {
    const free: Worker[] = [...pool];
    const onMessage = (w: Worker) => (m: FromVerifyWorker) => {
      busy--;
      free.push(w);
      if (m.kind === 'failed') return finish(new Error(`search worker failed on batch ${m.batch}: ${m.message}`));
      done.set(m.batch, m.expansions);
      try {
        for (let e = done.get(merged); e; e = done.get(merged)) {
          done.delete(merged);
          const first = from + merged * size;
          e.forEach((x, i) => bfs.merge(first + i, x));
          merged++;
        }
      } catch (err) {
        return finish(err as Error);
      }
      pump();
    };
    const listeners = pool.map((w) => {
      const l = onMessage(w);
      w.on('message', l);
      return l;
    });
    const finish = (err?: Error) => {
      pool.forEach((w, i) => w.off('message', listeners[i]!));
      if (err) reject(err);
      else resolve();
    };
    const pump = () => {
      if (bfs.stoppedBy === null && opts.shouldStop?.()) bfs.stoppedBy = 'stopped';
      while (bfs.stoppedBy === null && next < batches && free.length > 0) {
        const w = free.pop()!;
        const rows: number[] = [];
        const paths: number[] = [];
        for (let r = from + next * size; r < Math.min(to, from + (next + 1) * size); r++) {
          rows.push(r);
          bfs.store.encodePath(r, paths);
        }
        const msg: ToVerifyWorker = { kind: 'expand', batch: next++, rows: Int32Array.from(rows), paths: Int32Array.from(paths), hash: bfs.keep, open: bfs.open };
        busy++;
        w.postMessage(msg);
      }
      if (busy === 0 && (merged === batches || bfs.stoppedBy !== null)) finish();
    };
    pump();
  });
}
