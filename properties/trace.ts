import { World, type Command, type Design, type ProfileName, type StepObservation, type WorldConfig } from '../model/index.ts';
import type { Invariant } from './invariant.ts';

/** The first violation a command list meets. */
export interface Violation {
  readonly invariant: string;
  readonly step: number;
  readonly message: string;
}

/** One executed step and what each invariant said about it. */
export interface TraceStep {
  readonly obs: StepObservation;
  readonly verdicts: ReadonlyArray<{ readonly invariant: string; readonly kind: 'holds' | 'vacuous' | 'violated'; readonly message?: string; readonly exempt?: true }>;
}

export interface Scenario {
  readonly config: WorldConfig;
  readonly design: Design;
  readonly profile: ProfileName;
}

/** Every invariant's verdict on one step. */
export function judge(invariants: readonly Invariant[], obs: StepObservation, world: World): TraceStep['verdicts'] {
  return invariants.map((inv) => {
    const v = inv.check(obs, world);
    return v.kind === 'violated' ? { invariant: inv.name, kind: v.kind, message: v.message } : v.kind === 'vacuous' && v.exempt ? { invariant: inv.name, kind: v.kind, exempt: true } : { invariant: inv.name, kind: v.kind };
  });
}

/**
 * Replays `commands` on a fresh world, checking `invariants` after every step, and stops at
 * the first violation. Deterministic: the basis of search, minimisation and replay.
 * `onStep` sees each step (used for traces and counting).
 */
export function runCommands(
  scenario: Scenario,
  commands: readonly Command[],
  invariants: readonly Invariant[],
  onStep?: (step: TraceStep, world: World) => void,
): { readonly violation: Violation | null; readonly executed: number; readonly world: World } {
  const world = new World(scenario.config, scenario.design, scenario.profile);
  for (const [i, c] of commands.entries()) {
    const obs = world.step(c);
    const verdicts = judge(invariants, obs, world);
    onStep?.({ obs, verdicts }, world);
    const bad = verdicts.find((v) => v.kind === 'violated');
    if (bad) return { violation: { invariant: bad.invariant, step: i, message: bad.message! }, executed: i + 1, world };
  }
  return { violation: null, executed: commands.length, world };
}
