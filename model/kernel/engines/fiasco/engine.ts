import type { KernelEffect } from '../../effects.ts';
import type { EngineElement, KernelEngine, Transfer } from '../../engine.ts';
import type { Fpage } from '../../fpage.ts';
import type { Kernel } from '../../kernel.ts';
import { SIGMA0, type MapNode, type TaskId } from '../../mapdb.ts';
import { Revoker } from '../../revoke.ts';
import { R, W, X, type Rights } from '../../rights.ts';
import { mdbLevels, Treemaps, type Found } from './treemap.ts';

/**
 * Fiasco.OC's memory mapping, path by path (kernkonzept/fiasco at 245fce53, amd64):
 * `mem_map` and `Mu::map` (src/kern/map_util-mem.cpp, map_util.cpp) for map and grant,
 * `mem_fpage_unmap` and `Mu::unmap` for unmap and flush, over the mapping database of
 * src/kern/mapdb.cpp and the page table of src/kern/ia32/mem_space-ia32.cpp.
 *
 * fpcheck's nodes are Fiasco's page-table entries (each has one mapping-database entry); what the
 * page table holds beyond its entries is kept here: the page tables of base pages, which are
 * created when a base page is entered into a superpage slot and freed only with the address
 * space (`Mem_space::dir_shutdown`), so they outlive the mappings in them.
 */
export class FiascoEngine implements KernelEngine {
  /** Per task, the superpage slots (virtual address >> superpage order) that hold a page table of base pages. */
  private tables = new Map<TaskId, Set<number>>();
  /** Sets shared with a clone until written (copy on write). */
  private shared = new Set<TaskId>();

  clone(): KernelEngine {
    const c = new FiascoEngine();
    c.tables = new Map(this.tables);
    c.shared = new Set(this.tables.keys());
    this.shared = new Set(this.tables.keys());
    return c;
  }

  taskCreated(task: TaskId): void {
    this.tables.set(task, new Set());
  }

  *elements(): Iterable<EngineElement> {
    for (const [task, slots] of this.tables) for (const s of slots) yield { task, values: [s] };
  }

  databaseSlot(): null {
    return null;
  }

  /** Fiasco refuses nothing that passed the common checks: unaligned fpages are aligned down, oversized ones end at the space (`map_max_address`). */
  transferRefusal(): null {
    return null;
  }

  unmapRefusal(): null {
    return null;
  }

  private hasTable(task: TaskId, S: number, vaddr: number): boolean {
    return this.tables.get(task)?.has(Math.floor(vaddr / 2 ** S)) === true;
  }

  /** `Ptab::walk` with allocation at the base-page level creates the page table of the slot. */
  private makeTable(task: TaskId, S: number, vaddr: number): void {
    if (this.shared.has(task)) {
      this.tables.set(task, new Set(this.tables.get(task)));
      this.shared.delete(task);
    }
    this.tables.get(task)!.add(Math.floor(vaddr / 2 ** S));
  }

  /** The page-table entry at `vaddr` of `task` (`Mem_space::v_lookup`), or the order of the empty entry the walk stopped at. */
  private entry(k: Kernel, task: TaskId, vaddr: number): { node: MapNode | null; order: number } {
    const n = k.db.inSpace(task, { base: vaddr, order: 0 })[0];
    if (n) return { node: n, order: n.order };
    // An empty entry inside a page table is a base page; else an empty superpage (or larger) entry, which decides the same.
    return { node: null, order: this.hasTable(task, k.superpageOrder, vaddr) ? 0 : k.superpageOrder };
  }

  /** An address space's end (`map_max_address`): the task's space; sigma0's is Fiasco's own limit (`Sigma0_task::mem_space_map_max_address`). */
  private maxAddress(k: Kernel, task: TaskId): number {
    return task === SIGMA0 ? 2 ** 52 : 2 ** k.db.spaceOrder(task)!;
  }

  private treemaps(k: Kernel): Treemaps {
    return new Treemaps(k, mdbLevels(physOrder(k.superpageOrder), [k.superpageOrder]));
  }

