/**
 * The named-kernel profiles, one scenario per rule, each replaying what the cited source does
 * (KERNEL_RULES names file and function). The world is the mail's: 192 MiB held by physmem,
 * ia32 pages (4 KiB and 4 MiB = 1,024 pages).
 */
import { describe, expect, test } from 'vitest';
import { fpage, type Fpage } from './fpage.ts';
import { ARCH_SUPERPAGE_ORDER, Kernel } from './kernel.ts';
import { SIGMA0, type MapNode } from './mapdb.ts';
import { constantChoices } from './profiles.ts';
import { R, RWX, W, X } from './rights.ts';
import { checkStructure } from './structure.ts';

const any = constantChoices();
const SP = ARCH_SUPERPAGE_ORDER.ia32;

function boot(profile: 'fiasco' | 'pistachio') {
  return bootAs(profile);
}

function bootAs(profile: 'fiasco' | 'pistachio' | 'pistachio-fixed') {
  const k = new Kernel(49_152, profile, { superpageOrder: SP });
  for (const t of ['physmem', 'c', 'd', 'e']) k.createTask(t, 16);
  for (const root of k.roots.map((id) => k.db.get(id)!)) k.map(SIGMA0, fpage(root.vbase, root.order), 'physmem', root.vbase, RWX, any);
  return k;
}

/** The nodes of `task` inside `f`, as [vbase, order, frame]. */
const nodes = (k: Kernel, task: string, f: Fpage = fpage(0, 16)) => k.db.inSpace(task, f).map((n) => [n.vbase, n.order, n.frame]);
const alive = (k: Kernel, n: MapNode) => k.db.has(n.id);
/** physmem maps 16 KiB of frames at `frame` to `task` at `vaddr`. */
const block = (k: Kernel, frame: number, task: string, vaddr: number) => k.map('physmem', fpage(frame, 2), task, vaddr, RWX, any).created;

describe.each(['fiasco', 'pistachio'] as const)('%s: granularity', (profile) => {
  test('physmem boots with 4 MiB superpages and a 16 KiB map becomes four 4 KiB pages', () => {
    const k = boot(profile);
    const held = k.db.inSpace('physmem', fpage(0, 16));
    expect(held).toHaveLength(48);
    expect(held.every((n) => n.order === SP)).toBe(true);
    expect(block(k, 16, 'c', 0).map((n) => [n.vbase, n.order, n.frame])).toEqual([
      [0, 0, 16],
      [1, 0, 17],
      [2, 0, 18],
      [3, 0, 19],
    ]);
    expect(checkStructure(k)).toEqual([]);
  });

  test('a 4 MiB send of a superpage stays one node; an fpage larger than a space is clamped, not refused', () => {
    const k = boot(profile);
    const e = k.map('physmem', fpage(1024, SP), 'c', 0, RWX, any);
    expect(nodes(k, 'c')).toEqual([[0, SP, 1024]]);
    expect(e.refused).toBeNull();
    const sub = k.map('c', fpage(0, 0), 'd', 0, RWX, any).created[0]!;
    const clamp = k.unmap('c', fpage(0, 20), false, any);
    expect(clamp.branches).toContain('unmap.clamped');
    expect(alive(k, sub)).toBe(false);
    expect(nodes(k, 'c')).toEqual([[0, SP, 1024]]);
  });
});

