import type { ProfileName, WorldConfig, Command } from '../model/index.ts';
import type { BlockPart } from './blocks.ts';
import type { Violation } from './trace.ts';
import type { ExhaustiveResult } from './verify/bfs.ts';

/** How a finding was found: by the random search (seed, fast-check path, shrinking), or by the exhaustive one. */
export type FindingOrigin =
  | { readonly search: 'random'; readonly seed: number; readonly path: string; readonly runsToFind: number; readonly shrinks: number; readonly foundLength: number }
  | { readonly search: 'exhaustive'; readonly states: number; readonly transitions: number };

/**
 * Whether a finding is the shortest there is: `true` once an exhaustive search to one command
 * less found no counterexample of the same invariant (or found this one breadth-first),
 * `unknown` when no such search was made or its budget ran out.
 */
export type Shortest = true | 'unknown';

/** A violation found by search and shrunk to a 1-minimal command list. */
export interface Finding {
  readonly design: string;
  readonly profile: ProfileName;
  readonly config: WorldConfig;
  /** The invariants checked, in order; replay checks the same. */
  readonly checked: readonly string[];
  readonly violation: Violation;
  readonly commands: readonly Command[];
  /** The seed block that found it; where blocks of one cell agree, the lowest block's finding is kept. */
  readonly block: number;
  readonly shortest: Shortest;
  /** How far the search for a shorter one went: every path of up to `depth` commands judged, in `transitions` transitions. */
  readonly certified?: { readonly depth: number; readonly transitions: number };
  /** Why the search for a shorter one stopped before its budget: the cell's time limit, or an interrupt (`shortest` is then `unknown`). */
  readonly notCertified?: 'time limit' | 'interrupted';
  readonly provenance: FindingOrigin;
  /** The run of its seed block (1-based) in which the random search met it (absent for the exhaustive search). */
  readonly run?: number;
}

/** What an exhaustive search of one cell did (absent for the random search). */
export interface ExhaustiveSummary extends Pick<ExhaustiveResult, 'depth' | 'depthDone' | 'states' | 'statesPerDepth' | 'transitions' | 'symmetry'> {
  /** Set when the figures are sums over this many shards' searches: a state reached under first commands of two shards counts in each. */
  readonly shards?: number;
  /** Set when the search stopped at its memory bound (at the last whole depth). */
  readonly memoryLimited?: true;
}

/** What the search of some seed blocks of one design x profile cell found and counted. */
export interface CellResult extends BlockPart<Finding> {
  readonly design: string;
  readonly profile: ProfileName;
  readonly exhaustive?: ExhaustiveSummary;
}

