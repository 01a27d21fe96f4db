import type { CheckOptions } from '../check.ts';
import type { CellResult } from '../search.ts';

/** What crosses to a worker thread at start: plain data only, so designs travel by registered name. */
export interface WorkerSetup {
  readonly options: Omit<CheckOptions, 'designs' | 'invariants' | 'shouldStop' | 'onProgress' | 'onFinding'> & { readonly designs?: readonly string[] };
  /** One Int32: set to 1 by the main thread to stop every search between runs. */
  readonly stop: SharedArrayBuffer;
}

/** Main thread to worker: search seed block `unit` of the plan, or finish. */
export type ToWorker = { readonly kind: 'unit'; readonly unit: number; readonly deadline?: number } | { readonly kind: 'close' };

/** Worker to main thread. */
export type FromWorker =
  | { readonly kind: 'progress'; readonly unit: number; readonly runs: number }
  | { readonly kind: 'done'; readonly unit: number; readonly result: CellResult };
