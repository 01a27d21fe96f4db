import { copyState } from './copy.ts';
import type { KernelBranch, KernelEffect, RemovalCause } from '../../effects.ts';
import type { EngineElement, KernelEngine, Transfer } from '../../engine.ts';
import type { Fpage } from '../../fpage.ts';
import type { Kernel } from '../../kernel.ts';
import { SIGMA0, type MapNode, type TaskId } from '../../mapdb.ts';
import type { NamedProfile } from '../../profiles.ts';
import { R, W, X, type Rights } from '../../rights.ts';
import { initialState, Machine, PistachioMemoryError, type BugSwitches, type MachineState, type MNode, type RootArr, type Table, type Trace } from './machine.ts';

/**
 * L4Ka::Pistachio's mapping (l4ka/pistachio at 8be66aa9, x86-64, old mapping database), run as
 * the kernel's own code runs: `machine.ts` is a port of `map_fpage`, `mapctrl`, `mdb_map` and
 * `mdb_flush` over the kernel's page tables and mapping database. After each call fpcheck's nodes
 * are read off that state the way the golden traces read it (traces/FORMAT.md beside them): one
 * node per page-table leaf, rights as the entry holds them, the parent the nearest preceding node
 * of smaller depth in the database's pre-order lists (or the array's owner, or sigma0). A node
 * keeps its id while its database node lives on with the same frame and size (a grant moves it).
 *
 * Where Pistachio's code reads or writes outside its objects (a wrapped counter, a garbage
 * link node), the call is undone and the effect carries `map.memory-error` or
 * `unmap.memory-error`: the kernel's behaviour there is undefined, and the traces hold no such run.
 */
export class PistachioEngine implements KernelEngine {
  /** Made at the first call, when the kernel's superpage order is known. */
  private st: MachineState | null = null;
  /** Database slots that differ from the node's page-table entry, by node id, as of the last call. */
  private slots = new Map<number, { frame: number; order: number }>();
  private readonly bugs: BugSwitches;
  /** map_fpage's walk as built (holes and larger mappings shift it); off, a send is walked one hardware page at a time, each at its offset. */
  private readonly walkBugs: boolean;

  constructor(profile: Pick<NamedProfile, 'bugs'>) {
    const has = (id: string): boolean => profile.bugs.has(id);
    this.bugs = {
      rightsUnmasked: has('rights-unmasked'),
      doubledOffset: has('doubled-offset'),
      grantSameFrame: has('grant-same-frame'),
      grantPartialSuperpage: has('grant-partial-superpage'),
      unmapStride: has('partial-unmap-stride'),
      flushStopsInArray: has('flush-stops-in-array'),
      flushLeavesArrayEarly: has('invalid-free'),
    };
    this.walkBugs = has('hole-no-advance') || has('hole-stride') || has('larger-exists');
  }

  clone(): KernelEngine {
    const c = Object.create(PistachioEngine.prototype) as PistachioEngine;
    // The state is shared, not copied: every call works on a copy of its own (`run`) and only then
    // takes it, so neither engine ever changes a state the other holds (a search forks worlds far
    // more often than it calls the kernel).
    Object.assign(c, { bugs: this.bugs, walkBugs: this.walkBugs, st: this.st, slots: new Map(this.slots) });
    return c;
  }

  taskCreated(): void {}

  *elements(): Iterable<EngineElement> {
    if (!this.st) return;
    // Page tables outlive their mappings (mapctrl frees them only on a flush), base-page arrays
    // outlive theirs (mdb_flush frees them only with the larger page): both decide later calls.
    for (const [task, top] of this.st.tables) yield* tableElements(task, top);
    const out: EngineElement[] = [];
    const seen = new Set<RootArr>();
    // Every node's depth and place in its list (they decide parents and where a flush stops), and
    // which nodes hold a base-page array.
    const walk = (head: MNode | null): void => {
      let place = 0;
      for (let m = head; m; m = mapOf(m.next), place++) {
        const arr = rootOf(m.next);
        const vbase = m.pg ? m.pg.t.vbase + m.pg.i * 2 ** m.pg.t.order : -1;
        if (m.space !== null) out.push({ task: m.space, values: [-1, vbase, m.depth, place, arr ? 1 : 0] });
        if (!arr || seen.has(arr)) continue;
        seen.add(arr);
        walkArrays(arr, walk);
      }
    };
    const top = rootOf(this.st.sigma0.next);
    if (top) walkArrays(top, walk);
    yield* out;
  }

  databaseSlot(n: MapNode): { readonly frame: number; readonly order: number } | null {
    return this.slots.get(n.id) ?? null;
  }

