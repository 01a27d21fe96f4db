/**
 * The kernel's call surface: argument checks and their messages, what a refused call leaves,
 * the text each call records, construction bounds, copies, and the small rules (rights caps,
 * clamping, hardware node orders) that the scenario tests pass through without pinning.
 */
import { describe, expect, test } from 'vitest';
import { fpage, MAX_ORDER, type Fpage } from './fpage.ts';
import { Kernel, SCALED_SUPERPAGE_ORDER } from './kernel.ts';
import { SIGMA0 } from './mapdb.ts';
import { constantChoices, type ProfileName } from './profiles.ts';
import { R, RWX, showRights, W, X } from './rights.ts';
import { checkStructure } from './structure.ts';

const any = constantChoices();

/** 32 pages held by physmem as one order-5 node; clients c and d with 16-page spaces. */
function small(profile: ProfileName = 'split', superpageOrder?: number) {
  const k = new Kernel(32, profile, superpageOrder === undefined ? {} : { superpageOrder });
  k.createTask('physmem', 5);
  k.createTask('c', 4);
  k.createTask('d', 4);
  k.map(SIGMA0, fpage(0, 5), 'physmem', 0, RWX, any);
  return k;
}

/** Everything a caller can observe of the database, to compare before and after. */
const snapshot = (k: Kernel) => ({ version: k.db.version, size: k.db.size, nodes: [...k.db.all()].map((n) => ({ ...n })) });

describe('construction', () => {
  test.each([0, -1, 10.5, Number.NaN, 2 ** MAX_ORDER + 1])('memory of %s pages is refused', (pages) => {
    expect(() => new Kernel(pages, 'split')).toThrow(`memory of ${pages} pages is not a whole number of pages in 1..2^${MAX_ORDER}`);
  });

  test('memory of 1 page and of 2^MAX_ORDER pages is accepted, as one root each', () => {
    expect(new Kernel(1, 'split').roots).toHaveLength(1);
    const top = new Kernel(2 ** MAX_ORDER, 'split');
    expect(top.roots.map((id) => top.db.get(id)!.order)).toEqual([MAX_ORDER]);
  });

  test.each([0, -1, 1.5, MAX_ORDER + 1, Number.NaN])('superpage order %s is refused', (order) => {
    expect(() => new Kernel(32, 'fiasco', { superpageOrder: order })).toThrow(`superpage order ${order} is outside 1..${MAX_ORDER}`);
  });

  test('superpage orders 1 and MAX_ORDER are accepted; the default is the scaled one', () => {
    expect(new Kernel(32, 'fiasco', { superpageOrder: 1 }).superpageOrder).toBe(1);
    expect(new Kernel(32, 'fiasco', { superpageOrder: MAX_ORDER }).superpageOrder).toBe(MAX_ORDER);
    expect(new Kernel(32, 'fiasco').superpageOrder).toBe(SCALED_SUPERPAGE_ORDER);
  });

  test('memory that is not a power of two boots as aligned identity roots of sigma0', () => {
    const k = new Kernel(13, 'split');
    expect(k.roots.map((id) => k.db.get(id))).toMatchObject([
      { task: SIGMA0, vbase: 0, frame: 0, order: 3, rights: RWX, parent: null },
      { task: SIGMA0, vbase: 8, frame: 8, order: 2, rights: RWX, parent: null },
      { task: SIGMA0, vbase: 12, frame: 12, order: 0, rights: RWX, parent: null },
    ]);
    expect(k.db.spaceOrder(SIGMA0)).toBe(4);
  });
});

