import fc from 'fast-check';
import type { Command, Design, ProfileName, WorldConfig } from '../../model/index.ts';
import type { Invariant } from '../../properties/index.ts';
import type { StepLib } from './lib.ts';
import { median, timed } from './measure.ts';

/**
 * Command lists as the search would run them: intents sampled by fast-check, each resolved
 * against the world as it stands and kept when the world accepts it. Deterministic in `seed`.
 */
export function pregenerate(lib: StepLib, design: Design, profile: ProfileName, config: WorldConfig, lists: number, length: number, seed: number): Command[][] {
  const arb = fc.array(lib.intentArbitrary(config, profile, lib.DEFAULT_WEIGHTS), { minLength: length, maxLength: length });
  return fc.sample(arb, { seed, numRuns: lists }).map((intents) => {
    const world = new lib.World(config, design, profile);
    const out: Command[] = [];
    for (const i of intents) {
      const c = lib.applicableCommand(i, world);
      if (c) {
        world.step(c);
        out.push(c);
      }
    }
    return out;
  });
}

/** Replays every list on a fresh world, judging every invariant after every step (violations do not stop it). */
export function replayAll(lib: StepLib, design: Design, profile: ProfileName, config: WorldConfig, lists: readonly Command[][], invariants: readonly Invariant[]): number {
  let steps = 0;
  for (const list of lists) {
    const world = new lib.World(config, design, profile);
    for (const c of list) {
      lib.judge(invariants, world.step(c), world);
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
  /** Steps per second of the random search: generation, resolution, checking, counting and shrinking (no certification). */
  readonly endToEnd: number;
  readonly steps: number;
}

/**
 * Step rates of one design under each library, measured in alternation so that every library
 * sees the same machine state; the command lists are generated once and shared.
 */
export function stepRates(libs: readonly StepLib[], designName: string, profile: ProfileName, config: WorldConfig, o: { lists: number; length: number; reps: number; searchRuns: number }): StepRates[] {
  const lists = pregenerate(libs[0]!, libs[0]!.designNamed(designName)!, profile, config, o.lists, o.length, 1);
  const per = libs.map((lib) => {
    const design = lib.designNamed(designName)!;
    const full = lib.paranoid(lib.INVARIANTS);
    const steps = replayAll(lib, design, profile, config, lists, lib.INVARIANTS);
    replayAll(lib, design, profile, config, lists, full);
    return { lib, design, full, steps, inc: [] as number[], fullMs: [] as number[], e2e: [] as number[], searched: 0 };
  });
  const search = (p: (typeof per)[number]) => p.lib.searchCell(p.design, profile, config, p.lib.INVARIANTS, { runs: o.searchRuns, maxCommands: o.length, seed: 1, certifyTransitions: 0 }).stats.steps;
  for (const p of per) search(p);
  for (let r = 0; r < o.reps; r++) {
    for (const p of per) {
      p.inc.push(timed(() => replayAll(p.lib, p.design, profile, config, lists, p.lib.INVARIANTS)).ms);
      p.fullMs.push(timed(() => replayAll(p.lib, p.design, profile, config, lists, p.full)).ms);
      const e = timed(() => search(p));
      p.e2e.push(e.ms);
      p.searched = e.value;
    }
  }
  return per.map((p) => ({ pregenerated: (p.steps / median(p.inc)) * 1000, fullRecheck: (p.steps / median(p.fullMs)) * 1000, endToEnd: (p.searched / median(p.e2e)) * 1000, steps: p.steps }));
}