  transferRefusal(): null {
    return null;
  }

  unmapRefusal(): null {
    return null;
  }

  transfer(k: Kernel, t: Transfer, effect: KernelEffect): void {
    const w = (t.rights & W) !== 0;
    const grant = t.kind === 'grant';
    this.run(k, effect, 'overmap', 'map.memory-error', (m) => {
      if (this.walkBugs) return m.mapFpage(t.s, t.send.base, t.send.order, t.r, t.rcvBase, w, grant);
      // The walk as intended: every hardware page of the send at its own offset, holes skipped.
      const size = 2 ** t.send.order;
      const f0 = t.send.base - (t.send.base % size);
      const t0 = t.rcvBase - (t.rcvBase % size);
      for (let a = 0; a < size; ) {
        const P = 2 ** k.superpageOrder;
        const p = t.s === SIGMA0 ? { kind: 'super' as const, pages: P - ((f0 + a) % P) } : m.probe(t.s, f0 + a);
        if (p.kind === 'none') a += p.pages;
        else if (p.kind === 'super' && size - a >= P && (f0 + a) % P === 0) {
          m.mapFpage(t.s, f0 + a, k.superpageOrder, t.r, t0 + a, w, grant);
          a += P;
        } else {
          m.mapFpage(t.s, f0 + a, 0, t.r, t0 + a, w, grant);
          a += 1;
        }
      }
    });
  }

  unmap(k: Kernel, task: TaskId, fp: Fpage, flush: boolean, effect: KernelEffect): void {
    if (task === SIGMA0) {
      // mapctrl walks the caller's own page table, and sigma0 has none (linear_ptab_walker.cc:862-872).
      effect.branches.push('unmap.sigma0-nothing');
      return;
    }
    this.run(k, effect, flush ? 'flush' : 'revoke', 'unmap.memory-error', (m) => m.mapctrl(task, fp.base, fp.order, flush));
  }

  private run(k: Kernel, effect: KernelEffect, cause: RemovalCause, memoryError: KernelBranch, call: (m: Machine) => void): void {
    const st = this.st ? copyState(this.st) : initialState(k.superpageOrder);
    const trace: Trace = { branches: [], warnings: [], skipped: [] };
    try {
      call(
        new Machine(st, this.bugs, trace, {
          superpageOrder: k.superpageOrder,
          memoryPages: k.memoryPages,
          userEnd: (task) => (task === SIGMA0 ? Infinity : 2 ** (k.db.spaceOrder(task) ?? 0)),
        }),
      );
    } catch (e) {
      if (!(e instanceof PistachioMemoryError)) throw e;
      effect.branches.push(memoryError);
      return;
    }
    effect.branches.push(...trace.branches);
    for (const x of trace.skipped) effect.skipped.push({ task: x.task, virtual: { base: x.base, order: x.order }, cause: x.cause });
    this.st = st;
    this.sync(k, effect, cause);
  }

  /** The nodes the kernel's state holds, in database pre-order (a parent before its children). */
  private collect(k: Kernel): Want[] {
    const out: Want[] = [];
    const seen = new Set<MNode>();
    const emit = (m: MNode, parent: MNode | null, slotFrame: number, slotOrder: number): void => {
      seen.add(m);
      const pg = m.pg;
      const e = pg ? pg.t.e[pg.i] : undefined;
      if (!pg || !e || !e.valid || e.sub || m.space === null) return;
      const order = pg.t.order;
      out.push({ m, task: m.space, vbase: pg.t.vbase + pg.i * 2 ** order, order, frame: e.frame, rights: rightsOf(e.w), parent, slotFrame, slotOrder });
    };
    const list = (head: MNode | null, owner: MNode | null, frame: number, order: number): void => {
      const before: MNode[] = [];
      for (let m = head; m && !seen.has(m); m = mapOf(m.next)) {
        let p = owner;
        for (let j = before.length - 1; j >= 0; j--)
          if (before[j]!.depth < m.depth) {
            p = before[j]!;
            break;
          }
        before.push(m);
        emit(m, p, frame, order);
        const arr = rootOf(m.next);
        if (arr) array(arr, m, frame);
      }
    };
    const array = (arr: RootArr, owner: MNode | null, frame: number): void => {
      const size = 2 ** arr.order;
      const base = frame - (frame % 2 ** arr.span);
      arr.n.forEach((s, i) => {
        const sub = rootOf(s);
        if (sub) array(sub, owner, base + i * size);
        list(mapOf(s), owner, base + i * size, arr.order);
      });
    };
    const top = rootOf(this.st!.sigma0.next);
    if (top) array(top, null, 0);
    // A leaf whose node no list reaches hangs below sigma0.
    for (const top of this.st!.tables.values())
      for (const link of leaves(top)) if (!seen.has(link)) emit(link, null, 0, -1);
    return out;
  }

