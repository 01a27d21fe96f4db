/**
 * L4Ka::Pistachio's mapping code, line by line (l4ka/pistachio at 8be66aa9, default x86-64 build,
 * old mapping database): the page table of kernel/src/arch/x86/pgent.h and x64/ptab.h, the mapping
 * database of kernel/src/generic/mapping.cc and mapping.h, and `space_t::map_fpage` and
 * `space_t::mapctrl` of kernel/src/generic/linear_ptab_walker.cc. Addresses are in 4 KiB pages.
 *
 * Pointers are object references: a page-table entry pointer is a table and an index, a root
 * node pointer an array and an index (both may step past their array, as the C code's pointer
 * arithmetic does). The XOR-linked back pointers (`mapping.h` `get_pgent`, `get_prevmap`) are kept
 * as the two values they encode; reading one with the wrong key is where the C code reads garbage,
 * and throws `PistachioMemoryError` here. Frees are no-ops: the golden traces hold no sequence
 * whose run touched freed memory. The whole state is plain data, which `copyState` (copy.ts)
 * copies with its sharing intact.
 */
import type { KernelBranch } from '../../effects.ts';
import type { TaskId } from '../../mapdb.ts';

/** Pistachio's code made an access outside its objects (in the kernel: undefined behaviour). */
export class PistachioMemoryError extends Error {}

/**
 * The page-table geometry, in pages: x86-64's hw_pgshifts {12, 21, 30, 39, 48} and MDB_PGSHIFTS
 * (x64/ptab.h:41-48) less 12 are multiples of the superpage order 9, with 512 entries a table and
 * a root array. fpcheck's worlds run other superpage orders (4 scaled, 10 for ia32); they get the
 * same four-level walk with 2^order entries a table. Set by `useGeometry` before each synchronous
 * run of the machine (the engine does), so it is never seen half-changed.
 */
let S = 9;
export const useGeometry = (superpageOrder: number): void => void (S = superpageOrder);
/** hw_pgshifts[s] in pages (size_4k, size_2m, size_1g, size_512g, then the top of the space: 512 PML4 entries above size_512g). */
export const hw = (s: number): number => (s <= SIZE_MAX ? s * S : SIZE_MAX * S + 9);
/** mdb_pgshifts[s] in pages: the same sizes, up to the top. */
export const mdb = hw;
/** Entries of a page table of entries of size `s` (page_table_size), and of a root array of size `s` (mdb_arraysize). */
const entries = (s: number): number => 2 ** (hw(s + 1) - hw(s));
/** pgent_t::size_max (X86_PGSIZES, x64/ptab.h:47-48): size_512g. */
export const SIZE_MAX = 3;
/** mapnode_t::size_max = MDB_NUM_PGSIZES - 1 (mapping.h). */
export const MDB_SIZE_MAX = 3;
/** USER_AREA_END: 510 PML4 slots (the sign extension does not matter in pages). */
const userEnd = (): number => 510 * 2 ** hw(SIZE_MAX);

export interface Entry {
  valid: boolean;
  /** The PS bit of a 2 MiB entry. */
  superpage: boolean;
  frame: number;
  w: boolean;
  sub: Table | null;
}
export interface Link {
  node: MNode;
  vaddr: number;
}
/** One 4 KiB page-table page: entries of size `level`, and the link-node words at `this + X86_PTAB_BYTES` (back) and `this - X86_PTAB_BYTES` (front, the harness's area). */
export interface Table {
  level: number;
  /** The order of its entries' pages (hw_pgshifts[level] in pages). */
  order: number;
  vbase: number;
  e: Array<Entry | undefined>;
  back: Array<Link | undefined>;
  front: Array<Link | undefined>;
}
export interface Pg {
  t: Table;
  i: number;
}

export type Next = { k: 'map'; m: MNode | null } | { k: 'root'; r: RootArr } | { k: 'dual'; d: Dual };
export interface Dual {
  map: MNode | null;
  root: RootArr;
}
export interface RootArr {
  size: number;
  /** Number of root nodes (mdb_arraysize); `n` is sparse, a hole an empty root node. */
  length: number;
  /** The orders of its slots' frames and of the frame the array spans (mdb_pgshifts[size], [size + 1] in pages). */
  order: number;
  span: number;
  n: Next[];
}
export interface RootPtr {
  a: RootArr;
  i: number;
}
export type Prev = { k: 'map'; m: MNode } | { k: 'root'; r: RootPtr };
export interface MNode {
  /** fpcheck's node id, -1 until the engine has entered it (sigma0_mapnode stays -1). */
  id: number;
  space: TaskId | null;
  depth: number;
  next: Next;
  prev: Prev | null;
  pg: Pg | null;
}

