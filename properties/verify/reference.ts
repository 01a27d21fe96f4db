import { makesChoices, World, type Command, type Design, type ProfileName, type WorldConfig } from '../../model/index.ts';
import type { Invariant } from '../invariant.ts';
import { judge } from '../trace.ts';
import { acceptedCommands, forEachTransition } from './commands.ts';
import { MAX_SYMMETRIC_CLIENTS, permutations } from './expand.ts';

/** What the reference search found: states per depth and, per invariant, its first violation's commands. */
export interface ReferenceResult {
  readonly statesPerDepth: readonly number[];
  readonly violations: ReadonlyArray<{ readonly invariant: string; readonly commands: readonly Command[] }>;
}

/**
 * The straightforward breadth-first search `exhaustiveSearch` must agree with: every state held
 * as a world of its own, a copy per transition, every invariant judged on every transition, and
 * states told apart by their canonical text (the least text over every renaming of clients, for
 * a symmetric design): no hashing, no signatures, no stored paths, no workers. Slow and simple,
 * so that a disagreement points at the fast search. Stops deepening once every invariant is
 * violated, as the fast search does.
 */
export function referenceSearch(design: Design, profile: ProfileName, config: WorldConfig, invariants: readonly Invariant[], depth: number, symmetry = true): ReferenceResult {
  const symmetric = symmetry && design.symmetric === true && config.clients <= MAX_SYMMETRIC_CLIENTS;
  const perms = symmetric ? permutations(config.clients) : [Array.from({ length: config.clients }, (_, i) => i)];
  const canon = (w: World): string => {
    let least: string | null = null;
    for (const p of perms) {
      const t = w.fingerprint(p);
      if (least === null || t < least) least = t;
    }
    return least!;
  };
  const root = new World(config, design, profile);
  const choosing = makesChoices(root.kernel.profile);
  const seen = new Set([canon(root)]);
  const violations = new Map<string, readonly Command[]>();
  const statesPerDepth = [1];
  let layer: Array<{ world: World; path: readonly Command[] }> = [{ world: root, path: [] }];
  for (let d = 0; d < depth && violations.size < invariants.length; d++) {
    const next: typeof layer = [];
    for (const { world, path } of layer) {
      for (const c of acceptedCommands(world)) {
        forEachTransition(world, c, choosing, (ran, w, obs) => {
          const bad = judge(invariants, obs, w).find((v) => v.kind === 'violated');
          if (bad) {
            if (!violations.has(bad.invariant)) violations.set(bad.invariant, [...path, ran]);
            return;
          }
          const key = canon(w);
          if (seen.has(key)) return;
          seen.add(key);
          next.push({ world: w, path: [...path, ran] });
        });
      }
    }
    statesPerDepth.push(next.length);
    layer = next;
  }
  return { statesPerDepth, violations: [...violations].map(([invariant, commands]) => ({ invariant, commands })) };
}
