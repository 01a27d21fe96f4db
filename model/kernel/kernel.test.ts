import { describe, expect, test } from 'vitest';
import { fpage } from './fpage.ts';
import { Kernel } from './kernel.ts';
import { SIGMA0, type MapNode } from './mapdb.ts';
import { constantChoices, PROFILE_NAMES, type PartialChoice, type ProfileName } from './profiles.ts';
import { R, RWX, W } from './rights.ts';
import { checkStructure } from './structure.ts';

const any = constantChoices();

/** The mail's world: 192 MiB held by physmem; client c maps 16 KiB at frame 16, client d 16 KiB at frame 64. */
function mailWorld(profile: ProfileName) {
  const k = new Kernel(49_152, profile);
  for (const t of ['physmem', 'c', 'd', 'e']) k.createTask(t, 16);
  for (const root of k.roots.map((id) => k.db.get(id)!)) k.map(SIGMA0, fpage(root.vbase, root.order), 'physmem', root.vbase, RWX, any);
  const c = k.map('physmem', fpage(16, 2), 'c', 0, RWX, any).created[0]!;
  const d = k.map('physmem', fpage(64, 2), 'd', 0, RWX, any).created[0]!;
  const big = k.db.inSpace('physmem', fpage(0, 15))[0]!;
  return { k, c, d, big };
}

const alive = (k: Kernel, n: MapNode) => k.db.has(n.id);

describe('boot', () => {
  test('sigma0 holds 192 MiB as two identity roots and physmem takes both', () => {
    const { k } = mailWorld('split');
    expect(k.roots.map((id) => k.db.get(id))).toMatchObject([
      { task: SIGMA0, vbase: 0, frame: 0, order: 15, parent: null },
      { task: SIGMA0, vbase: 32_768, frame: 32_768, order: 14, parent: null },
    ]);
    expect(k.db.inSpace('physmem', fpage(0, 16)).map((n) => [n.vbase, n.order])).toEqual([
      [0, 15],
      [32_768, 14],
    ]);
    expect(checkStructure(k)).toEqual([]);
  });

  test('memory that is not a whole number of pages is refused', () => {
    expect(() => new Kernel(10.5, 'split')).toThrow(/whole number of pages/);
    expect(() => new Kernel(0, 'split')).toThrow(/whole number of pages/);
  });
});