describe('fiasco', () => {
  test("partial unmap: a client's block in the same superpage as another's survives the other's exact unmap", () => {
    const k = boot('fiasco');
    const c = block(k, 16, 'c', 0);
    const d = block(k, 64, 'd', 0);
    const e = k.unmap('physmem', fpage(16, 2), false, any);
    expect(e.branches).toEqual(['unmap.partial-overlapping']);
    expect(c.map((n) => alive(k, n))).toEqual([false, false, false, false]);
    expect(d.map((n) => alive(k, n))).toEqual([true, true, true, true]);
  });

  test('partial unmap: a descendant superpage that meets the range goes whole', () => {
    const k = boot('fiasco');
    const whole = k.map('physmem', fpage(0, SP), 'e', 0, RWX, any).created[0]!;
    const d = block(k, 64, 'd', 0);
    k.unmap('physmem', fpage(16, 2), false, any);
    expect(alive(k, whole)).toBe(false);
    expect(d.every((n) => alive(k, n))).toBe(true);
  });

  test('partial flush: the whole superpage goes, with everything derived from it', () => {
    const k = boot('fiasco');
    const c = block(k, 16, 'c', 0);
    const d = block(k, 64, 'd', 0);
    const e = k.unmap('physmem', fpage(16, 2), true, any);
    expect(e.branches).toEqual(['unmap.partial-flush-whole']);
    expect([...c, ...d].some((n) => alive(k, n))).toBe(false);
    expect(nodes(k, 'physmem', fpage(0, SP))).toEqual([]);
  });

  test('map over a larger mapping: the larger one goes with its subtree', () => {
    const k = boot('fiasco');
    const big = k.map('physmem', fpage(1024, SP), 'c', 0, RWX, any).created[0]!;
    const e = k.map('physmem', fpage(16, 0), 'c', 1, RWX, any);
    expect(e.branches).toContain('map.overmap-larger-replace');
    expect(alive(k, big)).toBe(false);
    expect(nodes(k, 'c')).toEqual([[1, 0, 16]]);
  });

  test('map of a superpage over smaller mappings: cut into base pages, each replacing what is there', () => {
    const k = boot('fiasco');
    k.map('physmem', fpage(5000, 0), 'c', 1, RWX, any);
    const e = k.map('physmem', fpage(1024, SP), 'c', 0, RWX, any);
    expect(e.branches).toContain('map.cut-to-pages');
    expect(k.db.inSpace('c', fpage(0, SP))).toHaveLength(1024);
    expect(nodes(k, 'c', fpage(1, 0))).toEqual([[1, 0, 1025]]);
  });

  test('map of another frame over an existing mapping replaces it', () => {
    const k = boot('fiasco');
    block(k, 16, 'c', 0);
    const e = k.map('physmem', fpage(40, 0), 'c', 0, RWX, any);
    expect(e.skipped).toEqual([]);
    expect(nodes(k, 'c', fpage(0, 0))).toEqual([[0, 0, 40]]);
  });

  test('same frame: rights grow only on a child of the sender; a mapping from elsewhere is replaced', () => {
    const k = boot('fiasco');
    const first = k.map('physmem', fpage(16, 0), 'c', 0, R, any).created[0]!;
    expect(k.map('physmem', fpage(16, 0), 'c', 0, W, any).branches).toEqual(['map.cut-to-pages', 'map.rights-upgrade']);
    expect(k.db.get(first.id)!.rights).toBe(R | W);
    const viaC = k.map('c', fpage(0, 0), 'e', 0, RWX, any).created[0]!;
    const again = k.map('physmem', fpage(16, 0), 'e', 0, RWX, any);
    expect(again.branches).toContain('map.overmap-smaller');
    expect(alive(k, viaC)).toBe(false);
    expect(k.db.inSpace('e', fpage(0, 0))[0]!.parent).toBe(k.db.inSpace('physmem', fpage(0, SP))[0]!.id);
  });

  test('a grant of part of a superpage is demoted to a map', () => {
    const k = boot('fiasco');
    const e = k.grant('physmem', fpage(16, 2), 'c', 0, RWX, any);
    expect(e.branches).toContain('grant.demoted');
    expect(nodes(k, 'physmem', fpage(0, SP))).toEqual([[0, SP, 0]]);
    expect(nodes(k, 'c')).toHaveLength(4);
  });
});