describe('clone', () => {
  test('a copy and its original change independently; profile and roots are the same', () => {
    const k = small();
    const before = snapshot(k);
    const c = k.clone();
    expect(c.profile).toBe(k.profile);
    expect(c.roots).toBe(k.roots);
    expect(c.memoryPages).toBe(32);
    expect(c.superpageOrder).toBe(k.superpageOrder);
    const made = c.map('physmem', fpage(0, 2), 'c', 0, RWX, any).created[0]!;
    expect(snapshot(k)).toEqual(before);
    expect(c.db.has(made.id)).toBe(true);
    // Ids go on from the same point in both copies.
    const mine = k.map('physmem', fpage(4, 2), 'd', 4, RWX, any).created[0]!;
    expect(mine.id).toBe(made.id);
    expect(c.db.inSpace('d', fpage(0, 4))).toEqual([]);
    expect(k.db.inSpace('c', fpage(0, 4))).toEqual([]);
    // Unmapping in the copy leaves the original's derivations alone, and the other way round.
    c.unmap('physmem', fpage(0, 5), false, any);
    expect(k.db.has(mine.id)).toBe(true);
    k.unmap('physmem', fpage(0, 5), false, any);
    expect(c.db.size).toBe(k.db.size);
    expect(checkStructure(k)).toEqual([]);
    expect(checkStructure(c)).toEqual([]);
  });
});

describe('node orders', () => {
  test('fpage profiles store any order; hardware profiles only base pages and superpages', () => {
    const spec = small('split');
    expect([0, 1, 2, 3, 4, 5].map((o) => spec.isNodeOrder(o))).toEqual([true, true, true, true, true, true]);
    const hw = small('fiasco', 3);
    expect([0, 1, 2, 3, 4, 5].map((o) => hw.isNodeOrder(o))).toEqual([true, false, false, true, false, false]);
  });

  test.each(['fiasco', 'pistachio'] as const)('%s: a send below a superpage becomes base pages; from one superpage up, superpages', (profile) => {
    const k = small(profile, 2);
    const pages = k.map('physmem', fpage(8, 1), 'c', 0, RWX, any).created.map((n) => [n.vbase, n.order, n.frame]);
    expect(pages).toEqual([
      [0, 0, 8],
      [1, 0, 9],
    ]);
    const supers = k.map('physmem', fpage(16, 3), 'd', 8, RWX, any).created.map((n) => [n.vbase, n.order, n.frame]);
    expect(supers).toEqual([
      [8, 2, 16],
      [12, 2, 20],
    ]);
    expect(checkStructure(k)).toEqual([]);
  });
});

