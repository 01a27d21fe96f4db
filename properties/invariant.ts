import type { StepObservation, WorldView } from '../model/index.ts';

/** The properties of the verdict matrix. */
export const PROPERTIES = ['safety', 'isolation', 'availability', 'service', 'structure'] as const;
export type Property = (typeof PROPERTIES)[number];

/** What one invariant says about one step. */
export type Verdict =
  | { readonly kind: 'holds' }
  /**
   * Its premise did not arise in this step (e.g. nothing was deallocated); `exempt` when it
   * arose but every case fell under a stated exemption (counted apart in the coverage report).
   */
  | { readonly kind: 'vacuous'; readonly exempt?: true }
  | { readonly kind: 'violated'; readonly message: string };

export const HOLDS: Verdict = { kind: 'holds' };
export const VACUOUS: Verdict = { kind: 'vacuous' };
export const EXEMPT: Verdict = { kind: 'vacuous', exempt: true };
export const violated = (message: string): Verdict => ({ kind: 'violated', message });

/**
 * A named invariant: a pure function of one step's observations and the world after it
 * (everything a step removed is in its observations, so no copy of the state before is needed).
 */
export interface Invariant {
  readonly name: string;
  readonly property: Property;
  /** What it states, in kernel terms. */
  readonly statement: string;
  /** When a check counts as non-vacuous, for the coverage report. */
  readonly premise: string;
  /** Minimum share of runs with at least one non-vacuous check before "holds" counts as evidence. */
  readonly minNonVacuousShare: number;
  check(obs: StepObservation, after: WorldView): Verdict;
}
