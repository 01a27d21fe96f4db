import { match } from 'ts-pattern';
import { configProblems, designNamed, DESIGNS, type Command, type Design, type ProfileName } from '../../model/index.ts';
import { invariantNamed, runCommands, type Invariant, type TraceStep, type Violation } from '../../properties/index.ts';
import { BadFileError } from './errors.ts';
import type { CounterexampleFile } from './format.ts';
import { loadCounterexample } from './store.ts';

/** What replaying a saved counterexample showed. */
export type ReplayStatus =
  | { readonly kind: 'reproduces'; readonly violation: Violation }
  | { readonly kind: 'differs'; readonly violation: Violation }
  | { readonly kind: 'no-longer-fails' }
  /** A command no longer applies: the world refused it. */
  | { readonly kind: 'stale'; readonly step: number; readonly reason: string };

export interface ReplayResult {
  readonly file: string;
  readonly counterexample: CounterexampleFile;
  readonly status: ReplayStatus;
  readonly trace: readonly TraceStep[];
}

/** Replays a counterexample on a fresh world, from its content alone. Deterministic. */
export function replayCounterexample(c: CounterexampleFile, file = '(memory)', designs: readonly Design[] = DESIGNS): ReplayResult {
  // Each field can be in range while the whole makes no world (found by the fuzz campaign).
  const problems = configProblems(c.config, [c.profile as ProfileName]);
  if (problems.length > 0) throw new BadFileError(file, 'config', `describes no usable world: ${problems.join('; ')}`);
  const design = designs.find((d) => d.name === c.design);
  if (!design) throw new BadFileError(file, 'design', `unknown design ${JSON.stringify(c.design)}${designNamed(c.design) ? '' : ' (not a registered one: replay a design of your own through the library, giving it the design)'}`);
  if (!design.supports(c.profile as ProfileName)) throw new BadFileError(file, 'profile', `design ${c.design} does not run on ${c.profile}`);
  const invariants: Invariant[] = c.checked.map((name, i) => {
    const inv = invariantNamed(name);
    if (!inv) throw new BadFileError(file, `checked.${i}`, `unknown invariant ${JSON.stringify(name)}`);
    return inv;
  });
  if (!c.checked.includes(c.invariant)) throw new BadFileError(file, 'invariant', `${JSON.stringify(c.invariant)} is not among the checked invariants`);
  const trace: TraceStep[] = [];
  let stale: ReplayStatus | null = null;
  const { violation } = runCommands({ config: c.config, design, profile: c.profile as ProfileName }, c.commands as Command[], invariants, (s) => {
    trace.push(s);
    if (!stale && s.obs.outcome.kind === 'refused') stale = { kind: 'stale', step: s.obs.index, reason: s.obs.outcome.reason };
  });
  const status: ReplayStatus =
    stale ?? (!violation ? { kind: 'no-longer-fails' } : violation.invariant === c.invariant && violation.step === c.step ? { kind: 'reproduces', violation } : { kind: 'differs', violation });
  return { file, counterexample: c, status, trace };
}

/** Loads, validates and replays one file. Throws BadFileError for files that cannot be used. */
export function replayFile(path: string, designs: readonly Design[] = DESIGNS): ReplayResult {
  return replayCounterexample(loadCounterexample(path), path, designs);
}

/** One line per status, for the CLI and test messages. */
export const describeStatus = (s: ReplayStatus): string =>
  match(s)
    .with({ kind: 'reproduces' }, (r) => `reproduces: ${r.violation.invariant} at step ${r.violation.step}`)
    .with({ kind: 'differs' }, (r) => `differs: ${r.violation.invariant} at step ${r.violation.step}: ${r.violation.message}`)
    .with({ kind: 'no-longer-fails' }, () => 'no longer fails')
    .with({ kind: 'stale' }, (r) => `stale: step ${r.step} no longer applies (${r.reason})`)
    .exhaustive();