  /**
   * `map_lookup_src`: the sender's page at `addr`. sigma0 has no page table and fabricates an
   * identity page of the largest page size around any address (`Sigma0_task::v_fabricate`); in
   * fpcheck sigma0 owns only `[0, memoryPages)`, so a page past memory is not there.
   */
  private source(k: Kernel, s: TaskId, addr: number, rights: Rights): { phys: number; order: number; node: MapNode | null; attribs: Rights } | { skip: number } {
    const S = k.superpageOrder;
    if (s === SIGMA0) {
      const phys = addr - (addr % 2 ** S);
      if (phys >= k.memoryPages) return { skip: S };
      return { phys, order: S, node: null, attribs: (R | W | X) & rights };
    }
    const e = this.entry(k, s, addr);
    if (!e.node) return { skip: e.order };
    // `Attr::apply`: the send item's rights mask the sender's; none of r, w, x left means nothing to send.
    const attribs = e.node.rights & rights;
    if (attribs === 0) return { skip: e.order };
    return { phys: e.node.frame, order: e.order, node: e.node, attribs };
  }

  transfer(k: Kernel, t: Transfer, effect: KernelEffect, _choices: unknown): void {
    const S = k.superpageOrder;
    const tm = this.treemaps(k);
    const rv = new Revoker(k.db, effect);
    let grant = t.kind === 'grant';
    // mem_map: both addresses are aligned down to the fpage's size (cxx::mask_lsb), the window is the send fpage's size.
    let sndAddr = alignDown(t.send.base, t.send.order);
    let rcvAddr = alignDown(t.rcvBase, t.send.order);
    if (rcvAddr !== t.rcvBase || sndAddr !== t.send.base) effect.branches.push('map.window-aligned');
    let sndSize = 2 ** t.send.order;
    const rcvEnd = rcvAddr + sndSize;
    const toMax = this.maxAddress(k, t.r);
    const fromMax = this.maxAddress(k, t.s);
    let size = 0;
    for (; sndSize > 0 && rcvAddr < toMax && sndAddr < fromMax; rcvAddr += size, sndAddr += size, sndSize -= size) {
      const src = this.source(k, t.s, sndAddr, t.rights);
      if ('skip' in src) {
        // Skip non-existing part of map.
        size = 2 ** src.skip - (sndAddr % 2 ** src.skip);
        if (size >= sndSize) break;
        continue;
      }
      const iPhys = src.phys + (sndAddr % 2 ** src.order);
      const rcv = this.entry(k, t.r, rcvAddr);
      let iOrder = fitting(src.order, S);
      size = 2 ** iOrder;
      let lowered = false;
      while (size > sndSize || iOrder > rcv.order || sndAddr % size !== 0 || rcvAddr % size !== 0 || rcvAddr + size > rcvEnd) {
        if (!lowered) effect.branches.push(!rcv.node && rcv.order < iOrder && size <= sndSize ? 'map.cut-by-page-table' : 'map.cut-to-pages');
        lowered = true;
        iOrder = fitting(iOrder - 1, S);
        size = 2 ** iOrder;
        if (grant) {
          // "XXX Can't GRANT page from superpage ..., demoting to MAP": for the rest of the call.
          effect.branches.push('grant.demoted');
          grant = false;
        }
      }
      let sender: Found | null = src.node ? { kind: 'map', node: src.node, depth: 0 } : { kind: 'sigma0' };
      let attribs = src.attribs;
      let upgrade = false;
      if (rcv.node) {
        const r = tm.lookupSrcDst(0, 'sigma0', t.s, src.phys, src.node ? src.node.vbase : sndAddr - (sndAddr % 2 ** src.order), t.r, rcv.node.frame, rcvAddr);
        if (r.kind === 'fail') {
          // Nothing found: the receiver's mapping sits earlier in the same tree than the sender's; map moves on.
          effect.branches.push('map.lookup-failed');
          effect.skipped.push({ task: t.r, virtual: { base: rcvAddr, order: iOrder }, cause: 'kept' });
          continue;
        }
        if (r.kind === 'child' && !grant && alignDown(rcv.node.frame, iOrder) === iPhys && rcv.order <= iOrder) {
          // Dst_child_of_src: the existing mapping only gains rights.
          attribs |= rcv.node.rights;
          upgrade = true;
        } else {
          // Unmap from receiver space, with everything derived from the receiver's mapping.
          effect.branches.push(rcv.order > iOrder ? 'map.overmap-larger-replace' : 'map.overmap-smaller');
          rv.removeSubtree(rcv.node.id, 'overmap');
          if (r.kind === 'ancestor') {
            // Dst is equal to or an ancestor of src: src is gone too.
            effect.branches.push('map.onto-source');
            continue;
          }
          sender = r.src;
        }
      }
      const senderNode = sender.kind === 'map' ? k.db.get(sender.node.id) : null;
      if (sender.kind === 'map' && !senderNode) {
        effect.branches.push('map.sender-lost');
        continue;
      }
      this.insert(k, t, rv, effect, { senderNode, grant, upgrade, rcvAddr, iOrder, iPhys, attribs });
    }
    if (rcvAddr < rcvEnd && sndSize > 0 && (rcvAddr >= toMax || sndAddr >= fromMax)) effect.branches.push('map.clamped');
  }

