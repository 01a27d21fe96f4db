import type { ProfileName, WorldConfig } from '../../model/index.ts';

/** The exhaustive search's data for each pool thread: plain data, so the invariants travel by registered name (the design as a `DesignRef`). */
export interface VerifyWorkerData {
  readonly profile: ProfileName;
  readonly config: WorldConfig;
  readonly invariants: readonly string[];
  readonly symmetry: boolean;
  readonly paranoid: boolean;
}

/** One job: expand these stored states (their paths as `StateStore.encodePath` writes them: rows and transition numbers, which the worker reads back by enumerating each parent's transitions); reply: their `Expansion`s in row order. */
export interface ExpandJob {
  readonly rows: Int32Array;
  readonly paths: Int32Array;
  readonly hash: boolean;
  readonly open: readonly boolean[];
}