export interface MachineState {
  tables: Map<TaskId, Table>;
  sigma0: MNode;
}

/** What a call did, for the effect's branches and warnings. */
export interface Trace {
  branches: KernelBranch[];
  warnings: string[];
  /** Pieces not entered because the receiver keeps what it holds there. */
  skipped: Array<{ task: TaskId; base: number; order: number; cause: 'larger' | 'exists' | 'kept' }>;
}

/** Kernel bugs that can be switched off (the profile's `bugs`). */
export interface BugSwitches {
  rightsUnmasked: boolean;
  doubledOffset: boolean;
  grantSameFrame: boolean;
  /** A partial grant of a superpage relinks its node to the piece (off: demoted to a map of the piece, as Fiasco does). */
  grantPartialSuperpage: boolean;
  /** A partial unmap of a superpage steps a superpage a count (off: each base page of the range in that superpage). */
  unmapStride: boolean;
  /** mdb_flush stops in the base-page slot it indexed (off: it goes on with the node's same-size descendants). */
  flushStopsInArray: boolean;
  /** mdb_flush leaves a base-page array after its first occupied slot (off: it walks the whole array). */
  flushLeavesArrayEarly: boolean;
}

/** Where fpcheck's world ends: a task's user area is its space, sigma0 owns exactly the memory. */
export interface World {
  readonly superpageOrder: number;
  userEnd(task: TaskId): number;
  readonly memoryPages: number;
}

const psize = (s: number): number => 2 ** hw(s);
const idx = (s: number, a: number): number => Math.floor(a / psize(s)) % entries(s);
const alignDown = (a: number, s: number): number => a - (a % psize(s));
const isUserArea = (a: number): boolean => a < userEnd();
/** HW_VALID_PGSIZES (x64/ptab.h:42): 4 KiB and 2 MiB. */
const isPageSizeValid = (s: number): boolean => s === 0 || s === 1;

export const newTable = (level: number, vbase: number): Table => ({ level, order: hw(level), vbase, e: [], back: [], front: [] });

function entry(pg: Pg): Entry | undefined {
  if (pg.i < 0 || pg.i >= entries(pg.t.level)) throw new PistachioMemoryError(`page-table entry ${pg.i} outside its table`);
  return pg.t.e[pg.i];
}
const valid = (pg: Pg): boolean => entry(pg)?.valid === true;
/** pgent.h:137-138. */
const isSubtree = (pg: Pg, s: number): boolean => !(s === 0 || (s === 1 && entry(pg)!.superpage));
const next = (pg: Pg, n = 1): Pg => ({ t: pg.t, i: pg.i + n });
const subtree = (pg: Pg): Table => entry(pg)!.sub!;
const address = (pg: Pg): number => entry(pg)!.frame;
/** pgent.h:50-56: the link node of a 2 MiB entry lies in front of its table, of others behind. */
const links = (pg: Pg, s: number): Array<Link | undefined> => (s === 1 ? pg.t.front : pg.t.back);
function mapnode(pg: Pg, s: number, vaddr: number): MNode {
  const l = links(pg, s)[pg.i];
  if (!l || l.vaddr !== vaddr) throw new PistachioMemoryError(`link node of entry ${pg.i} does not name a node for ${vaddr}`);
  return l.node;
}
const setLink = (pg: Pg, s: number, node: MNode, vaddr: number): void => void (links(pg, s)[pg.i] = { node, vaddr });
/** pgent.h:197-209. */
function clear(pg: Pg, s: number): void {
  entry(pg);
  pg.t.e[pg.i] = undefined;
  links(pg, s)[pg.i] = undefined;
}
/** pgent.h:216-227. */
function makeSubtree(pg: Pg, s: number): void {
  const base = pg.t.vbase + pg.i * psize(pg.t.level);
  pg.t.e[pg.i] = { valid: true, superpage: false, frame: 0, w: true, sub: newTable(s - 1, base) };
}
/** pgent.h:231-246. */
function removeSubtree(pg: Pg): void {
  pg.t.e[pg.i] = undefined;
}
/** pgent.h:248-275 (no CONFIG_X86_NX: only the writable bit is kept). */
function setEntry(pg: Pg, s: number, frame: number, w: boolean): void {
  entry(pg);
  pg.t.e[pg.i] = { valid: true, superpage: s === 1, frame, w, sub: null };
}

