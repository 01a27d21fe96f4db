import type { Design, ProfileName, WorldConfig } from '../../model/index.ts';
import type { Invariant } from '../invariant.ts';
import type { Finding } from '../search.ts';
import { exhaustiveSearch } from './bfs.ts';

/** The default budget of a search for a shorter counterexample, in transitions judged: it does not depend on speed, so runs stay reproducible. */
export const DEFAULT_CERTIFY_TRANSITIONS = 2_000_000;

/**
 * Looks for a counterexample shorter than `finding` breadth-first: every command sequence of
 * fewer commands, with the finding's checked invariants, until the same invariant is the first
 * violated. Returns the shorter one found (then shortest by construction), or the finding
 * certified shortest, or the finding marked `unknown` when the budget ran out first. Pure.
 */
export function certify(design: Design, profile: ProfileName, config: WorldConfig, checked: readonly Invariant[], finding: Finding, maxTransitions: number): Finding {
  const target = finding.violation.invariant;
  if (finding.commands.length <= 1) return { ...finding, shortest: true, certified: { depth: 0, transitions: 0 } };
  const depth = finding.commands.length - 1;
  const r = exhaustiveSearch(design, profile, config, checked, { depth, target, maxTransitions, countLastDepth: false });
  const shorter = r.violations.find((v) => v.violation.invariant === target);
  if (shorter) {
    return {
      ...finding,
      violation: shorter.violation,
      commands: shorter.commands,
      shortest: true,
      certified: { depth: shorter.commands.length - 1, transitions: r.transitions },
      provenance: { search: 'exhaustive', states: r.states, transitions: r.transitions },
    };
  }
  return r.depthDone === depth ? { ...finding, shortest: true, certified: { depth, transitions: r.transitions } } : { ...finding, shortest: 'unknown', certified: { depth: r.depthDone, transitions: r.transitions } };
}