describe('pistachio (default build: old mapping database), as built', () => {
  test('a 4 KiB piece of a superpage is filed at the doubled offset: a partial unmap by the superpage\'s owner steps a superpage a count and misses it', () => {
    const k = boot('pistachio');
    const c = block(k, 16, 'c', 0);
    // linear_ptab_walker.cc 577, 686: the piece sent from offset 16 + i is filed at 32 + 2i - i.
    expect(c.map((n) => k.databaseSlot(n)?.frame)).toEqual([32, 33, 34, 35]);
    const d = block(k, 1024 + 16, 'd', 0);
    const e = k.unmap('physmem', fpage(16, 2), false, any);
    expect(e.branches.filter((b) => b === 'unmap.partial-stride')).toHaveLength(4);
    // Slot 16 of the first superpage, 17 of the second, ... are empty: every piece stays.
    expect(c.every((n) => alive(k, n))).toBe(true);
    expect(d.every((n) => alive(k, n))).toBe(true);
    expect(checkStructure(k)).toEqual([]);
  });

  test('the stride walk goes on base page by base page through a page table', () => {
    const k = boot('pistachio');
    const sp = k.map('physmem', fpage(0, SP), 'c', 0, RWX, any).created[0]!; // slot 0: a superpage
    const table = k.map('physmem', fpage(2048, 2), 'c', 1024 + 4, RWX, any).created; // slot 1: a page table with four base pages
    const fromSp = [0, 1, 2, 3].map((i) => k.map('c', fpage(4 + i, 0), 'd', i, RWX, any).created[0]!);
    const fromTable = table.map((n, i) => k.map('c', fpage(n.vbase, 0), 'e', i, RWX, any).created[0]!);
    const beyond = k.map('c', fpage(0, 0), 'd', 8, RWX, any).created[0]!;
    const e = k.unmap('c', fpage(4, 2), false, any);
    // Slot 0: the pieces from 4..7 are filed at 8, 10, 12, 14, and slot 4 is empty (mdb_flush stops there);
    // slot 1: from offset 4 for the three counts left.
    expect(e.branches).toContain('unmap.stops-in-array');
    expect(fromSp.map((n) => alive(k, n))).toEqual([true, true, true, true]);
    expect(fromTable.map((n) => alive(k, n))).toEqual([false, false, false, true]);
    expect([alive(k, sp), alive(k, beyond)]).toEqual([true, true]);
  });

  test('partial flush expands to the whole superpage; the base-page array is left after its first occupied slot', () => {
    const k = boot('pistachio');
    const c = block(k, 16, 'c', 0);
    const e = k.unmap('physmem', fpage(16, 2), true, any);
    expect(e.branches).toEqual(['unmap.partial-flush-whole', 'unmap.whole-node', 'unmap.invalid-free']);
    expect(c.map((n) => alive(k, n))).toEqual([false, true, true, true]);
    expect(nodes(k, 'physmem', fpage(0, SP))).toEqual([]);
  });

  test('a request over a larger existing mapping leaves it in place and maps nothing there', () => {
    const k = boot('pistachio');
    const big = k.map('physmem', fpage(1024, SP), 'c', 0, RWX, any).created[0]!;
    const e = k.map('physmem', fpage(16, 0), 'c', 1, RWX, any);
    expect(e.branches).toEqual(['map.overmap-larger-skip']);
    expect(e.skipped).toEqual([{ task: 'c', virtual: fpage(1, 0), cause: 'larger' }]);
    expect(alive(k, big)).toBe(true);
  });

  test('a superpage over smaller mappings replaces them all', () => {
    const k = boot('pistachio');
    k.map('physmem', fpage(5000, 0), 'c', 1, RWX, any);
    k.map('physmem', fpage(1024, SP), 'c', 0, RWX, any);
    expect(nodes(k, 'c')).toEqual([[0, SP, 1024]]);
  });

  test('a piece of a superpage onto a mapping of another frame is skipped; a whole page replaces', () => {
    const k = boot('pistachio');
    block(k, 16, 'c', 0);
    const e = k.map('physmem', fpage(40, 0), 'c', 0, RWX, any);
    expect(e.branches).toEqual(['map.exists-skip']);
    expect(e.skipped).toEqual([{ task: 'c', virtual: fpage(0, 0), cause: 'exists' }]);
    expect(nodes(k, 'c', fpage(0, 0))).toEqual([[0, 0, 16]]);
    const viaD = block(k, 40, 'd', 0)[0]!;
    k.map('d', fpage(0, 0), 'c', 0, RWX, any); // d's page is a whole base page: it replaces
    expect(k.db.inSpace('c', fpage(0, 0))[0]).toMatchObject({ frame: 40, parent: viaD.id });
  });

  test("same frame: rights grow by the sender's entry whoever sends, and the mapping keeps its parent", () => {
    const k = boot('pistachio');
    const c = k.map('physmem', fpage(16, 0), 'c', 0, RWX, any).created[0]!;
    const viaC = k.map('c', fpage(0, 0), 'e', 0, R, any).created[0]!;
    expect(viaC.rights).toBe(R | X); // no NX: every entry is executable
    const e = k.map('physmem', fpage(16, 0), 'e', 0, W, any);
    expect(e.branches).toEqual(['map.rights-upgrade']);
    expect(k.db.get(viaC.id)).toMatchObject({ parent: c.id, rights: R | W | X });
  });

  test('a new mapping takes the send\'s rights unmasked: a read-only holder passes its page on writable', () => {
    const k = boot('pistachio');
    const c = k.map('physmem', fpage(16, 0), 'c', 0, R, any).created[0]!;
    const e = k.map('c', fpage(0, 0), 'd', 0, RWX, any);
    expect(e.branches).toContain('map.rights-unmasked');
    expect(e.created[0]).toMatchObject({ parent: c.id, rights: RWX });
    const fixed = (() => {
      const f = bootAs('pistachio-fixed');
      f.map('physmem', fpage(16, 0), 'c', 0, R, any);
      return f.map('c', fpage(0, 0), 'd', 0, RWX, any).created[0]!;
    })();
    expect(fixed.rights).toBe(R | X);
  });

  test('a grant of part of a superpage takes the whole superpage from the granter and relinks its node to the first piece', () => {
    const k = boot('pistachio');
    const e = k.grant('physmem', fpage(16, 2), 'c', 0, RWX, any);
    expect(e.refused).toBeNull();
    expect(e.branches).toContain('grant.partial-superpage');
    expect(nodes(k, 'physmem', fpage(0, SP))).toEqual([]);
    // The piece sits in the superpage's database list; the sender's entry is gone, so the rest is a hole walked a superpage a count.
    const [piece] = k.db.inSpace('c', fpage(0, 4));
    expect(nodes(k, 'c')).toEqual([[0, 0, 16]]);
    expect(k.databaseSlot(piece!)).toEqual({ frame: 0, order: SP });
    // pistachio-fixed demotes it to a map, as Fiasco does.
    const f = bootAs('pistachio-fixed');
    expect(f.grant('physmem', fpage(16, 2), 'c', 0, RWX, any).branches).toContain('grant.demoted');
    expect(nodes(f, 'physmem', fpage(0, SP))).toEqual([[0, SP, 0]]);
    expect(nodes(f, 'c')).toHaveLength(4);
  });

  test("sigma0's unmap does nothing: mapctrl walks sigma0's own page table, which holds nothing", () => {
    const k = boot('pistachio');
    const held = nodes(k, 'physmem');
    const e = k.unmap(SIGMA0, fpage(0, 16), true, any);
    expect(e.branches).toEqual(['unmap.sigma0-nothing']);
    expect(nodes(k, 'physmem')).toEqual(held);
  });
});

