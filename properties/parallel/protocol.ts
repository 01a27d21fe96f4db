import type { CheckOptions } from '../check.ts';

/** The random search's data for each pool thread: plain data only (the designs travel as `DesignRef`s). */
export interface CheckWorkerData {
  readonly options: Omit<CheckOptions, 'designs' | 'invariants' | 'shouldStop' | 'onProgress' | 'onFinding'>;
  /** One Int32: set to 1 by the main thread to stop every search between runs. */
  readonly stop: SharedArrayBuffer;
}

/** One job: search seed block `unit` of the plan (notes: runs done so far; reply: its `CellResult`). */
export interface CheckJob {
  readonly unit: number;
  readonly deadline?: number;
}