// mapping.h accessors of a next pointer (mapnode_t::get_nextmap etc., rootnode_t::get_map etc.)
const getMap = (n: Next): MNode | null => (n.k === 'map' ? n.m : n.k === 'dual' ? n.d.map : null);
const getRoot = (n: Next): RootArr | null => (n.k === 'root' ? n.r : n.k === 'dual' ? n.d.root : null);
const getDual = (n: Next): Dual | null => (n.k === 'dual' ? n.d : null);
const slot = (r: RootPtr): Next => {
  if (r.i < 0 || r.i >= r.a.length) throw new PistachioMemoryError(`root node ${r.i} outside its array`);
  return r.a.n[r.i] ?? EMPTY;
};
const setSlot = (r: RootPtr, n: Next): void => {
  slot(r);
  r.a.n[r.i] = n;
};
const dual = (map: MNode | null, root: RootArr): Next => ({ k: 'dual', d: { map, root } });
const samePg = (a: Pg | null, b: Pg | null): boolean => a !== null && b !== null && a.t === b.t && a.i === b.i;
const samePrev = (a: Prev | null, b: Prev): boolean =>
  a !== null && (a.k === 'map' ? b.k === 'map' && a.m === b.m : b.k === 'root' && a.r.a === b.r.a && a.r.i === b.r.i);
/** mapnode_t::get_pgent: the XOR of the back pointer with the previous node. */
function getPgent(m: MNode, prev: Prev): Pg {
  if (!samePrev(m.prev, prev)) throw new PistachioMemoryError('get_pgent with a node that is not the previous one');
  return m.pg!;
}
function getPrevmap(m: MNode, pg: Pg): MNode | null {
  if (m.prev?.k !== 'map') return null;
  if (!samePg(m.pg, pg)) throw new PistachioMemoryError('get_prevmap with another page-table entry');
  return m.prev.m;
}
function getPrevroot(m: MNode, pg: Pg): RootPtr | null {
  if (m.prev?.k !== 'root') return null;
  if (!samePg(m.pg, pg)) throw new PistachioMemoryError('get_prevroot with another page-table entry');
  return m.prev.r;
}

const arraysize = entries;
const mdbIndex = (s: number, a: number): number => Math.floor(a / 2 ** mdb(s)) % arraysize(s);
/** mapping.cc:115-121. */
function mdbPgsize(h: number): number {
  let s = 0;
  while (mdb(s) < hw(h)) s++;
  return s;
}
/** mapping.cc:123-129. */
function hwPgsize(m: number): number {
  let s = 0;
  while (hw(s) < mdb(m)) s++;
  return s;
}
/** mapping.cc:621-632. */
/** An empty root node (set_ptr (NULL)); never written to, so shared. */
const EMPTY: Next = { k: 'map', m: null };
const createRoots = (size: number): RootArr => ({ size, length: arraysize(size), order: mdb(size), span: mdb(size + 1), n: [] });

/** init_mdb (mapping.cc:56-91): sigma0_mapnode owns the whole address space. */
export function initialState(superpageOrder: number): MachineState {
  useGeometry(superpageOrder);
  return { tables: new Map(), sigma0: { id: -1, space: null, depth: 0, next: dual(null, createRoots(MDB_SIZE_MAX)), prev: null, pg: null } };
}

export class Machine {
  constructor(
    readonly st: MachineState,
    readonly bugs: BugSwitches,
    readonly trace: Trace,
    readonly world: World,
  ) {
    useGeometry(world.superpageOrder);
  }

  /** is_user_area (the harness restates space.h's static one); in fpcheck each task's user area ends at its space. */
  private isUser(task: TaskId, a: number): boolean {
    return isUserArea(a) && a < this.world.userEnd(task);
  }

  private top(t: TaskId): Table {
    let tab = this.st.tables.get(t);
    if (!tab) {
      tab = newTable(SIZE_MAX, 0);
      this.st.tables.set(t, tab);
    }
    return tab;
  }

  /**
   * What `task`'s page table holds at `a`: a 2 MiB page, a 4 KiB page, or nothing, and how many
   * pages from `a` the same answer holds for (to the end of the entry met).
   */
  probe(task: TaskId, a: number): { kind: 'super' | 'page' | 'none'; pages: number } {
    let pg: Pg = { t: this.top(task), i: idx(SIZE_MAX, a) };
    for (let s = SIZE_MAX; ; s--) {
      const e = pg.t.e[pg.i];
      const rest = psize(s) - (a % psize(s));
      if (!e?.valid) return { kind: 'none', pages: rest };
      if (!isSubtree(pg, s)) return { kind: s === 1 ? 'super' : 'page', pages: rest };
      pg = { t: e.sub!, i: idx(s - 1, a) };
    }
  }