describe('partial unmap of physmem\'s order-15 node with an order-2 child in a client', () => {
  test('split removes the child and nothing else', () => {
    const { k, c, d, big } = mailWorld('split');
    const e = k.unmap('physmem', fpage(16, 2), false, any);
    expect(e.branches).toContain('unmap.partial-split');
    expect(alive(k, c)).toBe(false);
    expect(alive(k, d)).toBe(true);
    expect(alive(k, big)).toBe(true);
    expect(e.removed.map((r) => r.node.id)).toEqual([c.id]);
    expect(checkStructure(k)).toEqual([]);
  });

  test('ignore keeps the child', () => {
    const { k, c, d } = mailWorld('ignore');
    const e = k.unmap('physmem', fpage(16, 2), false, any);
    expect(e.branches).toEqual(['unmap.partial-ignore']);
    expect(alive(k, c) && alive(k, d)).toBe(true);
    expect(e.removed).toEqual([]);
  });

  test('whole removes every sibling in every task', () => {
    const { k, c, d, big } = mailWorld('whole');
    k.unmap('physmem', fpage(16, 2), false, any);
    expect(alive(k, c) || alive(k, d)).toBe(false);
    expect(alive(k, big)).toBe(true);
  });

  test('inner removes the child inside the range and keeps straddlers', () => {
    const { k, c, d } = mailWorld('inner');
    k.map('physmem', fpage(0, 4), 'e', 0, RWX, any); // straddles the 16 KiB range
    k.unmap('physmem', fpage(16, 2), false, any);
    expect(alive(k, c)).toBe(false);
    expect(alive(k, d)).toBe(true);
    expect(k.db.inSpace('e', fpage(0, 4))).toHaveLength(1);
  });

  test.each<[PartialChoice, boolean, boolean]>([
    ['whole', false, false],
    ['overlapping', false, true],
    ['inner', false, true],
    ['ignore', true, true],
  ])('x2 takes the supplied choice %s', (choice, cAlive, dAlive) => {
    const { k, c, d } = mailWorld('x2');
    const e = k.unmap('physmem', fpage(16, 2), false, constantChoices(choice));
    expect(e.branches).toEqual([`unmap.partial-${choice}`]);
    expect([alive(k, c), alive(k, d)]).toEqual([cAlive, dAlive]);
  });

  test('unmapping the whole order-15 fpage removes the child and every sibling in other tasks', () => {
    for (const p of ['split', 'ignore', 'whole', 'x2'] as const) {
      const { k, c, d, big } = mailWorld(p);
      const e = k.unmap('physmem', fpage(0, 15), false, any);
      expect(e.branches).toEqual(['unmap.whole-node']);
      expect([alive(k, c), alive(k, d), alive(k, big)]).toEqual([false, false, true]);
      expect(new Set(e.removed.map((r) => r.node.task))).toEqual(new Set(['c', 'd']));
    }
  });

  test('flushing the whole 128 MiB fpage removes physmem\'s node too, never sigma0\'s root', () => {
    const { k, c, big } = mailWorld('split');
    k.unmap('physmem', fpage(0, 15), true, any);
    expect(alive(k, big) || alive(k, c)).toBe(false);
    expect(k.db.get(k.roots[0]!)).toBeDefined();
    expect(checkStructure(k)).toEqual([]);
  });

  test('a split flush cuts physmem\'s node into buddies and re-parents the other children', () => {
    const { k, c, d } = mailWorld('split');
    const e = k.unmap('physmem', fpage(16, 2), true, any);
    expect(alive(k, c)).toBe(false);
    expect(e.created.map((n) => n.order)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
    const dParent = k.db.get(k.db.get(d.id)!.parent!)!;
    expect(dParent).toMatchObject({ task: 'physmem', vbase: 64, order: 6 });
    expect(e.lost.filter((l) => l.task === 'physmem')).toEqual([expect.objectContaining({ virtual: { base: 16, order: 2 } })]);
    expect(checkStructure(k)).toEqual([]);
  });

  test('overlapping removes every descendant that meets the range, whole, and keeps the others', () => {
    const { k, c, d } = mailWorld('overlapping');
    const straddler = k.map('physmem', fpage(0, 5), 'e', 0, RWX, any).created[0]!; // frames 0..31 meet the 16 KiB range at 16
    const e = k.unmap('physmem', fpage(16, 2), false, any);
    expect(e.branches).toEqual(['unmap.partial-overlapping']);
    expect([alive(k, c), alive(k, straddler), alive(k, d)]).toEqual([false, false, true]);
  });
});

describe('unmapIn (extended)', () => {
  test('revokes only the named task\'s mappings, splitting them where needed', () => {
    const { k, c, d } = mailWorld('extended');
    const sub = k.map('c', fpage(0, 2), 'e', 8, RWX, any).created[0]!;
    const e = k.unmapIn('physmem', fpage(0, 15), 'c');
    expect([alive(k, c), alive(k, sub), alive(k, d)]).toEqual([false, false, true]);
    expect(e.removed.every((r) => r.node.task === 'c' || r.ancestry.includes('c'))).toBe(true);
  });

  test('is refused on kernels without the extension', () => {
    const { k } = mailWorld('x2');
    const before = k.db.version;
    expect(k.unmapIn('physmem', fpage(0, 15), 'c').refused).toMatch(/no unmapIn/);
    expect(k.db.version).toBe(before);
  });
});

describe('map and grant', () => {
  test('grant moves a subtree keeping node identity and children', () => {
    const { k, c } = mailWorld('split');
    const sub = k.map('c', fpage(0, 2), 'e', 4, RWX, any).created[0]!;
    const e = k.grant('c', fpage(0, 2), 'd', 8, R | W, any);
    expect(e.branches).toContain('grant.move');
    expect(k.db.get(c.id)).toMatchObject({ task: 'd', vbase: 8, rights: R | W });
    expect(k.db.get(sub.id)).toMatchObject({ parent: c.id, rights: R | W });
    expect(k.db.inSpace('c', fpage(0, 2))).toEqual([]);
    expect(checkStructure(k)).toEqual([]);
  });

  test('a map replaces an existing mapping in the receiver, with its subtree', () => {
    const { k, c } = mailWorld('split');
    const sub = k.map('c', fpage(0, 2), 'e', 4, RWX, any).created[0]!;
    const e = k.map('physmem', fpage(128, 2), 'c', 0, RWX, any);
    expect(e.branches).toContain('map.overmap-smaller');
    expect(alive(k, c) || alive(k, sub)).toBe(false);
    expect(k.db.inSpace('c', fpage(0, 2))[0]).toMatchObject({ frame: 128 });
  });

  test('mapping the same frame again only adds rights', () => {
    const { k } = mailWorld('split');
    const first = k.map('physmem', fpage(256, 0), 'e', 0, R, any).created[0]!;
    const e = k.map('physmem', fpage(256, 0), 'e', 0, W, any);
    expect(e.branches).toEqual(['map.rights-upgrade']);
    expect(k.db.get(first.id)!.rights).toBe(R | W);
  });

  test('a larger mapping around the target is skipped or replaced as the x2 input says', () => {
    for (const [choice, kept] of [['skip', true], ['replace', false]] as const) {
      const { k, c } = mailWorld('x2');
      const e = k.map('physmem', fpage(512, 0), 'c', 1, RWX, constantChoices('whole', choice));
      expect(alive(k, c)).toBe(kept);
      expect(e.skipped).toEqual(kept ? [{ task: 'c', virtual: fpage(1, 0), cause: 'larger' }] : []);
    }
  });

  test('a partial grant and a map into sigma0 are refused and change nothing', () => {
    const { k } = mailWorld('split');
    const v = k.db.version;
    expect(k.grant('physmem', fpage(0, 2), 'e', 0, RWX, any).refused).toMatch(/partial-grant/);
    expect(k.map('physmem', fpage(0, 2), SIGMA0, 0, RWX, any).refused).toMatch(/sigma0/);
    expect(k.map('physmem', { base: 1, order: 2 }, 'e', 0, RWX, any).refused).toMatch(/aligned/);
    expect(k.db.version).toBe(v);
  });

  test('unmapping an unmapped range changes nothing', () => {
    const { k } = mailWorld('split');
    const v = k.db.version;
    expect(k.unmap('e', fpage(0, 10), true, any).branches).toEqual(['unmap.nothing-mapped']);
    expect(k.db.version).toBe(v);
  });
});

describe("sigma0's roots", () => {
  test.each([...PROFILE_NAMES])('%s: a flush of part of a root keeps the root and takes at least what an unmap of the same range takes', (profile) => {
    const k = new Kernel(64, profile, { superpageOrder: 3 });
    k.createTask('physmem', 6);
    for (const id of k.roots) {
      const r = k.db.get(id)!;
      k.map(SIGMA0, fpage(r.vbase, r.order), 'physmem', r.vbase, RWX, constantChoices());
    }
    const removed = (flush: boolean) => {
      const kk = k.clone();
      const e = kk.unmap(SIGMA0, fpage(4, 2), flush, constantChoices());
      expect(kk.roots.every((r) => kk.db.has(r))).toBe(true);
      expect(checkStructure(kk)).toEqual([]);
      return new Set(e.removed.map((r) => `${r.node.task}:${r.node.vbase}/${r.node.order}`));
    };
    const unmapped = removed(false);
    const flushed = removed(true);
    for (const n of unmapped) expect(flushed.has(n), n).toBe(true);
  });
});
