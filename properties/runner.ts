import fc from 'fast-check';
import { World, type Command } from '../model/index.ts';
import { AddressHistory, argumentClasses, DEFAULT_WEIGHTS, drawIntent, intentArbitrary, trimChoices, type CommandWeights, type Intent } from './arbitraries.ts';
import type { Invariant } from './invariant.ts';
import { minimize } from './minimize.ts';
import type { RunCounter } from './stats.ts';
import { judge, runCommands, type Scenario, type Violation } from './trace.ts';

/**
 * What the random searches share: a fast-check model run of a world whose every step is judged,
 * and the short search the certification uses. A module of its own so that imports go one way:
 * search.ts and verify/certify.ts both import it, and it imports neither.
 */

export class ViolationFound extends Error {
  constructor(readonly violation: Violation) {
    super(`${violation.invariant} at step ${violation.step}: ${violation.message}`);
  }
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
  opts: { readonly runs: number; readonly maxCommands: number; readonly seed: number; readonly weights?: CommandWeights; readonly shouldStop?: () => boolean },
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
  const result = fc.check(property, { seed: opts.seed, numRuns: opts.runs, ...(opts.shouldStop ? { plugins: [stopWhen(opts.shouldStop)] } : {}) });
  if (!result.failed || !result.counterexample) return null;
  const shrunk = concrete(scenario, checked, [...result.counterexample[0]].map((c) => unwrap(c).intent));
  const first = runCommands(scenario, shrunk, checked).violation;
  return first?.invariant === target ? minimize(scenario, shrunk, checked, target) : null;
}


/** The system under test for fast-check's model run: a world whose every step is judged by the invariants. */
export class Runner {
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
export class StepCommand implements fc.Command<Runner, Runner> {
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
export function concrete(scenario: Scenario, invariants: readonly Invariant[], intents: readonly Intent[]): Command[] {
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
export const stopWhen =
  <Ts>(shouldStop: () => boolean): fc.Plugin<Ts> =>
  () => ({ decorateRun: (run) => (value) => (shouldStop() ? new fc.PreconditionFailure(true) : run(value)) });

/** fast-check hands back its own wrappers around our commands. */
export const unwrap = (c: unknown): StepCommand => ((c as { cmd?: StepCommand }).cmd ?? (c as StepCommand));