  /** remove_map (mapping.cc:131-179), from a map node or a root node. */
  private removeMap(p: Prev, cmap: MNode): void {
    const nmap = getMap(cmap.next);
    const get = (): Next => (p.k === 'map' ? p.m.next : slot(p.r));
    const set = (n: Next): void => (p.k === 'map' ? void (p.m.next = n) : setSlot(p.r, n));
    const pn = get();
    if (pn.k === 'map') set({ k: 'map', m: nmap });
    else {
      const d = getDual(pn);
      if (!d) throw new PistachioMemoryError('remove_map: no dual node');
      if (nmap) d.map = nmap;
      else set({ k: 'root', r: d.root });
    }
    if (nmap) {
      getPgent(nmap, { k: 'map', m: cmap });
      nmap.prev = p;
    }
  }

  /** mdb_map (mapping.cc:196-324). */
  mdbMap(fMap: MNode, fPg: Pg, fHw: number, fAddr: number, tPg: Pg, tHw: number, tSpace: TaskId, grant: boolean): MNode {
    if (grant) {
      // Grant operations simply reuse the old mapping node
      if (fMap.prev?.k === 'root') getPrevroot(fMap, fPg);
      else getPrevmap(fMap, fPg);
      fMap.pg = tPg;
      fMap.space = tSpace;
      return fMap;
    }
    const fS = mdbPgsize(fHw);
    const tS = mdbPgsize(tHw);
    const newmap: MNode = { id: -1, space: tSpace, depth: fMap.depth + 1, next: { k: 'map', m: null }, prev: null, pg: tPg };
    if (fS === tS) {
      // Hook new node directly below mapping node
      const nmap = getMap(fMap.next);
      newmap.prev = { k: 'map', m: fMap };
      newmap.next = { k: 'map', m: nmap };
      const n = fMap.next;
      if (n.k === 'root') fMap.next = dual(newmap, n.r);
      else if (n.k === 'dual') n.d.map = newmap;
      else fMap.next = { k: 'map', m: newmap };
      if (nmap) {
        getPgent(nmap, { k: 'map', m: fMap });
        nmap.prev = { k: 'map', m: newmap };
      }
      return newmap;
    }
    let root: RootPtr | null = null;
    let f = fS;
    while (f > tS) {
      // Need to traverse into subtrees
      f--;
      const proot = root;
      let nmap: MNode | null;
      let arr: RootArr | null;
      if (proot) {
        nmap = getMap(slot(proot));
        arr = getRoot(slot(proot));
      } else {
        nmap = getMap(fMap.next);
        arr = getRoot(fMap.next);
      }
      if (!arr) {
        arr = createRoots(f);
        const n: Next = nmap ? dual(nmap, arr) : { k: 'root', r: arr };
        if (proot) setSlot(proot, n);
        else fMap.next = n;
      }
      root = { a: arr, i: mdbIndex(f, fAddr) };
    }
    const r = root!;
    const nmap = getMap(slot(r));
    newmap.prev = { k: 'root', r };
    newmap.next = { k: 'map', m: nmap };
    const s = slot(r);
    if (s.k === 'root') setSlot(r, dual(newmap, s.r));
    else if (s.k === 'dual') s.d.map = newmap;
    else setSlot(r, { k: 'map', m: newmap });
    if (nmap) {
      getPgent(nmap, { k: 'root', r });
      nmap.prev = { k: 'map', m: newmap };
    }
    return newmap;
  }