describe('pistachio-fixed: the kernel as its code intends', () => {
  test('a partial unmap revokes the base pages of the range, each at its own offset', () => {
    const k = bootAs('pistachio-fixed');
    const c = block(k, 16, 'c', 0);
    expect(c.map((n) => k.databaseSlot(n))).toEqual([null, null, null, null]);
    const e = k.unmap('physmem', fpage(18, 1), false, any);
    expect(e.branches).toContain('unmap.partial-overlapping');
    expect(c.map((n) => alive(k, n))).toEqual([true, true, false, false]);
    expect(checkStructure(k)).toEqual([]);
  });

  test('a hole in the sender is skipped and the rest lands at its offset', () => {
    const k = bootAs('pistachio-fixed');
    k.map('physmem', fpage(1024, SP), 'c', 1024, RWX, any); // c holds only the second superpage of 0..2047
    k.map('c', fpage(0, SP + 1), 'd', 0, RWX, any);
    expect(nodes(k, 'd')).toEqual([[1024, SP, 1024]]);
    const b = boot('pistachio');
    b.map('physmem', fpage(1024, SP), 'c', 1024, RWX, any);
    expect(b.map('c', fpage(0, SP + 1), 'd', 0, RWX, any).branches).toContain('map.hole-no-advance');
    expect(nodes(b, 'd')).toEqual([[0, SP, 1024]]);
  });
});

describe('pistachio: where its code leaves its objects', () => {
  test('a send over a page table emptied by a flush wraps f_num: the call is undone and says so', () => {
    // linear_ptab_walker.cc 298, 755-771: no receiver entry walked, the loop goes on with f_num past zero.
    const k = new Kernel(2048, 'pistachio', { superpageOrder: ARCH_SUPERPAGE_ORDER.amd64 });
    for (const t of ['physmem', 'a', 'b']) k.createTask(t, 12);
    k.map(SIGMA0, fpage(0, 11), 'physmem', 0, RWX, any);
    k.map('physmem', fpage(1024, 0), 'a', 3, RWX, any);
    k.unmap('a', fpage(3, 0), true, any); // the page table of a's first superpage slot stays
    const v = k.db.version;
    const e = k.map('a', fpage(0, 9), 'b', 0, RWX, any);
    expect(e.branches).toEqual(['map.memory-error']);
    expect(k.db.version).toBe(v);
    expect(nodes(k, 'b')).toEqual([]);
  });
});