  /** Brings fpcheck's node database to the kernel's state, recording what changed. */
  private sync(k: Kernel, effect: KernelEffect, cause: RemovalCause): void {
    const wants = this.collect(k);
    const byId = new Map<number, Want>();
    for (const w of wants) if (w.m.id >= 0) byId.set(w.m.id, w);
    const gone: MapNode[] = [];
    for (const n of k.db.all()) {
      if (n.task === SIGMA0 && n.parent === null) continue;
      const w = byId.get(n.id);
      if (!w || w.order !== n.order || w.frame !== n.frame) gone.push(n);
    }
    const goneIds = new Set(gone.map((n) => n.id));
    const ancestry = new Map(gone.map((n) => [n.id, k.db.ancestry(n)]));
    for (const n of [...k.db.all()]) if (n.parent !== null && goneIds.has(n.parent) && !goneIds.has(n.id)) k.db.update(n.id, { parent: null });
    const remove = (id: number): void => {
      if (!k.db.has(id)) return;
      for (const c of [...k.db.children(id)]) remove(c);
      const node = k.db.remove(id);
      const anc = ancestry.get(id) ?? [];
      effect.removed.push({ node, ancestry: anc, cause });
      effect.lost.push({ node, task: node.task, virtual: { base: node.vbase, order: node.order }, frames: { base: node.frame, order: node.order }, ancestry: anc, cause });
    };
    for (const n of gone) remove(n.id);
    this.slots = new Map();
    for (const w of wants) {
      const parent = w.parent && w.parent.id >= 0 && k.db.has(w.parent.id) ? w.parent.id : w.parent ? null : rootHolding(k, w.frame);
      const cur = w.m.id >= 0 && !goneIds.has(w.m.id) ? k.db.get(w.m.id) : undefined;
      if (cur) {
        if (cur.task !== w.task || cur.vbase !== w.vbase || cur.rights !== w.rights || cur.parent !== parent)
          effect.changed.push(k.db.update(cur.id, { task: w.task, vbase: w.vbase, rights: w.rights, parent }));
      } else {
        const node = k.db.add({ task: w.task, vbase: w.vbase, order: w.order, frame: w.frame, rights: w.rights, parent });
        w.m.id = node.id;
        effect.created.push(node);
      }
      if (w.slotOrder >= 0 && (w.slotFrame !== w.frame || w.slotOrder !== w.order)) this.slots.set(w.m.id, { frame: w.slotFrame, order: w.slotOrder });
    }
  }
}

interface Want {
  m: MNode;
  task: TaskId;
  vbase: number;
  order: number;
  frame: number;
  rights: Rights;
  parent: MNode | null;
  slotFrame: number;
  slotOrder: number;
}

/** Rights as the x86-64 entry holds them (pgent.h:131-135, 164-168): readable when present, executable without NX, `w` the writable bit. */
const rightsOf = (w: boolean): Rights => R | X | (w ? W : 0);
const mapOf = (n: MNode['next']): MNode | null => (n.k === 'map' ? n.m : n.k === 'dual' ? n.d.map : null);
const rootOf = (n: MNode['next']): RootArr | null => (n.k === 'root' ? n.r : n.k === 'dual' ? n.d.root : null);

function walkArrays(arr: RootArr, visit: (m: MNode | null) => void): void {
  arr.n.forEach((s) => {
    const sub = rootOf(s);
    if (sub) walkArrays(sub, visit);
    visit(mapOf(s));
  });
}

function* leaves(t: Table): Iterable<MNode> {
  for (const [i, e] of t.e.entries()) {
    if (!e?.valid) continue;
    if (e.sub) yield* leaves(e.sub);
    else {
      const l = (t.level === 1 ? t.front : t.back)[i];
      if (l) yield l.node;
    }
  }
}

function* tableElements(task: TaskId, t: Table): Iterable<EngineElement> {
  for (const e of t.e) {
    if (e?.sub) {
      yield { task, values: [e.sub.level, e.sub.vbase] };
      yield* tableElements(task, e.sub);
    }
  }
}

/** The sigma0 node whose frames hold `frame`, as the traces name a parent below sigma0_mapnode; null past memory. */
function rootHolding(k: Kernel, frame: number): number | null {
  for (const id of k.roots) {
    const r = k.db.get(id)!;
    if (frame >= r.frame && frame < r.frame + 2 ** r.order) return id;
  }
  return null;
}