  /** mdb_flush (mapping.cc:345-609) with an fpage of all rights (the only one `unmap_fpage` passes here: mapctrl inverts the inverted rights). */
  mdbFlush(fMap0: MNode, fPg0: Pg, fHw0: number, fAddr: number, tHw: number, unmapSelf0: boolean): void {
    let fMap: MNode | null = fMap0;
    let fPg = fPg0;
    let unmapSelf = unmapSelf0;
    const rNmap: Array<MNode | null> = [];
    const rRoot: Array<RootPtr | null> = [];
    const rRcnt: number[] = [];
    const rPrev: Prev[] = [];
    let rcnt = 0;
    const startdepth = fMap.depth;
    let root: RootPtr | null = null;
    let fS = mdbPgsize(fHw0);
    const tS = mdbPgsize(tHw);
    let entered = false;
    let resume: { nmap: MNode | null; prev: Prev; fS: number } | null = null;
    /** Arrays entered below the start (r_* levels saved). */
    let levels = 0;
    const up = (): void => {
      if (root!.i !== root!.a.length - 1) this.trace.branches.push('unmap.invalid-free');
      levels--;
      fMap = rNmap[fS]!;
      root = rRoot[fS]!;
      rcnt = rRcnt[fS]!;
      const p = rPrev[fS]!;
      if (fMap) fPg = getPgent(fMap, p);
      fS++;
    };
    do {
      const m: MNode = fMap;
      const nroot = getRoot(m.next);
      const nmap = getMap(m.next);
      let pmap = getPrevmap(m, fPg);
      let proot = getPrevroot(m, fPg);
      const fHw = hwPgsize(fS);
      if (unmapSelf) {
        // Revoke all access rights (i.e., remove node) (mapping.cc:442-450)
        this.removeMap(pmap ? { k: 'map', m: pmap } : { k: 'root', r: proot! }, m);
        clear(fPg, fHw);
      } else {
        pmap = m;
        proot = null;
      }
      fMap = null;
      if (nroot) {
        fS--;
        if (fS < tS) {
          // Recurse into subarray before checking mappings (mapping.cc:480-494)
          if (fS < 0) throw new PistachioMemoryError('mdb_flush: r_prev[-1]');
          rPrev[fS] = pmap ? { k: 'map', m: pmap } : { k: 'root', r: proot! };
          rNmap[fS] = nmap;
          rRoot[fS] = root;
          rRcnt[fS] = rcnt;
          root = { a: nroot, i: -1 };
          rcnt = arraysize(fS);
          levels++;
        } else {
          // "We may use the virtual address f_addr for indexing here" (mapping.cc:497-501)
          root = { a: nroot, i: mdbIndex(fS, fAddr) - 1 };
          rcnt = 1;
          entered = true;
          // Fixed: come back to the node's same-size descendants once the slot is done.
          if (!this.bugs.flushStopsInArray) resume = { nmap, prev: pmap ? { k: 'map', m: pmap } : { k: 'root', r: proot! }, fS: fS + 1 };
        }
      } else if (nmap) {
        fPg = getPgent(nmap, pmap ? { k: 'map', m: pmap } : { k: 'root', r: proot! });
        fMap = nmap;
      } else if (fS < tS && root) {
        // Recurse up from subarray; the array freed is `root - (arraysize - 1)` (mapping.cc:517-523)
        if (this.bugs.flushLeavesArrayEarly || rcnt === 0) up();
      }
      for (;;) {
      while (!fMap && rcnt > 0) {
        rcnt--;
        root = { a: root!.a, i: root!.i + 1 };
        const s = slot(root);
        const nr = getRoot(s);
        fMap = getMap(s);
        if (nr) {
          // Recurse into subarray before checking mappings; remove the subarray (mapping.cc:562-581)
          fS--;
          setSlot(root, { k: 'map', m: fMap });
          if (fS < 0) throw new PistachioMemoryError('mdb_flush: r_prev[-1]');
          rPrev[fS] = { k: 'root', r: root };
          rNmap[fS] = fMap;
          rRoot[fS] = root;
          rRcnt[fS] = rcnt;
          fMap = null;
          root = { a: nr, i: -1 };
          rcnt = arraysize(fS);
          levels++;
        } else if (fMap) {
          fPg = getPgent(fMap, { k: 'root', r: root });
        }
      }
      // Fixed: a whole array walked, go back up (the kernel only goes up from the end of a list).
      if (!this.bugs.flushLeavesArrayEarly && !fMap && rcnt === 0 && fS < tS && root && levels > 0) {
        up();
        if (!fMap) continue;
      }
      break;
      }
      if (fS <= tS) unmapSelf = true;
      if (!fMap && rcnt === 0 && resume) {
        fMap = resume.nmap;
        if (fMap) fPg = getPgent(fMap, resume.prev);
        fS = resume.fS;
        unmapSelf = false;
        resume = null;
        if (fMap) continue;
      }
    } while (fMap && fMap.depth > startdepth);
    if (entered && !fMap) this.trace.branches.push('unmap.stops-in-array');
  }