  /** `Mem_space::v_insert` and, for a new entry, `Mapdb::insert` or `Mapdb::grant`. */
  private insert(
    k: Kernel,
    t: Transfer,
    rv: Revoker,
    effect: KernelEffect,
    a: { senderNode: MapNode | null | undefined; grant: boolean; upgrade: boolean; rcvAddr: number; iOrder: number; iPhys: number; attribs: Rights },
  ): void {
    const S = k.superpageOrder;
    const here = k.db.inSpace(t.r, { base: a.rcvAddr, order: 0 })[0];
    const rights = asEntry(a.attribs);
    if (rights !== a.attribs && !a.upgrade) effect.branches.push('map.rights-as-entry');
    if (here) {
      // A valid entry of another size or frame: Insert_err_exists, "map (Mem_space) skipping area".
      if (here.order !== a.iOrder || here.frame !== a.iPhys) {
        effect.branches.push('map.exists-skip');
        effect.skipped.push({ task: t.r, virtual: { base: a.rcvAddr, order: a.iOrder }, cause: 'exists' });
        return;
      }
      // Insert_warn_attrib_upgrade / Insert_warn_exists: the entry's rights grow, the database is unchanged.
      effect.branches.push('map.rights-upgrade');
      const next = here.rights | rights;
      if (next !== here.rights) effect.changed.push(k.db.update(here.id, { rights: next }));
      return;
    }
    // The walk to a page-table entry stops at a present superpage-level entry (a page table) when a superpage is entered.
    if (a.iOrder === S && this.hasTable(t.r, S, a.rcvAddr)) {
      effect.branches.push('map.exists-skip');
      return;
    }
    if (a.iOrder < S) this.makeTable(t.r, S, a.rcvAddr);
    if (a.grant && a.senderNode) {
      // Mapdb::grant keeps the mapping, its place in the tree and its subtree; only the entry's rights are new.
      effect.branches.push('grant.move');
      if ([...k.db.children(a.senderNode.id)].some((c) => (k.db.get(c)!.rights & ~rights) !== 0)) effect.branches.push('grant.subtree-keeps-rights');
      effect.changed.push(k.db.update(a.senderNode.id, { task: t.r, vbase: a.rcvAddr, rights }));
      return;
    }
    effect.branches.push('map.new');
    const parent = a.senderNode ? a.senderNode.id : rootHolding(k, a.iPhys);
    rv.create({ task: t.r, vbase: a.rcvAddr, order: a.iOrder, frame: a.iPhys, rights, parent });
  }

  unmap(k: Kernel, t: TaskId, fp: Fpage, flush: boolean, effect: KernelEffect): void {
    const rv = new Revoker(k.db, effect);
    const cause = flush ? 'flush' : 'revoke';
    const start = alignDown(fp.base, fp.order);
    let end = start + 2 ** fp.order;
    const max = this.maxAddress(k, t);
    if (end > max) effect.branches.push('unmap.clamped');
    if (t === SIGMA0) return this.unmapSigma0(k, rv, start, Math.min(end, max), flush, effect);
    let any = false;
    for (let address = start; address < end && address < max; ) {
      const e = this.entry(k, t, address);
      const pageAddress = address - (address % 2 ** e.order);
      const next = pageAddress + 2 ** e.order;
      if (!e.node) {
        address = next;
        continue;
      }
      any = true;
      const n = e.node;
      if (flush) {
        // "We always flush the whole page, even if it is larger than the specified flush area."
        effect.branches.push(address === pageAddress && end >= next ? 'unmap.whole-node' : 'unmap.partial-flush-whole');
        address = pageAddress;
        if (end < next) end = next;
        rv.removeSubtree(n.id, cause);
      } else {
        this.flushBelow(k, rv, n, address, end, cause, effect);
      }
      address = next;
    }
    if (!any) effect.branches.push('unmap.nothing-mapped');
  }

