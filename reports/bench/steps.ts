import fc from 'fast-check';
import { World, type Command, type Design, type ProfileName, type WorldConfig } from '../../model/index.ts';
import { applicableCommand, DEFAULT_WEIGHTS, INVARIANTS, intentArbitrary, judge, paranoid, searchCell, type Invariant } from '../../properties/index.ts';
import { median, medianMs, timed } from './measure.ts';

/**
 * Command lists as the search would run them: intents sampled by fast-check, each resolved
 * against the world as it stands and kept when the world accepts it. Deterministic in `seed`.
 */
export function pregenerate(design: Design, profile: ProfileName, config: WorldConfig, lists: number, length: number, seed: number): Command[][] {
  const arb = fc.array(intentArbitrary(config, profile, DEFAULT_WEIGHTS), { minLength: length, maxLength: length });
  return fc.sample(arb, { seed, numRuns: lists }).map((intents) => {
    const world = new World(config, design, profile);
    const out: Command[] = [];
    for (const i of intents) {
      const c = applicableCommand(i, world);
      if (c) {
        world.step(c);
        out.push(c);
      }
    }
    return out;
  });
}

/** Replays every list on a fresh world, judging every invariant after every step (violations do not stop it). */
export function replayAll(design: Design, profile: ProfileName, config: WorldConfig, lists: readonly Command[][], invariants: readonly Invariant[]): number {
  let steps = 0;
  for (const list of lists) {
    const world = new World(config, design, profile);
    for (const c of list) {
      judge(invariants, world.step(c), world);
      steps++;
    }
  }
  return steps;
}

export interface StepRates {
  /** Steps per second on pre-generated commands, invariants checked incrementally. */
  readonly pregenerated: number;
  /** The same commands with the structure re-checked over the whole database every step. */
  readonly fullRecheck: number;
  /** Steps per second of the whole search: generation, resolution, checking, counting and shrinking. */
  readonly endToEnd: number;
  readonly steps: number;
}

export function stepRates(design: Design, profile: ProfileName, config: WorldConfig, o: { lists: number; length: number; reps: number; searchRuns: number }): StepRates {
  const lists = pregenerate(design, profile, config, o.lists, o.length, 1);
  const steps = replayAll(design, profile, config, lists, INVARIANTS);
  const full = paranoid(INVARIANTS);
  // Incremental and full re-check alternate in one loop, so both see the same machine state.
  const inc: number[] = [];
  const fullMs: number[] = [];
  replayAll(design, profile, config, lists, full);
  for (let r = 0; r < o.reps; r++) {
    inc.push(timed(() => replayAll(design, profile, config, lists, INVARIANTS)).ms);
    fullMs.push(timed(() => replayAll(design, profile, config, lists, full)).ms);
  }
  let searched = 0;
  const e2e = medianMs(o.reps, () => {
    searched = searchCell(design, profile, config, INVARIANTS, { runs: o.searchRuns, maxCommands: o.length, seed: 1 }).stats.steps;
  });
  return { pregenerated: (steps / median(inc)) * 1000, fullRecheck: (steps / median(fullMs)) * 1000, endToEnd: (searched / e2e) * 1000, steps };
}
