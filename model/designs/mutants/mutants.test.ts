import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG, designNamed, World } from '../../index.ts';
import { check, INVARIANTS } from '../../../properties/index.ts';
import { PROPERTIES } from '../../../properties/invariant.ts';
import { DEEP_MUTANTS, MUTANTS } from './mutants.ts';

/** Seeds the default budget is held to: each mutant must be caught on at least 5 of them. */
const SEEDS = [1, 2, 3, 4, 5, 6];

describe.each(MUTANTS.map((m) => [m.design.name, m] as const))('%s', (_name, m) => {
  test(`differs from ${m.base} on a scenario written by hand`, () => {
    const base = new World(DEFAULT_CONFIG, designNamed(m.base)!, m.profile);
    const mutant = new World(DEFAULT_CONFIG, m.design, m.profile);
    let differs = false;
    for (const c of m.differsOn) {
      const [a, b] = [base.step(c), mutant.step(c)];
      expect(a.outcome.kind, `${c.kind} applies to ${m.base}`).toBe('applied');
      differs ||= a.outcome.kind !== b.outcome.kind || base.fingerprint() !== mutant.fingerprint();
    }
    expect(differs).toBe(true);
  });

  test(`the default search finds ${m.breaks} broken on at least 5 of ${SEEDS.length} seeds`, () => {
    expect(PROPERTIES).toContain(m.breaks);
    // Judged by the property's own invariants only: a search stops once they are all broken, and a
    // finding of another property (which the full search sets aside to go on) cannot stand in.
    const invariants = INVARIANTS.filter((i) => i.property === m.breaks);
    const names = invariants.map((i) => i.name);
    const caught = SEEDS.filter((seed) => {
      const r = check({ designs: [m.design], profiles: [m.profile], seed, invariants, certifyTransitions: 0 });
      return r.cells[0]!.findings.some((f) => names.includes(f.violation.invariant));
    });
    expect(caught.length, `caught on seeds ${caught.join(', ') || 'none'}`).toBeGreaterThanOrEqual(5);
  });
});

describe.each(DEEP_MUTANTS.map((m) => [m.design.name, m] as const))('%s (too deep for the default budget)', (_name, m) => {
  test(`its scenario breaks ${m.breaks} at the last step, and ${m.base} holds on it`, () => {
    const judged = (design: typeof m.design) => {
      const w = new World(DEFAULT_CONFIG, design, m.profile);
      const invariants = INVARIANTS.filter((i) => i.property === m.breaks);
      return m.differsOn.map((c) => {
        const o = w.step(c);
        return invariants.some((i) => i.check(o, w).kind === 'violated');
      });
    };
    expect(judged(m.design)).toEqual(m.differsOn.map((_c, i) => i === m.differsOn.length - 1));
    expect(judged(designNamed(m.base)!).some(Boolean)).toBe(false);
  });
});