  /**
   * space_t::map_fpage (linear_ptab_walker.cc:246-792) as the IPC path calls it for a send fpage
   * and a receive window of the same size at `rcvBase` with send base 0 (api/v4/ipcx.cc:196-223).
   */
  mapFpage(from: TaskId, sendBase: number, order: number, to: TaskId, rcvBase: number, w: boolean, grant: boolean): void {
    const sigma0 = from === 'sigma0';
    const b = this.bugs;
    // f_num is the size in bytes' log2 (lines 258-273); with equal sizes both addresses are aligned down.
    const fNumLog = order;
    let fAddr = sendBase - (sendBase % 2 ** order);
    let tAddr = rcvBase - (rcvBase % 2 ** order);
    let pgsize = SIZE_MAX;
    while (hw(pgsize) > fNumLog) pgsize--;
    let fNum = 2 ** (fNumLog - hw(pgsize));
    let tNum = fNum;
    let fSize = SIZE_MAX;
    let tSize = SIZE_MAX;
    let fOff = 0;
    let fpg: Pg = { t: this.top(from), i: idx(fSize, fAddr) };
    let tpg: Pg = { t: this.top(to), i: idx(tSize, tAddr) };
    const rFpg: Pg[] = [];
    const rFnum: number[] = [];
    const rTpg: Pg[] = [];
    const rTnum: number[] = [];
    const br = this.trace.branches;
    while (fNum > 0 || tNum > 0) {
      let jump: 'none' | 'recv' | 'send' = 'none';
      body: {
        if ((!sigma0 && !this.isUser(from, fAddr)) || !this.isUser(to, tAddr)) {
          // "Do not mess with kernel area."
          br.push('map.clamped');
          return;
        }
        if (sigma0) {
          // When mapping from sigma0 we bypass the page table lookup (305-311).
          fSize = pgsize;
        } else {
          if (!valid(fpg)) {
            // An invalid sender entry (314-330).
            while (tSize < fSize) {
              fOff += psize(tSize);
              tpg = rTpg[tSize]!;
              tNum = rTnum[tSize]!;
              tSize++;
            }
            if (tSize === fSize) {
              if (fSize > pgsize) br.push('map.hole-stride');
              jump = 'recv';
            } else {
              // t_size > f_size: the receiver address is not advanced.
              br.push('map.hole-no-advance');
              jump = 'send';
            }
            break body;
          }
          if (fSize > pgsize && isSubtree(fpg, fSize)) {
            fSize--;
            fpg = { t: subtree(fpg), i: idx(fSize, fAddr) };
            continue;
          } else if (isSubtree(fpg, fSize)) {
            // The mappings in the sender's address space are too small (342-356).
            fSize--;
            rFpg[fSize] = next(fpg);
            rFnum[fSize] = fNum - 1;
            fpg = { t: subtree(fpg), i: 0 };
            fNum = entries(fSize);
            continue;
          } else if (fSize > pgsize) {
            // Smaller page sizes out of a single larger page (357-364).
            fNum = 1;
          }
        }
        if (tSize > fSize || tSize > pgsize) {
          // Too large receive pages (372-426).
          tSize--;
          rTpg[tSize] = next(tpg);
          rTnum[tSize] = tNum - 1;
          if (!valid(tpg)) makeSubtree(tpg, tSize + 1);
          else if (!isSubtree(tpg, tSize + 1)) {
            this.trace.warnings.push('map_fpage(): Larger mapping already exists.');
            br.push('map.overmap-larger-skip');
            this.trace.skipped.push({ task: to, base: tAddr, order: hw(pgsize), cause: 'larger' });
            tSize++;
            jump = 'recv';
            break body;
          }
          if (tSize >= pgsize) {
            tpg = { t: subtree(tpg), i: idx(tSize, tAddr) };
            continue;
          }
          tpg = { t: subtree(tpg), i: 0 };
          tNum = entries(tSize);
          // Adjust destination according to where source is located.
          const ix = idx(tSize, fAddr);
          tpg = next(tpg, ix);
          tNum -= ix;
          tAddr += ix * psize(tSize);
          continue;
        } else if (valid(tpg) && tSize === fSize && fSize <= pgsize && (isSubtree(tpg, tSize) || address(tpg) !== (sigma0 ? fAddr : address(fpg)))) {
          // Overmapping: remove the existing mapping or subtree from the destination (427-537).
          br.push('map.overmap-smaller');
          let num = 1;
          let vaddr = tAddr;
          while (num > 0) {
            if (!valid(tpg)) {
              // Skip invalid entries.
            } else if (isSubtree(tpg, tSize)) {
              tSize--;
              rTpg[tSize] = tpg;
              rTnum[tSize] = num - 1;
              tpg = { t: subtree(tpg), i: 0 };
              num = entries(tSize);
              continue;
            } else {
              this.mdbFlush(mapnode(tpg, tSize, alignDown(vaddr, tSize)), tpg, tSize, vaddr, pgsize, true);
            }
            if (tSize < fSize) {
              vaddr += psize(tSize);
              tpg = next(tpg);
            }
            num--;
            if (num === 0 && tSize < fSize) {
              do {
                tpg = rTpg[tSize]!;
                num = rTnum[tSize]!;
                tSize++;
                removeSubtree(tpg);
                if (tSize < fSize) tpg = next(tpg);
              } while (num === 0 && tSize < fSize);
            }
          }
          if (!sigma0 && !valid(fpg)) {
            br.push('map.sender-lost');
            jump = 'recv';
            break body;
          }
        } else if (valid(tpg) && isSubtree(tpg, tSize)) {
          // Target mappings are of smaller page size (538-551).
          tSize--;
          rTpg[tSize] = next(tpg);
          rTnum[tSize] = tNum - 1;
          tpg = { t: subtree(tpg), i: 0 };
          tNum = entries(tSize);
        } else if (!isPageSizeValid(tSize)) {
          // Not a valid hardware page size: create mappings of smaller size (552-566).
          tSize--;
          rTpg[tSize] = next(tpg);
          rTnum[tSize] = tNum - 1;
          makeSubtree(tpg, tSize + 1);
          tpg = { t: subtree(tpg), i: 0 };
          tNum = entries(tSize);
          continue;
        }
        // offset = f_addr & page_mask(f_size) & ~page_mask(t_size) (577)
        const offset = (fAddr % psize(fSize)) - (fAddr % psize(tSize));
        let fresh = !valid(tpg);
        if (!fresh) {
          const want = sigma0 ? fAddr : address(fpg) + offset;
          if (address(tpg) !== want) {
            // "Mapping already exists." (585-598)
            this.trace.warnings.push('map_fpage(): Mapping already exists.');
            br.push('map.exists-skip');
            this.trace.skipped.push({ task: to, base: tAddr, order: hw(tSize), cause: 'exists' });
            jump = 'recv';
            break body;
          }
          if (grant && !b.grantSameFrame && !sigma0) {
            // Fixed: the receiver's mapping gives way to the granted one, as an overmap would.
            br.push('map.overmap-smaller');
            this.mdbFlush(mapnode(tpg, tSize, alignDown(tAddr, tSize)), tpg, tSize, tAddr, tSize, true);
            if (!valid(fpg)) {
              br.push('map.sender-lost');
              jump = 'recv';
              break body;
            }
            fresh = true;
          } else {
            // Extend access rights (600-610): masked with the sender's entry.
            br.push(grant ? 'grant.same-frame-kept' : 'map.rights-upgrade');
            if (w && !sigma0 && entry(fpg)!.w) entry(tpg)!.w = true;
          }
        }
        if (!fresh) {
          // done
        } else if (sigma0 && fAddr + offset + fOff + psize(tSize) > this.world.memoryPages) {
          // In fpcheck sigma0 owns exactly the memory: a page past it is not there to map.
          br.push('map.clamped');
        } else if (sigma0) {
          br.push('map.new');
          const a = fAddr + offset + fOff;
          const newmap = this.mdbMap(this.st.sigma0, fpg, SIZE_MAX + 1, a, tpg, tSize, to, grant);
          setEntry(tpg, tSize, a, w);
          setLink(tpg, tSize, newmap, tAddr);
        } else {
          const map = mapnode(fpg, fSize, alignDown(fAddr, fSize));
          let grantHere = grant;
          if (grant && tSize < fSize && !b.grantPartialSuperpage) {
            // Fixed: a piece of a larger page is mapped, and the granter keeps its page.
            br.push('grant.demoted');
            grantHere = false;
          }
          if (tSize < fSize && offset !== 0) br.push(b.doubledOffset ? 'map.doubled-offset' : 'map.cut-to-pages');
          // mdb_map receives f_addr + offset: f_addr already lies inside the page (686), a kernel bug.
          const mdbAddr = b.doubledOffset ? fAddr + offset + fOff : alignDown(fAddr, fSize) + offset + fOff;
          const senderW = entry(fpg)!.w;
          const newmap = this.mdbMap(map, fpg, fSize, mdbAddr, tpg, tSize, to, grantHere);
          // set_entry(..., snd_fp.get_rwx ()) (690-694): the send's rights, not masked with the sender's entry.
          if (w && !senderW) br.push(b.rightsUnmasked ? 'map.rights-unmasked' : 'map.no-rights');
          setEntry(tpg, tSize, address(fpg) + offset + fOff, b.rightsUnmasked ? w : w && senderW);
          setLink(tpg, tSize, newmap, tAddr);
          if (grantHere) {
            // Grant operation. Remove mapping from current space (697-704).
            br.push(tSize < fSize ? 'grant.partial-superpage' : 'grant.move');
            clear(fpg, fSize);
          } else br.push('map.new');
        }
      }
      if (jump !== 'send') {
        // Next_receiver_entry (709-742)
        tAddr += psize(tSize);
        tNum--;
        if (tNum > 0) {
          tpg = next(tpg);
          if (tSize < fSize) {
            fOff += psize(tSize);
            continue;
          }
        } else if (tSize < fSize && fSize <= pgsize) {
          do {
            fOff += psize(tSize);
            tpg = rTpg[tSize]!;
            tNum = rTnum[tSize]!;
            tSize++;
          } while (tNum === 0 && tSize < pgsize);
          if (tSize < fSize) continue;
        } else if (tSize > fSize) {
          // Skip to next fpg entry. Happens if tpg is already mapped.
          fAddr += psize(tSize) - psize(fSize);
          fNum = 1;
        }
      }
      // Next_sender_entry (744-788)
      fAddr += psize(fSize);
      fOff = 0;
      fNum--;
      if (fNum > 0) {
        if (!sigma0) fpg = next(fpg);
        continue;
      } else if (fSize < pgsize) {
        do {
          fpg = rFpg[fSize]!;
          fNum = rFnum[fSize]!;
          fSize++;
        } while (fSize < pgsize && fNum === 0);
        if (tSize < fSize && tNum === 0) {
          do {
            tpg = rTpg[tSize]!;
            tNum = rTnum[tSize]!;
            tSize++;
          } while (tNum === 0 && tSize < pgsize);
        }
      } else {
        tNum = 0;
      }
      if (fNum < 0) throw new PistachioMemoryError('map_fpage: f_num wrapped');
    }
  }

