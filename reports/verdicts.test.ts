import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG, designNamed } from '../model/index.ts';
import { INVARIANTS, searchCell } from '../properties/index.ts';
import { showVerdict, verdictOf, wilsonLower } from './index.ts';

describe('verdicts and evidence', () => {
  test('the Wilson bound lies below the observed share and tightens with more runs', () => {
    expect(wilsonLower(30, 100)).toBeLessThan(0.3);
    expect(wilsonLower(300, 1000)).toBeGreaterThan(wilsonLower(30, 100));
    expect(wilsonLower(0, 0)).toBe(0);
  });

  test('a run that never deallocates turns the safety verdict into insufficient evidence', () => {
    const weights = { alloc: 5, request: 12, share: 5, release: 0, dealloc: 0, map: 4, grant: 0, unmap: 2, touch: 4, exit: 0 };
    const opts = { runs: 150, maxCommands: 40, seed: 9, certifyTransitions: 0 };
    const thin = searchCell(designNamed('per-task-proxy')!, 'split', DEFAULT_CONFIG, INVARIANTS, { ...opts, weights });
    const full = searchCell(designNamed('per-task-proxy')!, 'split', DEFAULT_CONFIG, INVARIANTS, opts);
    const cell = (r: typeof thin) => ({ design: r.design, profile: r.profile, blocks: r.blocks, interrupted: false, timedOut: false, stats: r.stats, findings: [] });
    expect(verdictOf(cell(thin), 'safety')).toMatchObject({ kind: 'insufficient-evidence', invariant: 'safety.no-extant-after-dealloc' });
    expect(verdictOf(cell(full), 'safety').kind).toBe('holds');
  });

  test('an invariant never checked non-vacuously (no share required) is reported vacuous, never holds', () => {
    // No grant is drawn, so no kernel refusal is met: structure.refused-changes-nothing is vacuous in every run.
    const weights = { alloc: 5, request: 12, share: 5, release: 3, dealloc: 3, map: 4, grant: 0, unmap: 2, touch: 4, exit: 1 };
    const r = searchCell(designNamed('direct-exact')!, 'x2', DEFAULT_CONFIG, INVARIANTS, { runs: 60, maxCommands: 30, seed: 3, certifyTransitions: 0, weights });
    expect(r.stats.invariants['structure.refused-changes-nothing']!.runsNonVacuous).toBe(0);
    const cell = { design: r.design, profile: r.profile, blocks: r.blocks, interrupted: false, timedOut: false, stats: r.stats, findings: [] };
    const v = verdictOf(cell, 'structure');
    expect(v).toMatchObject({ kind: 'insufficient-evidence', invariant: 'structure.refused-changes-nothing', share: 0 });
    expect(showVerdict(v)).toBe('vacuous (structure.refused-changes-nothing never checked)');
  });
});
