import type { ProfileName, WorldConfig } from '../../model/index.ts';
import type { Expansion } from './expand.ts';

/** What crosses to a search worker at start: plain data, so the design and invariants travel by registered name. */
export interface VerifyWorkerSetup {
  readonly design: string;
  readonly profile: ProfileName;
  readonly config: WorldConfig;
  readonly invariants: readonly string[];
  readonly symmetry: boolean;
  readonly paranoid: boolean;
}

/** Main thread to worker: expand these stored states (their paths given as `StateStore.encodePath` writes them), or finish. */
export type ToVerifyWorker =
  | { readonly kind: 'expand'; readonly batch: number; readonly rows: Int32Array; readonly paths: Int32Array; readonly hash: boolean; readonly open: readonly boolean[] }
  | { readonly kind: 'close' };

/** Worker to main thread: the expansions of a batch, in row order; or why the worker could not go on. */
export type FromVerifyWorker = { readonly kind: 'expanded'; readonly batch: number; readonly expansions: readonly Expansion[] } | { readonly kind: 'failed'; readonly batch: number; readonly message: string };
