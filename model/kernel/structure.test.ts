/**
 * The structure checker must name each broken rule: every rule is broken here on purpose, by
 * corrupting a valid database, and both the full and the incremental checks must say so.
 */
import { describe, expect, test } from 'vitest';
import type { KernelEffect } from './effects.ts';
import { emptyEffect } from './effects.ts';
import { fpage } from './fpage.ts';
import { Kernel } from './kernel.ts';
import { SIGMA0, type MapNode, type MappingDatabase } from './mapdb.ts';
import { constantChoices } from './profiles.ts';
import { R, RWX, W } from './rights.ts';
import { checkStructure, checkStructureAfter, STRUCTURE_RULES } from './structure.ts';
import { AlignedIndex } from './alignedIndex.ts';

const any = constantChoices();

/** physmem holds 64 pages; c maps 4 of them at 0, d maps c's first page at 8. */
function booted(profile: 'split' | 'fiasco' = 'split') {
  const k = new Kernel(64, profile, { superpageOrder: 3 });
  for (const t of ['physmem', 'c', 'd']) k.createTask(t, 6);
  for (const id of k.roots) {
    const r = k.db.get(id)!;
    k.map(SIGMA0, fpage(r.vbase, r.order), 'physmem', r.vbase, RWX, any);
  }
  const c = k.map('physmem', fpage(0, 2), 'c', 0, R | W, any).created[0]!;
  const d = k.map('c', fpage(0, 0), 'd', 8, R, any).created[0]!;
  return { k, c, d, physmem: k.db.inSpace('physmem', fpage(0, 6))[0]! };
}

const rules = (k: Kernel) => checkStructure(k).map((v) => v.rule);
const after = (k: Kernel, e: Partial<KernelEffect>) => checkStructureAfter(k, [{ ...emptyEffect('test'), ...e }]).map((v) => v.rule);
/** The database's private parts, for corruptions no kernel call can make. */
const inside = (db: MappingDatabase) => db as unknown as { spaces: Map<string, AlignedIndex>; frames: AlignedIndex; nodes: Map<number, MapNode> };

