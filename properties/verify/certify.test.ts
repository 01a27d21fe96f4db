import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG, designNamed } from '../../model/index.ts';
import { check } from '../check.ts';
import { INVARIANTS } from '../invariants/index.ts';
import { certify } from './certify.ts';

/** The time limit covers the certification of each finding (issue 23 item 6): a stopped certification leaves the finding `unknown` and says why. */
describe('certification under a time limit', () => {
  const design = designNamed('shared-proxy')!;
  const found = () => {
    const r = check({ designs: ['shared-proxy'], profiles: ['x2'], runs: 40, certifyTransitions: 0 });
    const f = r.cells[0]!.findings.find((x) => x.commands.length > 2)!;
    expect(f).toBeDefined();
    return f;
  };

  test('a deadline already past: nothing is searched, the finding is not certified shortest (time limit)', () => {
    const f = found();
    const c = certify(design, 'x2', DEFAULT_CONFIG, INVARIANTS, f, { maxTransitions: 2 ** 40, seed: 1, deadline: Date.now() - 1 });
    expect(c).toMatchObject({ shortest: 'unknown', notCertified: 'time limit', certified: { depth: 0, transitions: 0 }, commands: f.commands });
  });

  test('an interrupt stops it the same way, and says so', () => {
    const f = found();
    let polls = 0;
    const c = certify(design, 'x2', DEFAULT_CONFIG, INVARIANTS, f, { maxTransitions: 2 ** 40, seed: 1, shouldStop: () => ++polls > 100 });
    expect(c).toMatchObject({ shortest: 'unknown', notCertified: 'interrupted' });
    expect(c.certified!.transitions).toBeLessThan(2 ** 40);
  });

  test('check({ timeLimitMs }) with an unbounded certification budget ends at its time limit: the cell is timed out, its findings certified or marked', () => {
    // Certifying this cell's 5-step finding takes seconds (a quarter of a million transitions); the limit is one second.
    const r = check({ designs: ['shared-proxy'], profiles: ['x2'], runs: 40, certifyTransitions: 2 ** 40, timeLimitMs: 1000 });
    const cell = r.cells[0]!;
    expect(cell.timedOut).toBe(true);
    expect(cell.findings.some((f) => f.notCertified === 'time limit')).toBe(true);
    for (const f of cell.findings) expect(f.shortest === true || f.notCertified === 'time limit').toBe(true);
  });

  test('without a deadline nothing is marked', () => {
    const f = found();
    const c = certify(design, 'x2', DEFAULT_CONFIG, INVARIANTS, f, { maxTransitions: 2000, seed: 1 });
    expect(c.notCertified).toBeUndefined();
  });
});