describe('refused calls change nothing and say why', () => {
  const cases: Array<[string, (k: Kernel) => ReturnType<Kernel['map']>, string]> = [
    ['unknown sender', (k) => k.map('x', fpage(0, 0), 'c', 0, RWX, any), 'no task x'],
    ['unknown receiver', (k) => k.map('physmem', fpage(0, 0), 'x', 0, RWX, any), 'no task x'],
    ['same task', (k) => k.map('c', fpage(0, 0), 'c', 1, RWX, any), 'sender and receiver are the same task'],
    ['sigma0 receiving', (k) => k.map('physmem', fpage(0, 0), SIGMA0, 0, RWX, any), 'sigma0 receives no mappings'],
    ['sigma0 granting', (k) => k.grant(SIGMA0, fpage(0, 0), 'c', 0, RWX, any), 'sigma0 grants nothing: its roots stay'],
    ['no rights', (k) => k.map('physmem', fpage(0, 0), 'c', 0, 0, any), 'rights 0 are not a non-empty subset of rwx'],
    ['rights past rwx', (k) => k.map('physmem', fpage(0, 0), 'c', 0, 8 | R, any), 'rights 12 are not a non-empty subset of rwx'],
    ['negative rights', (k) => k.map('physmem', fpage(0, 0), 'c', 0, -1, any), 'rights -1 are not a non-empty subset of rwx'],
    ['fractional base', (k) => k.map('physmem', { base: 0.5, order: 0 }, 'c', 0, RWX, any), 'fpage [0.5+1) is malformed'],
    ['NaN base', (k) => k.map('physmem', { base: Number.NaN, order: 0 }, 'c', 0, RWX, any), 'fpage [NaN+1) is malformed'],
    ['negative base', (k) => k.map('physmem', { base: -2, order: 1 }, 'c', 0, RWX, any), 'fpage [-2+2) is malformed'],
    ['fractional order', (k) => k.map('physmem', { base: 0, order: 0.5 }, 'c', 0, RWX, any), `fpage [0+${2 ** 0.5}) is malformed`],
    ['negative order', (k) => k.map('physmem', { base: 0, order: -1 }, 'c', 0, RWX, any), 'fpage [0+0.5) is malformed'],
    ['order past MAX_ORDER', (k) => k.map('physmem', { base: 0, order: MAX_ORDER + 1 }, 'c', 0, RWX, any), `fpage [0+${2 ** (MAX_ORDER + 1)}) is malformed`],
    ['unaligned send', (k) => k.map('physmem', { base: 2, order: 2 }, 'c', 0, RWX, any), 'fpage [2+4) is not aligned to its size'],
    ['unaligned receive', (k) => k.map('physmem', fpage(0, 2), 'c', 2, RWX, any), 'fpage [2+4) is not aligned to its size'],
    ['send past the space', (k) => k.map('physmem', fpage(0, 6), 'c', 0, RWX, any), "fpage [0+64) lies outside physmem's space of 2^5 pages"],
    ['receive past the space', (k) => k.map('physmem', fpage(16, 4), 'c', 16, RWX, any), "fpage [16+16) lies outside c's space of 2^4 pages"],
    ['unmap in an unknown task', (k) => k.unmap('x', fpage(0, 0), false, any), 'no task x'],
    ['unmap past the space', (k) => k.unmap('c', fpage(0, 5), true, any), "fpage [0+32) lies outside c's space of 2^4 pages"],
    ['unmapIn without the extension', (k) => k.unmapIn('physmem', fpage(0, 0), 'c'), 'the split kernel has no unmapIn'],
  ];

  test.each(cases)('%s', (_, call, reason) => {
    const k = small();
    k.map('physmem', fpage(0, 2), 'c', 0, RWX, any);
    const before = snapshot(k);
    const e = call(k);
    expect(e.refused).toBe(reason);
    expect(e.branches).toEqual(['refused']);
    expect([e.created, e.removed, e.lost, e.changed, e.skipped]).toEqual([[], [], [], [], []]);
    expect(snapshot(k)).toEqual(before);
  });

  test('unmapIn checks the caller, then the target', () => {
    const k = new Kernel(32, 'extended');
    k.createTask('p', 5);
    expect(k.unmapIn('x', fpage(0, 0), 'p').refused).toBe('no task x');
    expect(k.unmapIn('p', fpage(0, 0), 'y').refused).toBe('no task y');
    expect(k.unmapIn('p', { base: 1, order: 1 }, 'p').refused).toBe('fpage [1+2) is not aligned to its size');
    expect(k.unmapIn('p', fpage(0, 0), 'p').refused).toBeNull();
  });

  test('a partial grant is refused where the profile refuses it', () => {
    const k = small('split');
    k.map('physmem', fpage(0, 2), 'c', 0, RWX, any);
    const before = snapshot(k);
    expect(k.grant('c', fpage(0, 1), 'd', 0, RWX, any).refused).toBe('partial-grant: the send fpage would split a mapping (left out of the model)');
    expect(snapshot(k)).toEqual(before);
    // A grant of whole nodes is not partial.
    expect(k.grant('c', fpage(0, 2), 'd', 0, RWX, any).refused).toBeNull();
  });
});

describe('the text of each call', () => {
  test('map, grant, unmap, flush and unmapIn name their arguments', () => {
    const k = new Kernel(32, 'extended');
    k.createTask('p', 5);
    k.createTask('c', 4);
    expect(k.map(SIGMA0, fpage(0, 2), 'p', 4, R | W, any).call).toBe('map(sigma0 [0+4) -> p @4, rw-)');
    expect(k.grant('p', fpage(4, 2), 'c', 0, X, any).call).toBe('grant(p [4+4) -> c @0, --x)');
    expect(k.unmap('c', fpage(0, 1), false, any).call).toBe('unmap(c, [0+2))');
    expect(k.unmap('c', fpage(0, 1), true, any).call).toBe('flush(c, [0+2))');
    expect(k.unmapIn('p', fpage(0, 3), 'c').call).toBe('unmapIn(p, [0+8), c)');
  });

  test.each([
    [RWX, 'rwx'],
    [R, 'r--'],
    [W, '-w-'],
    [X, '--x'],
    [R | X, 'r-x'],
    [0, '---'],
  ])('rights %i read %s', (r, text) => {
    expect(showRights(r)).toBe(text);
  });
});

