import fc from 'fast-check';
import { World, type Command, type Design, type ProfileName, type WorldConfig } from '../model/index.ts';
import { AddressHistory, argumentClasses, DEFAULT_WEIGHTS, drawIntent, intentArbitrary, trimChoices, type CommandWeights, type Intent } from './arbitraries.ts';
import type { Invariant } from './invariant.ts';
import { minimize } from './minimize.ts';
import type { ExhaustiveResult } from './verify/bfs.ts';
import { certify, DEFAULT_CERTIFY_TRANSITIONS } from './verify/certify.ts';
import { cellSeed } from './seed.ts';
import type { BlockPart } from './blocks.ts';
import { emptyStats, RunCounter } from './stats.ts';
import { judge, runCommands, type Scenario, type Violation } from './trace.ts';

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

class ViolationFound extends Error {
  constructor(readonly violation: Violation) {
    super(`${violation.invariant} at step ${violation.step}: ${violation.message}`);
  }
}

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
    findings.push(budget > 0 && new World(config, design, profile).branchable ? certify(design, profile, config, checked, found, { maxTransitions: budget, seed }) : found);
    opts.onPhase?.({ kind: 'certified', invariant: first.invariant });
    active = active.filter((i) => i.name !== first.invariant);
  }
  return { design: design.name, profile, blocks: [block], findings, stats, interrupted, timedOut };
}

/**
 * Looks for a sequence of at most `maxCommands` commands whose first violation, of the
 * `checked` invariants, is `target`: fast-check's runs of short sequences, the failure shrunk and
 * made 1-minimal. The certification uses it to complete a proof: once an exhaustive search has
 * shown that no shorter sequence breaks the target, any sequence of the next length that does
 * is the shortest there is. Deterministic for a seed.
 */
export function searchShort(
  scenario: Scenario,
  checked: readonly Invariant[],
  target: string,
  opts: { readonly runs: number; readonly maxCommands: number; readonly seed: number; readonly weights?: CommandWeights },
): { commands: Command[]; violation: Violation } | null {
  const anyCommand = intentArbitrary(scenario.config, scenario.profile, opts.weights ?? DEFAULT_WEIGHTS).map((i) => new StepCommand(i));
  const property = fc.property(fc.commands([anyCommand], { maxCommands: opts.maxCommands, size: 'max' }), (cmds) => {
    const runner = new Runner(scenario, checked, null);
    try {
      fc.modelRun(() => ({ model: runner, real: runner }), cmds);
    } catch (e) {
      if (!(e instanceof ViolationFound)) throw e;
      // Only the target counts; a run that breaks another invariant first ends without failing.
      if (e.violation.invariant === target) throw e;
    }
  });
  const result = fc.check(property, { seed: opts.seed, numRuns: opts.runs });
  if (!result.failed || !result.counterexample) return null;
  const shrunk = concrete(scenario, checked, [...result.counterexample[0]].map((c) => unwrap(c).intent));
  const first = runCommands(scenario, shrunk, checked).violation;
  return first?.invariant === target ? minimize(scenario, shrunk, checked, target) : null;
}

/** The system under test for fast-check's model run: a world whose every step is judged by the invariants. */
class Runner {
  readonly world: World;
  private step = 0;
  constructor(
    private readonly scenario: Scenario,
    private readonly invariants: readonly Invariant[],
    readonly counter: RunCounter | null,
  ) {
    this.world = new World(scenario.config, scenario.design, scenario.profile);
  }

  /** The concrete command an intent means now, or null when it fits nothing or the world would refuse it (counted either way). */
  resolve(intent: Intent): Command | null {
    const { command, drawn } = drawIntent(intent, this.world, this.history);
    if (this.counter) {
      const c = command ?? (drawn.kind === 'refused' ? drawn.command : null);
      this.counter.drawn(c?.kind ?? intent.kind, drawn, c ? argumentClasses(c, this.world, this.history) : NO_CLASSES);
    }
    return command;
  }

  readonly log: Command[] = [];
  private readonly history = new AddressHistory();

  apply(command: Command): void {
    const obs = this.world.step(command);
    // The saved command carries only the kernel choices its step used.
    this.log.push(trimChoices(command, obs.choicesUsed));
    if (obs.outcome.kind === 'applied') this.history.note(command);
    const verdicts = judge(this.invariants, obs, this.world);
    this.counter?.step({ obs, verdicts }, this.world);
    const bad = verdicts.find((v) => v.kind === 'violated');
    if (bad) throw new ViolationFound({ invariant: bad.invariant, step: this.step, message: bad.message! });
    this.step++;
  }
}

const NO_CLASSES: readonly string[] = [];

/** fast-check's model-based command: a thin wrapper over one plain-data world command. */
class StepCommand implements fc.Command<Runner, Runner> {
  /** What `check` resolved; fast-check calls `run` right after `check` on the same state, so it is reused. */
  private resolved: Command | null = null;
  constructor(readonly intent: Intent) {}
  /** Intents that fit nothing, and commands the world would refuse outright, are skipped: they cannot change anything. */
  check(m: Readonly<Runner>): boolean {
    this.resolved = m.resolve(this.intent);
    return this.resolved !== null;
  }
  run(_model: Runner, real: Runner): void {
    // fast-check calls `check` first on the same runner, so `resolved` is set (and the intent counted once).
    real.apply(this.resolved!);
    this.resolved = null;
  }
  toString(): string {
    return JSON.stringify(this.intent);
  }
}

/** The concrete commands a list of intents resolves to, up to and including the first violation. */
function concrete(scenario: Scenario, invariants: readonly Invariant[], intents: readonly Intent[]): Command[] {
  const runner = new Runner(scenario, invariants, null);
  try {
    for (const i of intents) {
      const c = runner.resolve(i);
      if (c) runner.apply(c);
    }
  } catch (e) {
    if (!(e instanceof ViolationFound)) throw e;
  }
  return runner.log;
}

/** Ends fast-check's runs, or its shrinking, as soon as `shouldStop` says so; what was found so far is kept. */
const stopWhen =
  <Ts>(shouldStop: () => boolean): fc.Plugin<Ts> =>
  () => ({ decorateRun: (run) => (value) => (shouldStop() ? new fc.PreconditionFailure(true) : run(value)) });

/** fast-check hands back its own wrappers around our commands. */
const unwrap = (c: unknown): StepCommand => ((c as { cmd?: StepCommand }).cmd ?? (c as StepCommand));
