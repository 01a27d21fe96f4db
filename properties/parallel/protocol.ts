import type { CheckOptions } from '../check.ts';
import type { CellResult } from '../search.ts';

/** What crosses to a worker thread at start: plain data only, so designs travel by registered name. */
export interface WorkerSetup {
  readonly options: Omit<CheckOptions, 'designs' | 'invariants' | 'shouldStop' | 'onProgress'> & { readonly designs?: readonly string[] };
  /** One Int32: set to 1 by the main thread to stop every search between runs. */
  readonly stop: SharedArrayBuffer;
}

/** Main thread to worker: search cell `cell` of the plan, or finish. */
export type ToWorker = { readonly kind: 'cell'; readonly cell: number } | { readonly kind: 'close' };

/** Worker to main thread. */
export type FromWorker =
  | { readonly kind: 'progress'; readonly cell: number; readonly runs: number }
  | { readonly kind: 'done'; readonly cell: number; readonly result: CellResult };
