import type { Design, ProfileName, WorldConfig } from '../../model/index.ts';
import type { Invariant } from '../invariant.ts';
import { designRef } from '../workers/designs.ts';
import { WorkerPool } from '../workers/pool.ts';
import { BreadthFirst, exhaustiveSearchYielding, type ExhaustiveOptions, type ExhaustiveResult } from './bfs.ts';
import { SearchSpace, type Expansion } from './expand.ts';
import type { ExpandJob, VerifyWorkerData } from './protocol.ts';

export interface PooledOptions extends ExhaustiveOptions {
  /** Worker threads that share each layer's states; 1 searches in this thread. */
  readonly workers: number;
  /** The invariants are the registered ones with these names, swapped for their full re-checks (workers rebuild them by name). */
  readonly paranoid?: boolean;
}

/**
 * `exhaustiveSearch` with each layer's states shared out over worker threads in batches: the
 * batches are merged in row order, so the states found, their numbering, the counterexamples and
 * the counts are the same for any number of workers. The workers load the design by name (a
 * registered one) or from its module (a user's); a failure in a worker rejects, naming the design.
 */
export async function exhaustiveSearchPooled(design: Design, profile: ProfileName, config: WorldConfig, invariants: readonly Invariant[], opts: PooledOptions): Promise<ExhaustiveResult> {
  // In this thread, yielding now and then: a signal must be able to stop it.
  if (opts.workers <= 1) return exhaustiveSearchYielding(design, profile, config, invariants, opts);
  const ref = designRef(design);
  const bfs = new BreadthFirst(new SearchSpace(design, profile, config, invariants, opts.symmetry ?? true), opts);
  const data: VerifyWorkerData = { profile, config, invariants: invariants.map((i) => i.name), symmetry: opts.symmetry ?? true, paranoid: opts.paranoid ?? false };
  const pool = new WorkerPool({ task: 'verify', designs: [ref], data }, opts.workers);
  try {
    while (bfs.going && !bfs.halted) {
      await layer(bfs, pool, opts);
      bfs.finishLayer();
    }
  } finally {
    await pool.close();
  }
  return bfs.result();
}

/** Expands the layer in hand over the pool, merging batches in order as they come back. */
async function layer(bfs: BreadthFirst, pool: WorkerPool, opts: PooledOptions): Promise<void> {
  const { from, to } = bfs.layer;
  const size = Math.max(1, Math.min(64, Math.ceil((to - from) / (pool.size * 8))));
  const batches = Math.ceil((to - from) / size);
  const done = new Map<number, readonly Expansion[]>();
  let next = 0;
  let merged = 0;
  const lane = async () => {
    for (;;) {
      if (bfs.stoppedBy === null && opts.shouldStop?.()) bfs.stoppedBy = 'stopped';
      if (bfs.stoppedBy !== null || next >= batches) return;
      const batch = next++;
      const rows: number[] = [];
      const paths: number[] = [];
      for (let r = from + batch * size; r < Math.min(to, from + (batch + 1) * size); r++) {
        rows.push(r);
        bfs.store.encodePath(r, paths);
      }
      const job: ExpandJob = { rows: Int32Array.from(rows), paths: Int32Array.from(paths), hash: bfs.keep, open: bfs.open };
      done.set(batch, await pool.submit<readonly Expansion[]>(job));
      for (let e = done.get(merged); e; e = done.get(merged)) {
        done.delete(merged);
        const first = from + merged * size;
        e.forEach((x, i) => bfs.merge(first + i, x));
        merged++;
      }
    }
  };
  await Promise.all(Array.from({ length: pool.size }, lane));
}
