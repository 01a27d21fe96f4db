import { describe, expect, test } from 'vitest';
import { DESIGNS, PROFILE_NAMES, VERIFY_CONFIG } from '../../model/index.ts';
import { cellsOf } from '../check.ts';
import { INVARIANTS } from '../invariants/index.ts';
import { exhaustiveSearch } from './bfs.ts';
import { referenceSearch } from './reference.ts';

/**
 * The fast search against the straightforward one on every default cell: the same states per
 * depth, the same invariants violated, and the same shortest counterexample for each (ties go to
 * the first in search order in both). Depth 3 in the test suite (a minute on 2 cores); set
 * FPCHECK_REFERENCE_DEPTH=4 for the deeper comparison (about half an hour).
 */
const DEPTH = Number(process.env.FPCHECK_REFERENCE_DEPTH ?? 3);

describe(`the exhaustive search agrees with the straightforward reference search on every default cell to depth ${DEPTH}`, () => {
  test.each(cellsOf(DESIGNS, PROFILE_NAMES).map((c) => [c.design.name, c.profile, c] as const))('%s on %s', (_d, _p, cell) => {
    const fast = exhaustiveSearch(cell.design, cell.profile, VERIFY_CONFIG, INVARIANTS, { depth: DEPTH });
    const ref = referenceSearch(cell.design, cell.profile, VERIFY_CONFIG, INVARIANTS, DEPTH);
    expect(fast.statesPerDepth.slice(0, ref.statesPerDepth.length)).toEqual(ref.statesPerDepth);
    const shortest = (vs: ReadonlyArray<{ invariant: string; commands: readonly unknown[] }>) => Object.fromEntries(vs.map((v) => [v.invariant, v.commands]));
    expect(shortest(fast.violations.map((v) => ({ invariant: v.violation.invariant, commands: v.commands })))).toEqual(shortest(ref.violations));
  }, 600_000);
});