describe('the structure checker', () => {
  test('is silent on a valid database, and knows every rule by name', () => {
    const { k, c, d } = booted();
    expect(checkStructure(k)).toEqual([]);
    expect(after(k, { created: [c, d] })).toEqual([]);
    expect(STRUCTURE_RULES).toHaveLength(9);
  });

  test('parent-exists: a node whose parent is gone', () => {
    const { k, d } = booted();
    k.db.update(d.id, { parent: 9_999 });
    expect(rules(k)).toContain('structure.parent-exists');
    expect(after(k, { changed: [d] })).toContain('structure.parent-exists');
    expect(checkStructure(k).find((v) => v.rule === 'structure.parent-exists')).toMatchObject({ nodes: [d.id], message: `node ${d.id}'s parent 9999 does not exist` });
  });

  test("parent-contains: a node whose frames lie outside its parent's", () => {
    const { k, c } = booted();
    const stray = k.db.add({ task: 'd', vbase: 16, order: 0, frame: 40, rights: R, parent: c.id });
    expect(rules(k)).toEqual(['structure.parent-contains']);
    expect(after(k, { created: [stray] })).toEqual(['structure.parent-contains']);
  });

  test('rights-monotone: a child with a right its parent lacks', () => {
    const { k, d } = booted();
    k.db.update(d.id, { rights: RWX });
    expect(rules(k)).toEqual(['structure.rights-monotone']);
    expect(after(k, { changed: [d] })).toEqual(['structure.rights-monotone']);
  });

  test('no-overlap: two nodes sharing a page of one space', () => {
    const { k, physmem } = booted();
    const twin = k.db.add({ task: 'c', vbase: 2, order: 1, frame: 10, rights: R, parent: physmem.id });
    expect(rules(k)).toContain('structure.no-overlap');
    expect(after(k, { created: [twin] })).toContain('structure.no-overlap');
  });

  test('no-cycle: two nodes each the parent of the other', () => {
    const { k, c, d } = booted();
    k.db.update(c.id, { parent: d.id });
    expect(rules(k)).toContain('structure.no-cycle');
    expect(after(k, { changed: [c] })).toContain('structure.no-cycle');
  });

  test('reaches-root: a parentless node that is no sigma0 identity root, and a tree hanging from none', () => {
    const { k } = booted();
    const orphan = k.db.add({ task: 'c', vbase: 32, order: 0, frame: 32, rights: R, parent: null });
    expect(rules(k)).toEqual(['structure.reaches-root']);
    expect(after(k, { created: [orphan] })).toEqual(['structure.reaches-root']);
    const child = k.db.add({ task: 'd', vbase: 40, order: 0, frame: 32, rights: R, parent: orphan.id });
    expect(after(k, { created: [child] })).toEqual(['structure.reaches-root']);
    const fake = k.db.add({ task: SIGMA0, vbase: 70, order: 0, frame: 3, rights: R, parent: null });
    expect(after(k, { created: [fake] })).toContain('structure.reaches-root');
  });

  test('sigma0-covers: a root gone, or a sigma0 node beside the boot roots', () => {
    const k = new Kernel(64, 'split');
    const root = k.db.get(k.roots[0]!)!;
    k.db.remove(root.id);
    expect(rules(k)).toEqual(['structure.sigma0-covers']);
    expect(after(k, { removed: [{ node: root, ancestry: [], cause: 'flush' }] })).toEqual(['structure.sigma0-covers']);
    const k2 = new Kernel(48, 'split');
    const extra = k2.db.add({ task: SIGMA0, vbase: 48, order: 4, frame: 48, rights: RWX, parent: null });
    expect(rules(k2)).toContain('structure.sigma0-covers');
    expect(after(k2, { created: [extra] })).toContain('structure.sigma0-covers');
    // A call that touches no sigma0 node does not re-derive the roots.
    expect(after(k2, { created: [] })).toEqual([]);
  });

  test('index-agrees: a node missing from its space or frame index, and a removed node still indexed', () => {
    const { k, c, d } = booted();
    inside(k.db).spaces.get('c')!.remove(fpage(c.vbase, c.order), c.id);
    expect(rules(k)).toContain('structure.index-agrees');
    expect(after(k, { changed: [c] })).toContain('structure.index-agrees');
    const k2 = booted().k;
    const d2 = k2.db.inSpace('d', fpage(8, 0))[0]!;
    inside(k2.db).frames.remove(fpage(d2.frame, d2.order), d2.id);
    expect(after(k2, { changed: [d2] })).toEqual(['structure.index-agrees']);
    // The node map forgets d while its indexes still hold it.
    const k3 = booted().k;
    const d3 = k3.db.inSpace('d', fpage(8, 0))[0]!;
    inside(k3.db).nodes.delete(d3.id);
    expect(after(k3, { removed: [{ node: d3, ancestry: ['c'], cause: 'revoke' }] })).toEqual(['structure.index-agrees']);
    void d;
  });

  test('parent-exists: a removed node whose children stay', () => {
    const { k, c } = booted();
    inside(k.db).nodes.delete(c.id);
    expect(after(k, { removed: [{ node: c, ancestry: ['physmem'], cause: 'revoke' }] })).toContain('structure.parent-exists');
  });

  test('hardware-pages: on a named kernel every mapping is a base page or a superpage', () => {
    const { k, physmem } = booted('fiasco');
    expect(rules(k)).toEqual([]);
    const odd = k.db.add({ task: 'd', vbase: 16, order: 2, frame: 4, rights: R, parent: physmem.id });
    expect(rules(k)).toEqual(['structure.hardware-pages']);
    expect(after(k, { created: [odd] })).toEqual(['structure.hardware-pages']);
    expect(checkStructure(k)[0]!.message).toBe(`node ${odd.id} of d has order 2, neither a base page nor a superpage of the fiasco kernel`);
  });
});