  /** space_t::mapctrl (linear_ptab_walker.cc:809-973) as `unmap_fpage (fp with rwx, flush, false)` calls it. */
  mapctrl(task: TaskId, base: number, order: number, flush: boolean): void {
    let num = Math.min(order, hw(SIZE_MAX + 1));
    let vaddr = base - (base % 2 ** num);
    let pgsize = SIZE_MAX;
    while (hw(pgsize) > num) pgsize--;
    num = 2 ** (num - hw(pgsize));
    let size = SIZE_MAX;
    let pg: Pg = { t: this.top(task), i: idx(size, vaddr) };
    const rPg: Pg[] = [];
    const rNum: number[] = [];
    const br = this.trace.branches;
    let any = false;
    walk: while (num > 0) {
      if (!this.isUser(task, vaddr)) {
        br.push('unmap.clamped');
        break;
      }
      skip: {
        if (size > pgsize) {
          if (!valid(pg)) break walk;
          else if (isSubtree(pg, size)) {
            size--;
            pg = { t: subtree(pg), i: idx(size, vaddr) };
            continue;
          } else if (flush) {
            // Fpage too small -- expand to current size
            br.push('unmap.partial-flush-whole');
            num = 1;
            pgsize = size;
          } else if (this.bugs.unmapStride) br.push('unmap.partial-stride');
          else {
            // Fixed: the base pages of the range in this superpage, each by its own offset.
            br.push('unmap.partial-overlapping');
            const map = mapnode(pg, size, alignDown(vaddr, size));
            for (let j = 0; j < num; j++) this.mdbFlush(map, pg, size, vaddr + j, pgsize, false);
            break walk;
          }
        }
        if (!valid(pg)) break skip;
        if (isSubtree(pg, size)) {
          size--;
          rPg[size] = pg;
          rNum[size] = num - 1;
          pg = { t: subtree(pg), i: 0 };
          num = entries(size);
          continue;
        }
        any = true;
        br.push('unmap.whole-node');
        this.mdbFlush(mapnode(pg, size, alignDown(vaddr, size)), pg, size, vaddr, pgsize, flush);
      }
      // Next_entry
      pg = next(pg);
      vaddr += psize(size);
      num--;
      while (num === 0 && size < pgsize) {
        pg = rPg[size]!;
        num = rNum[size]!;
        size++;
        if (flush) removeSubtree(pg);
        pg = next(pg);
      }
    }
    if (!any) br.push('unmap.nothing-mapped');
  }
}
