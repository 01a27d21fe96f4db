/**
 * Conservation catches a kernel model that loses memory. fpcheck 0.2's `fiasco` profile did: a
 * grant of a superpage into a range where the receiver held a base page was cut into base
 * pages, the first piece moved the whole node and the next pieces overmapped it, so neither task
 * kept the memory, and the structure checker called the result valid. The engine below is that
 * grant path, kept as it was, so the test shows the invariant failing on it.
 */
import { describe, expect, test } from 'vitest';
import { conservationBreach } from './conservation.ts';
import type { KernelEffect } from './effects.ts';
import type { KernelEngine, Transfer } from './engine.ts';
import { FiascoEngine } from './engines/fiasco/engine.ts';
import { fpage } from './fpage.ts';
import { Kernel } from './kernel.ts';
import { SIGMA0, virtualOf } from './mapdb.ts';
import { constantChoices, type ProfileName } from './profiles.ts';
import { Revoker } from './revoke.ts';
import { RWX } from './rights.ts';
import { checkStructure } from './structure.ts';

const any = constantChoices();

/** fpcheck 0.2's grant on the fiasco profile (model/kernel/kernel.ts `transfer` and `place` of that release, grant path only). */
class OldGrant extends FiascoEngine {
  override transfer(k: Kernel, t: Transfer, effect: KernelEffect, choices: never): void {
    if (t.kind !== 'grant') return super.transfer(k, t, effect, choices);
    const rv = new Revoker(k.db, effect);
    for (const src of k.db.inSpace(t.s, t.send)) {
      const n = k.db.get(src.id)!;
      const unit = n.order >= k.superpageOrder ? k.superpageOrder : 0;
      const to = { base: t.rcvBase + (n.vbase - t.send.base), order: unit };
      const smaller = k.db.inSpace(t.r, to).some((e) => e.order < unit);
      const places = smaller ? Array.from({ length: 2 ** unit }, (_, p) => ({ base: to.base + p, order: 0 })) : [to];
      for (const at of places) {
        for (const o of k.db.inSpace(t.r, at)) rv.removeSubtree(o.id, 'overmap');
        if (!k.db.has(n.id)) continue; // "map.sender-lost"
        effect.changed.push(k.db.update(n.id, { task: t.r, vbase: at.base }));
      }
    }
  }
}

function boot(profile: ProfileName, engine?: KernelEngine): Kernel {
  const k = new Kernel(32, profile, { superpageOrder: 3 });
  if (engine) (k as unknown as { engine: KernelEngine }).engine = engine;
  for (const t of ['physmem', 'a', 'b']) k.createTask(t, 5);
  for (const id of k.roots) {
    const r = k.db.get(id)!;
    k.map(SIGMA0, virtualOf(r), 'physmem', r.vbase, RWX, any);
  }
  return k;
}

describe('conservation of a map or grant', () => {
  test('the old grant of a superpage over a base page loses the superpage: conservation says so, the structure checker did not', () => {
    const k = boot('fiasco', new OldGrant());
    k.createTask('x', 0);
    k.map('physmem', fpage(1, 0), 'a', 1, RWX, any);
    const e = k.grant('physmem', fpage(8, 3), 'a', 0, RWX, any);
    expect(k.db.inSpace('physmem', fpage(8, 3))).toEqual([]);
    expect(k.db.inSpace('a', fpage(0, 3))).toEqual([]);
    expect(checkStructure(k)).toEqual([]);
    expect(conservationBreach(k, e)).toMatch(/^grant physmem -> a: frame 8, mapped at page 8 of physmem before, is held by neither physmem nor a/);
  });

  test("Fiasco's grant of the same superpage is demoted to a map and loses nothing", () => {
    const k = boot('fiasco');
    k.map('physmem', fpage(1, 0), 'a', 1, RWX, any);
    const e = k.grant('physmem', fpage(8, 3), 'a', 0, RWX, any);
    expect(e.branches).toContain('grant.demoted');
    expect(conservationBreach(k, e)).toBeNull();
    expect(k.db.inSpace('physmem', fpage(8, 3))).toHaveLength(1);
    expect(k.db.inSpace('a', fpage(0, 3))).toHaveLength(8);
  });

  test.each(['split', 'x2', 'fiasco', 'pistachio'] as const)('%s: a whole-node grant moves the memory, a map keeps it with the sender', (profile) => {
    const k = boot(profile);
    k.map('physmem', fpage(8, 3), 'a', 8, RWX, any);
    const g = k.grant('a', fpage(8, 3), 'b', 16, RWX, any);
    expect(g.refused).toBeNull();
    expect(conservationBreach(k, g)).toBeNull();
    expect(k.db.inSpace('b', fpage(16, 3)).map((n) => n.frame)).toEqual([8]);
    expect(k.db.inSpace('a', fpage(8, 3))).toEqual([]);
    const m = k.map('b', fpage(16, 3), 'a', 0, RWX, any);
    expect(conservationBreach(k, m)).toBeNull();
  });

  test('a map onto the source\'s own ancestor may take the source with it: the derivation rule, not a loss', () => {
    const k = boot('split');
    k.map('physmem', fpage(8, 3), 'a', 8, RWX, any);
    k.map('a', fpage(8, 3), 'b', 8, RWX, any);
    const e = k.map('b', fpage(8, 0), 'a', 8, RWX, any);
    expect(e.removed.map((r) => r.node.task)).toContain('b');
    expect(conservationBreach(k, e)).toBeNull();
  });
});
