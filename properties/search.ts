import fc from 'fast-check';
import { World, type Design, type ProfileName, type WorldConfig } from '../model/index.ts';
import { DEFAULT_WEIGHTS, intentArbitrary, type CommandWeights } from './arbitraries.ts';
import type { CellResult, Finding } from './finding.ts';
import type { Invariant } from './invariant.ts';
import { minimize } from './minimize.ts';
import { concrete, Runner, StepCommand, stopWhen, unwrap, ViolationFound } from './runner.ts';
import { certify, DEFAULT_CERTIFY_TRANSITIONS } from './verify/certify.ts';
import { cellSeed } from './seed.ts';
import { emptyStats, RunCounter } from './stats.ts';
import { runCommands, type Scenario } from './trace.ts';

/** Search budget and knobs for one cell. */
export interface SearchOptions {
  readonly runs: number;
  readonly maxCommands: number;
  readonly seed: number;
  /** Which seed block of the cell this search is (0 unless the cell's budget is split; see `check`). */
  readonly block?: number;
  /** Stops the search at this time (milliseconds since the epoch): the cell's time limit. Makes results depend on speed; off by default. */
  readonly deadline?: number;
  readonly weights?: CommandWeights;
  /** Called after each search run, for progress displays. */
  readonly onRun?: (runsDone: number) => void;
  /** Polled between runs; true stops the search early (interrupts). */
  readonly shouldStop?: () => boolean;
  /** Told when each phase of the search begins or ends, so a benchmark can time them (the search itself has no clock). */
  readonly onPhase?: (e: SearchPhase) => void;
  /** Budget, in transitions, of the exhaustive search for a shorter counterexample after each finding (0: none). */
  readonly certifyTransitions?: number;
}

/** A round searches with the active invariants; a failure is then shrunk by fast-check and made 1-minimal. */
export type SearchPhase =
  | { readonly kind: 'round'; readonly round: number }
  | { readonly kind: 'failed'; readonly invariant: string }
  | { readonly kind: 'shrunk' }
  | { readonly kind: 'minimized'; readonly invariant: string }
  | { readonly kind: 'certified'; readonly invariant: string };

export const DEFAULT_SEARCH: Pick<SearchOptions, 'runs' | 'maxCommands' | 'seed'> = { runs: 300, maxCommands: 60, seed: 42 };

export type { Finding, FindingOrigin, Shortest, ExhaustiveSummary, CellResult } from './finding.ts';

/**
 * Searches one design on one kernel profile: fast-check generates command sequences, every
 * invariant is checked after every step, each failure is shrunk by fast-check and then made
 * 1-minimal. After a failure the violated invariant leaves the active set and the search goes
 * on with the remaining budget, so one cell can report several violations.
 */
export function searchCell(design: Design, profile: ProfileName, config: WorldConfig, invariants: readonly Invariant[], opts: SearchOptions): CellResult {
  const scenario: Scenario = { config, design, profile };
  const stats = emptyStats(invariants);
  const findings: Finding[] = [];
  let active = [...invariants];
  let runsLeft = opts.runs;
  let interrupted = false;
  let timedOut = false;
  const block = opts.block ?? 0;
  const anyCommand = intentArbitrary(config, profile, opts.weights ?? DEFAULT_WEIGHTS).map((i) => new StepCommand(i));
  for (let round = 0; runsLeft > 0 && active.length > 0 && !interrupted; round++) {
    let counting = true;
    let runsDone = 0;
    const checked = active;
    const property = fc.property(fc.commands([anyCommand], { maxCommands: opts.maxCommands, size: 'max' }), (cmds) => {
      const runner = new Runner(scenario, checked, counting ? new RunCounter(stats) : null);
      try {
        fc.modelRun(() => ({ model: runner, real: runner }), cmds);
      } catch (e) {
        if (!(e instanceof ViolationFound)) throw e;
        if (counting) opts.onPhase?.({ kind: 'failed', invariant: e.violation.invariant });
        counting = false;
        throw e;
      } finally {
        if (runner.counter) {
          runner.counter.finish(runner.world);
          opts.onRun?.(stats.runs);
          runsDone++;
        }
      }
    });
    const seed = cellSeed(opts.seed, design.name, profile, round, block);
    const remaining = opts.deadline === undefined ? undefined : opts.deadline - Date.now();
    if (remaining !== undefined && remaining <= 0) {
      timedOut = true;
      break;
    }
    opts.onPhase?.({ kind: 'round', round });
    const result = fc.check(property, {
      seed,
      numRuns: runsLeft,
      ...(remaining !== undefined ? { interruptAfterTimeLimit: remaining } : {}),
      ...(opts.shouldStop ? { plugins: [stopWhen(opts.shouldStop)] } : {}),
    });
    interrupted = opts.shouldStop?.() ?? false;
    // fast-check says `interrupted` when its time limit ended the round.
    timedOut ||= !interrupted && result.interrupted;
    runsLeft -= Math.max(runsDone, 1);
    if (!result.failed || !result.counterexample) break;
    opts.onPhase?.({ kind: 'shrunk' });
    const shrunk = concrete(scenario, checked, [...result.counterexample[0]].map((c) => unwrap(c).intent));
    const first = runCommands(scenario, shrunk, checked).violation;
    if (!first) throw new Error(`search for ${design.name} on ${profile}: fast-check's counterexample did not replay (seed ${seed})`);
    const min = minimize(scenario, shrunk, checked, first.invariant);
    opts.onPhase?.({ kind: 'minimized', invariant: first.invariant });
    const found: Finding = {
      design: design.name,
      profile,
      config,
      checked: checked.map((i) => i.name),
      violation: min.violation,
      commands: min.commands,
      block,
      run: opts.runs - runsLeft,
      shortest: min.commands.length === 1 ? true : 'unknown',
      provenance: { search: 'random', seed, path: result.counterexamplePath ?? '', runsToFind: runsDone, shrinks: result.numShrinks, foundLength: shrunk.length },
    };
    // A design that cannot be copied cannot be searched exhaustively: its findings stay `unknown`.
    const budget = opts.certifyTransitions ?? DEFAULT_CERTIFY_TRANSITIONS;
    const certified =
      budget > 0 && new World(config, design, profile).branchable
        ? certify(design, profile, config, checked, found, { maxTransitions: budget, seed, ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}), ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}) })
        : found;
    findings.push(certified);
    timedOut ||= certified.notCertified === 'time limit';
    interrupted ||= certified.notCertified === 'interrupted';
    opts.onPhase?.({ kind: 'certified', invariant: first.invariant });
    active = active.filter((i) => i.name !== first.invariant);
  }
  return { design: design.name, profile, blocks: [block], findings, stats, interrupted, timedOut };
}
