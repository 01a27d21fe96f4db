import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG, designNamed } from '../model/index.ts';
import { check } from './check.ts';
import { INVARIANTS } from './invariants/index.ts';
import { searchCell } from './search.ts';

describe('the search', () => {
  test('finds, by itself, a safety violation of direct-exact on x2 and shrinks it to a few steps', () => {
    const r = searchCell(designNamed('direct-exact')!, 'x2', DEFAULT_CONFIG, INVARIANTS, { runs: 300, maxCommands: 60, seed: 7, certifyTransitions: 0 });
    const safety = r.findings.find((f) => f.violation.invariant.startsWith('safety.'));
    expect(safety).toBeDefined();
    expect(safety!.provenance).toMatchObject({ search: 'random' });
    expect(safety!.commands.length).toBeLessThanOrEqual(safety!.provenance.search === 'random' ? safety!.provenance.foundLength : 0);
  });

  test('finds nothing against per-task-proxy, and says how often each invariant was really checked', () => {
    const r = searchCell(designNamed('per-task-proxy')!, 'x2', DEFAULT_CONFIG, INVARIANTS, { runs: 150, maxCommands: 60, seed: 7, certifyTransitions: 0 });
    expect(r.findings).toEqual([]);
    expect(r.stats.runs).toBe(150);
    expect(r.stats.invariants['safety.no-extant-after-dealloc']!.holds).toBeGreaterThan(0);
  });

  test('gives identical findings for the same seed', () => {
    const opts = { designs: ['direct-exact', 'shared-proxy'], profiles: ['x2' as const], runs: 150, seed: 3, certifyTransitions: 20_000 };
    const strip = (r: ReturnType<typeof check>) => r.cells.map((c) => ({ findings: c.findings, stats: c.stats }));
    expect(strip(check(opts))).toEqual(strip(check(opts)));
  });

  test('with no dealloc, release or exit generated, safety cannot be put to the test', () => {
    const r = searchCell(designNamed('direct-exact')!, 'split', DEFAULT_CONFIG, INVARIANTS, {
      runs: 100,
      maxCommands: 40,
      seed: 1,
      weights: { alloc: 5, request: 12, share: 5, release: 0, dealloc: 0, map: 4, grant: 0, unmap: 2, touch: 4, exit: 0 },
    });
    expect(r.stats.invariants['safety.no-extant-after-dealloc']!.runsNonVacuous).toBe(0);
    expect(r.stats.commands.dealloc.generated).toBe(0);
  });

  test('every drawn intent is counted once (unfit, refused, applied or exhausted), and few name nothing', () => {
    const r = searchCell(designNamed('direct-exact')!, 'x2', DEFAULT_CONFIG, INVARIANTS, { runs: 120, maxCommands: 40, seed: 4, certifyTransitions: 0 });
    let ran = 0;
    let generated = 0;
    let unfit = 0;
    for (const [kind, c] of Object.entries(r.stats.commands)) {
      expect(c.unfit + c.refused + c.applied + c.exhausted, kind).toBe(c.generated);
      ran += c.applied + c.exhausted;
      generated += c.generated;
      unfit += c.unfit;
    }
    expect(r.stats.commands.touch.applied).toBeGreaterThan(0);
    expect(ran).toBeLessThanOrEqual(r.stats.steps);
    expect(unfit / generated).toBeLessThan(0.25);
  });

  test('the reach table shows every command kind drawn and applied, sends and unmaps of every shape, and requests of every kind of offset and address', () => {
    const r = check({ designs: ['per-task-proxy'], profiles: ['x2'], runs: 300, seed: 5, certifyTransitions: 0 }).cells[0]!.stats;
    for (const [kind, classes] of Object.entries(r.reach)) expect(Object.values(classes).some((n) => n.applied > 0), kind).toBe(true);
    const applied = (kind: keyof typeof r.reach, cls: string) => r.reach[kind][cls]?.applied ?? 0;
    for (const cls of ['inside one node', 'exactly one node', 'several nodes', 'partly empty', 'whole space']) {
      expect(applied('map', cls), `map ${cls}`).toBeGreaterThan(0);
      expect(applied('unmap', cls), `unmap ${cls}`).toBeGreaterThan(0);
    }
    for (const cls of ['offset aligned', 'offset misaligned', 'address reused', 'address fresh', 'target mapped']) expect(applied('request', cls), `request ${cls}`).toBeGreaterThan(0);
  });

  test('--paranoid (whole-database structure and safety checks) reaches the same verdicts and counts as the incremental checks', () => {
    const opts = { designs: ['direct-exact', 'shared-proxy', 'kernel-extension'], profiles: ['x2', 'pistachio', 'inner'] as const, runs: 60, seed: 11, certifyTransitions: 0 };
    const quick = check(opts);
    const full = check({ ...opts, paranoid: true });
    expect(quick.cells.flatMap((c) => c.findings).length + quick.cells[0]!.stats.steps).toBeGreaterThan(0);
    expect(full).toEqual(quick);
  });
});
