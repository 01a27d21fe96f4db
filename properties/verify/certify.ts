import type { Command, CommandKind, Design, ProfileName, WorldConfig } from '../../model/index.ts';
import { DEFAULT_WEIGHTS, type CommandWeights } from '../arbitraries.ts';
import type { Invariant } from '../invariant.ts';
import type { Finding } from '../finding.ts';
import { searchShort } from '../runner.ts';
import { exhaustiveSearch } from './bfs.ts';

/** The default budget of a search for a shorter counterexample, in transitions judged: it does not depend on speed, so runs stay reproducible. */
export const DEFAULT_CERTIFY_TRANSITIONS = 2_000_000;

/** What a certification may spend: transitions (deterministic), and the cell's deadline and interrupts (which leave the finding `unknown`). */
export interface CertifyBudget {
  readonly maxTransitions: number;
  readonly seed: number;
  /** Milliseconds since the epoch: the cell's time limit, which the certification keeps to. */
  readonly deadline?: number;
  /** Polled between states and runs; true stops the certification (interrupts). */
  readonly shouldStop?: () => boolean;
}

/** Runs of each short random search that tries to complete a proof (sequences of one length, so each run is cheap): a hundredth of the budget, at most 30,000. */
const shortRuns = (maxTransitions: number): number => Math.min(30_000, Math.ceil(maxTransitions / 100));

/** Command weights that draw the kinds of `commands` as often as they occur there: a longer counterexample hints at the kinds a shorter one needs. */
function weightsOf(commands: readonly Command[]): CommandWeights {
  const w: Record<CommandKind, number> = { alloc: 0, request: 0, share: 0, release: 0, dealloc: 0, map: 0, grant: 0, unmap: 0, touch: 0, exit: 0 };
  for (const c of commands) w[c.kind]++;
  return w;
}

/**
 * Looks for a counterexample shorter than `finding`, with the finding's checked invariants,
 * until the same invariant is the first violated:
 * 1. breadth-first over every sequence of fewer commands, depth by depth, not starting a depth
 *    whose estimated cost would overrun the budget. A counterexample met there is the shortest.
 * 2. If some depth D was exhausted but the next was not searched, no counterexample has D
 *    commands or fewer; a short random search for one of D + 1 commands then completes the
 *    proof when it finds one (it is then the shortest there is). It draws first the command
 *    kinds of the finding, then all kinds as the main search does.
 * 3. Failing that, breadth-first again with the whole budget into depth D + 1.
 * Returns the shortest found, the finding certified shortest, or the finding marked `unknown`.
 * Pure (deterministic for a seed).
 */
export function certify(design: Design, profile: ProfileName, config: WorldConfig, checked: readonly Invariant[], finding: Finding, budget: CertifyBudget): Finding {
  const target = finding.violation.invariant;
  if (finding.commands.length <= 1) return { ...finding, shortest: true, certified: { depth: 0, transitions: 0 } };
  const depth = finding.commands.length - 1;
  // The cell's deadline and interrupts cover the certification too: stopped, the finding stays `unknown` and says why.
  const late = () => budget.deadline !== undefined && Date.now() > budget.deadline;
  const stop = () => late() || (budget.shouldStop?.() ?? false);
  const stopped = (r: { depthDone: number; transitions: number }): Finding => ({ ...finding, shortest: 'unknown', certified: { depth: r.depthDone, transitions: r.transitions }, notCertified: late() ? 'time limit' : 'interrupted' });
  const search = (estimate: boolean) => exhaustiveSearch(design, profile, config, checked, { depth, target, maxTransitions: budget.maxTransitions, countLastDepth: false, estimateLayers: estimate, shouldStop: stop });
  if (stop()) return stopped({ depthDone: 0, transitions: 0 });
  const first = search(true);
  const shortest = (commands: readonly Finding['commands'][number][], violation: Finding['violation'], transitions: number, states: number): Finding => ({
    ...finding,
    violation,
    commands,
    shortest: true,
    certified: { depth: commands.length - 1, transitions },
    provenance: { search: 'exhaustive', states, transitions },
  });
  const found = (r: ReturnType<typeof search>) => r.violations.find((v) => v.violation.invariant === target);
  const f1 = found(first);
  if (f1) return shortest(f1.commands, f1.violation, first.transitions, first.states);
  if (first.depthDone === depth) return { ...finding, shortest: true, certified: { depth, transitions: first.transitions } };
  if (first.stoppedBy === 'stopped') return stopped(first);
  const next = first.depthDone + 1;
  for (const weights of [weightsOf(finding.commands), DEFAULT_WEIGHTS]) {
    if (stop()) return stopped(first);
    const short = searchShort({ config, design, profile }, checked, target, { runs: shortRuns(budget.maxTransitions), maxCommands: next, seed: budget.seed, weights, shouldStop: stop });
    if (short && short.commands.length === next) {
      return { ...finding, violation: short.violation, commands: short.commands, shortest: true, certified: { depth: first.depthDone, transitions: first.transitions } };
    }
  }
  if (stop()) return stopped(first);
  const second = search(false);
  const f2 = found(second);
  if (f2) return shortest(f2.commands, f2.violation, second.transitions, second.states);
  if (second.stoppedBy === 'stopped') return stopped({ depthDone: second.depthDone, transitions: first.transitions + second.transitions });
  return second.depthDone === depth
    ? { ...finding, shortest: true, certified: { depth, transitions: second.transitions } }
    : { ...finding, shortest: 'unknown', certified: { depth: second.depthDone, transitions: first.transitions + second.transitions } };
}