  /**
   * `Mapdb::flush` of node `n` without `self_unmap` over virtual `[from, to)` of its space:
   * mappings are never split, so every descendant of the same page size goes (it meets the range),
   * and of the submap of base pages below a superpage only the pages in the range go.
   */
  private flushBelow(k: Kernel, rv: Revoker, n: MapNode, from: number, to: number, cause: 'flush' | 'revoke', effect: KernelEffect): void {
    const lo = Math.max(from - n.vbase, 0);
    const hi = Math.min(to - n.vbase, 2 ** n.order);
    if (lo === 0 && hi === 2 ** n.order) {
      effect.branches.push('unmap.whole-node');
      rv.removeDescendants(n.id, cause);
      return;
    }
    effect.branches.push('unmap.partial-overlapping');
    for (const c of [...k.db.children(n.id)]) {
      const child = k.db.get(c);
      if (!child) continue;
      const off = child.frame - n.frame;
      if (child.order === n.order || (off + 2 ** child.order > lo && off < hi)) rv.removeSubtree(child.id, cause);
    }
  }

  /**
   * sigma0's unmap and flush: sigma0 has no page table, so every address is one of its fabricated
   * pages of the largest size, and the database flush starts at the synthetic root of the
   * frame's tree (`Mapping_tree::flush` with no parent, where `self_unmap` is "downgraded"). A
   * flush covers each whole page the range meets; an unmap, within a page it only partly covers,
   * removes every superpage-sized mapping of that page (they meet the range) and of the base
   * pages sigma0 handed out directly only those in the range.
   */
  private unmapSigma0(k: Kernel, rv: Revoker, start: number, end: number, flush: boolean, effect: KernelEffect): void {
    const S = k.superpageOrder;
    const P = 2 ** S;
    const cause = flush ? 'flush' : 'revoke';
    const last = Math.min(end, k.memoryPages);
    for (let page = start - (start % P); page < last; page += P) {
      const lo = flush ? page : Math.max(start, page);
      const hi = flush ? page + P : Math.min(end, page + P);
      effect.branches.push('unmap.sigma0-page');
      const kids = k.db.onFrames({ base: page, order: S }).filter((n) => n.task !== SIGMA0 && n.parent !== null && k.db.get(n.parent)?.parent === null);
      for (const n of kids) {
        if (!k.db.has(n.id)) continue;
        if ((lo === page && hi === page + P) || n.order >= S || (n.frame + 2 ** n.order > lo && n.frame < hi)) rv.removeSubtree(n.id, cause);
      }
    }
  }
}

/** The physical address width of the database, in pages: amd64's 36 bits for 2 MiB superpages (2^24 pages), scaled with the superpage for small worlds. */
const physOrder = (superpageOrder: number): number => superpageOrder + 15;

/** `fitting_sizes`: the largest page size of the receiver not above `order` (the superpage, or the base page). */
const fitting = (order: number, S: number): number => (order >= S ? S : 0);

const alignDown = (a: number, order: number): number => a - (a % 2 ** order);

/**
 * Rights as an amd64 page-table entry holds them (src/kern/ia32/paging-ia32.cpp
 * `Pte_ptr::make_page` and `attribs`): a present entry is always readable, `w` is the writable
 * bit and `x` a clear XD bit.
 */
export const asEntry = (r: Rights): Rights => R | (r & W) | (r & X);

/** The sigma0 root whose frames hold page `frame`: the parent of what sigma0 sends directly. */
function rootHolding(k: Kernel, frame: number): number {
  for (const id of k.roots) {
    const r = k.db.get(id)!;
    if (frame >= r.frame && frame < r.frame + 2 ** r.order) return id;
  }
  throw new Error(`no sigma0 root holds frame ${frame}`);
}
