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

  describe('each violation names the nodes at fault and says why', () => {
    const full = (k: Kernel) => checkStructure(k);
    const stepped = (k: Kernel, e: Partial<KernelEffect>) => checkStructureAfter(k, [{ ...emptyEffect('test'), ...e }]);

    test('overlap: each of the two nodes, with the other', () => {
      const { k, c, physmem } = booted();
      const twin = k.db.add({ task: 'c', vbase: 2, order: 1, frame: 10, rights: R, parent: physmem.id });
      expect(full(k)).toContainEqual({ rule: 'structure.no-overlap', nodes: [c.id, twin.id], message: `node ${c.id} overlaps ${twin.id} in c` });
      expect(stepped(k, { created: [twin] })).toContainEqual({ rule: 'structure.no-overlap', nodes: [twin.id, c.id], message: `node ${twin.id} overlaps ${c.id} in c` });
    });

    test('containment and rights: the child and its parent', () => {
      const { k, c, d } = booted();
      k.db.update(d.id, { rights: RWX });
      expect(full(k)).toEqual([{ rule: 'structure.rights-monotone', nodes: [d.id, c.id], message: `node ${d.id} has rights its parent ${c.id} lacks` }]);
      const stray = k.db.add({ task: 'd', vbase: 16, order: 0, frame: 40, rights: R, parent: c.id });
      expect(stepped(k, { created: [stray] })).toEqual([{ rule: 'structure.parent-contains', nodes: [stray.id, c.id], message: `parent ${c.id}'s frames do not contain node ${stray.id}'s` }]);
    });

    test('cycles: every node on one, and a node hanging from one, whose walk must still end', () => {
      const { k, c, d } = booted();
      k.db.update(c.id, { parent: d.id });
      const cycles = full(k).filter((v) => v.rule === 'structure.no-cycle');
      expect(cycles).toEqual([
        { rule: 'structure.no-cycle', nodes: [c.id], message: `node ${c.id} lies on a derivation cycle` },
        { rule: 'structure.no-cycle', nodes: [d.id], message: `node ${d.id} lies on a derivation cycle` },
      ]);
      const hanging = k.db.add({ task: 'c', vbase: 16, order: 0, frame: 0, rights: R, parent: d.id });
      expect(stepped(k, { created: [hanging] })).toEqual([{ rule: 'structure.no-cycle', nodes: [hanging.id], message: `node ${hanging.id} lies on a derivation cycle` }]);
    });

    test('roots: a stray parentless node, and a tree that reaches none', () => {
      const { k } = booted();
      const orphan = k.db.add({ task: 'c', vbase: 32, order: 0, frame: 32, rights: R, parent: null });
      expect(full(k)).toEqual([{ rule: 'structure.reaches-root', nodes: [orphan.id], message: `node ${orphan.id} has no parent but is not a sigma0 identity root` }]);
      const child = k.db.add({ task: 'd', vbase: 40, order: 0, frame: 32, rights: R, parent: orphan.id });
      expect(stepped(k, { created: [child] })).toEqual([{ rule: 'structure.reaches-root', nodes: [child.id], message: `node ${child.id} does not reach a sigma0 root` }]);
    });

    test('indexes: a node its space index has lost, counted too; a removed node still indexed; a node of no space or past its space', () => {
      const { k, c } = booted();
      inside(k.db).spaces.get('c')!.remove(fpage(c.vbase, c.order), c.id);
      expect(full(k)).toContainEqual({ rule: 'structure.index-agrees', nodes: [c.id], message: `node ${c.id} of c disagrees with its address-space entry` });
      expect(full(k)).toContainEqual({ rule: 'structure.index-agrees', nodes: [], message: '1 nodes missing from their space index' });
      const k3 = booted().k;
      const d3 = k3.db.inSpace('d', fpage(8, 0))[0]!;
      inside(k3.db).nodes.delete(d3.id);
      expect(stepped(k3, { removed: [{ node: d3, ancestry: ['c'], cause: 'revoke' }] })).toEqual([{ rule: 'structure.index-agrees', nodes: [d3.id], message: `removed node ${d3.id} is still indexed` }]);
      for (const odd of [{ task: 'nobody', vbase: 0 }, { task: 'd', vbase: 64 }]) {
        const k4 = booted();
        const n: MapNode = { id: 5_000, task: odd.task, vbase: odd.vbase, order: 0, frame: 0, rights: R, parent: k4.c.id };
        inside(k4.k.db).nodes.set(n.id, n);
        const record = { rule: 'structure.index-agrees', nodes: [n.id], message: `node ${n.id} of ${odd.task} disagrees with its address-space entry` };
        expect(stepped(k4.k, { created: [n] }), odd.task).toContainEqual(record);
        expect(full(k4.k), odd.task).toContainEqual(record);
      }
    });

    test("a removed node's children left behind are named", () => {
      const { k, c, d } = booted();
      inside(k.db).nodes.delete(c.id);
      expect(stepped(k, { removed: [{ node: c, ancestry: ['physmem'], cause: 'revoke' }] })).toContainEqual({ rule: 'structure.parent-exists', nodes: [d.id], message: `children of removed node ${c.id} remain` });
    });

    test('sigma0: each way a boot root can go wrong names it, and only calls touching sigma0 re-derive the roots', () => {
      const corruptions: Array<(k: Kernel, root: MapNode) => void> = [
        (k, root) => void k.db.update(root.id, { task: 'physmem' }),
        (k, root) => void k.db.update(root.id, { parent: k.roots[1]! }),
        (k, root) => void inside(k.db).nodes.set(root.id, { ...root, frame: root.frame + 1 }),
        (k, root) => void inside(k.db).nodes.set(root.id, { ...root, order: root.order - 1 }),
      ];
      for (const [i, corrupt] of corruptions.entries()) {
        const k = new Kernel(48, 'split');
        k.createTask('physmem', 6);
        const root = k.db.get(k.roots[0]!)!;
        corrupt(k, root);
        expect(full(k), `corruption ${i}`).toContainEqual({ rule: 'structure.sigma0-covers', nodes: [root.id], message: 'sigma0 no longer covers all memory exactly once with its boot roots' });
        // Only a call that touched a sigma0 node re-derives the roots: created, changed or removed.
        const touched = k.db.get(root.id)!;
        expect(stepped(k, { created: [] }).map((v) => v.rule), `corruption ${i}`).toEqual([]);
        expect(stepped(k, { changed: [{ ...touched, task: SIGMA0 }] }).map((v) => v.rule), `corruption ${i}`).toContain('structure.sigma0-covers');
      }
      const k = new Kernel(48, 'split');
      const root = k.db.get(k.roots[1]!)!;
      k.db.remove(root.id);
      expect(stepped(k, { removed: [{ node: root, ancestry: [], cause: 'flush' }] })).toEqual([{ rule: 'structure.sigma0-covers', nodes: [root.id], message: 'sigma0 no longer covers all memory exactly once with its boot roots' }]);
    });
  });
});