describe('rights', () => {
  test('a map passes only the rights both the sender holds and the call asks for', () => {
    const k = small();
    const ro = k.map('physmem', fpage(0, 2), 'c', 0, R | X, any).created[0]!;
    expect(ro.rights).toBe(R | X);
    const down = k.map('c', fpage(0, 2), 'd', 0, R | W, any).created[0]!;
    expect(down.rights).toBe(R);
    const none = k.map('c', fpage(0, 2), 'd', 4, W, any);
    expect(none.branches).toEqual(['map.no-rights']);
    expect(none.created).toEqual([]);
  });

  test('a map onto its own child adds rights, never past the parent', () => {
    const k = small();
    const mid = k.map('physmem', fpage(0, 2), 'c', 0, R | W, any).created[0]!;
    const leaf = k.map('c', fpage(0, 2), 'd', 0, R, any).created[0]!;
    const up = k.map('c', fpage(0, 2), 'd', 0, RWX, any);
    expect(up.branches).toEqual(['map.rights-upgrade']);
    expect(up.changed.map((n) => [n.id, n.rights])).toEqual([[leaf.id, R | W]]);
    expect(k.db.get(leaf.id)!.rights & ~mid.rights).toBe(0);
    // Nothing new to add: no change recorded.
    expect(k.map('c', fpage(0, 2), 'd', 0, R, any).changed).toEqual([]);
  });

  test('sameFrame "frame": a map of the same frames by another sender adds rights and reports the mapping kept', () => {
    const k = small('split');
    const a = k.map('physmem', fpage(0, 2), 'c', 0, R, any).created[0]!;
    const e = k.map('physmem', fpage(0, 2), 'd', 0, RWX, any).created[0]!;
    const up = k.map('d', fpage(0, 2), 'c', 0, W, any);
    expect(up.branches).toEqual(['map.rights-upgrade']);
    expect(up.skipped).toEqual([{ task: 'c', virtual: fpage(0, 2), cause: 'kept' }]);
    expect(k.db.get(a.id)).toMatchObject({ parent: k.db.get(a.id)!.parent, rights: R | W });
    expect(k.db.get(a.id)!.parent).not.toBe(e.id);
  });

  test('sameFrame "child": the same map on fiasco replaces the mapping with one derived from the new sender', () => {
    const k = small('fiasco', 1);
    const a = k.map('physmem', fpage(0, 1), 'c', 0, R, any).created[0]!;
    const e = k.map('physmem', fpage(0, 1), 'd', 0, RWX, any).created[0]!;
    const over = k.map('d', fpage(0, 1), 'c', 0, W, any);
    expect(over.branches).toEqual(['map.overmap-smaller', 'map.rights-as-entry', 'map.new']);
    expect(k.db.has(a.id)).toBe(false);
    // An amd64 entry is always readable: the write-only send becomes rw-.
    expect(over.created).toMatchObject([{ task: 'c', vbase: 0, order: 1, frame: 0, rights: R | W, parent: e.id }]);
  });

  test('a grant with fewer rights masks the whole subtree it moves', () => {
    const k = small();
    const mid = k.map('physmem', fpage(0, 2), 'c', 0, RWX, any).created[0]!;
    const leaf = k.map('c', fpage(0, 1), 'd', 0, R | W, any).created[0]!;
    k.createTask('e', 4);
    const g = k.grant('c', fpage(0, 2), 'e', 4, R, any);
    expect(g.branches).toEqual(['grant.move']);
    expect(k.db.get(mid.id)).toMatchObject({ task: 'e', vbase: 4, rights: R });
    expect(k.db.get(leaf.id)).toMatchObject({ task: 'd', rights: R, parent: mid.id });
    expect(g.changed.map((n) => [n.id, n.rights])).toEqual([
      [mid.id, R],
      [leaf.id, R],
    ]);
    expect(checkStructure(k)).toEqual([]);
  });
});

describe('clamping (fiasco and pistachio)', () => {
  test.each(['fiasco', 'pistachio'] as const)('%s: a receive window past the space maps the part that fits', (profile) => {
    const k = small(profile, 1);
    // c's space is 16 pages; an 8-page send at 12 fits four pages.
    const e = k.map('physmem', fpage(0, 3), 'c', 8, RWX, any);
    expect(e.refused).toBeNull();
    expect(e.created.map((n) => [n.vbase, n.order])).toEqual([
      [8, 1],
      [10, 1],
      [12, 1],
      [14, 1],
    ]);
    const past = k.map('physmem', fpage(0, 5), 'c', 0, RWX, any);
    expect(past.branches).toContain('map.clamped');
    expect(Math.max(...k.db.inSpace('c', fpage(0, 4)).map((n) => n.vbase + 2 ** n.order))).toBe(16);
    expect(checkStructure(k)).toEqual([]);
  });

  test.each(['fiasco', 'pistachio'] as const)('%s: an unmap past the end of the space touches nothing; one from 0 covers the space', (profile) => {
    const k = small(profile, 1);
    const kid = k.map('physmem', fpage(0, 1), 'c', 0, RWX, any).created[0]!;
    const grand = k.map('c', fpage(0, 1), 'd', 0, RWX, any).created[0]!;
    const past: Fpage = fpage(32, 5);
    const far = k.unmap('c', past, false, any);
    expect(far.branches).toEqual(['unmap.clamped', 'unmap.nothing-mapped']);
    expect(k.db.has(grand.id)).toBe(true);
    const all = k.unmap('c', fpage(0, 6), true, any);
    // Fiasco bounds the walk first, Pistachio finds the end of the space while walking: the same branches.
    expect([...all.branches].sort()).toEqual(['unmap.clamped', 'unmap.whole-node']);
    expect(k.db.has(kid.id) || k.db.has(grand.id)).toBe(false);
  });
});

describe('unmap of what is not there', () => {
  test('an unmap over an empty range reports nothing mapped and changes nothing', () => {
    const k = small();
    k.map('physmem', fpage(0, 2), 'c', 0, RWX, any);
    const before = snapshot(k);
    const e = k.unmap('c', fpage(8, 3), false, any);
    expect(e.branches).toEqual(['unmap.nothing-mapped']);
    expect(e.refused).toBeNull();
    expect(snapshot(k)).toEqual(before);
  });

  test("a flush takes the caller's nodes inside the range; an unmap keeps them", () => {
    const k = small();
    const mine = k.map('physmem', fpage(0, 2), 'c', 0, RWX, any).created[0]!;
    const theirs = k.map('c', fpage(0, 2), 'd', 0, RWX, any).created[0]!;
    const u = k.unmap('c', fpage(0, 2), false, any);
    expect(u.branches).toEqual(['unmap.whole-node']);
    expect([k.db.has(mine.id), k.db.has(theirs.id)]).toEqual([true, false]);
    expect(u.removed.map((r) => [r.node.id, r.cause, r.ancestry])).toEqual([[theirs.id, 'revoke', ['c', 'physmem', SIGMA0]]]);
    const f = k.unmap('c', fpage(0, 2), true, any);
    expect(f.removed.map((r) => [r.node.id, r.cause])).toEqual([[mine.id, 'flush']]);
    expect(k.db.has(mine.id)).toBe(false);
  });

  test("sigma0's roots survive its own flush", () => {
    const k = small();
    const e = k.unmap(SIGMA0, fpage(0, 5), true, any);
    expect(k.roots.every((id) => k.db.has(id))).toBe(true);
    expect(e.removed.map((r) => r.node.task)).toEqual(['physmem']);
  });
});
