import { AlignedIndex } from '../kernel/alignedIndex.ts';
import { RWX, type Fpage, type Rights } from '../kernel/index.ts';

/** One allocation: `2^order` contiguous pages at `base`, owned by one client and held by some. */
export interface Allocation {
  readonly handle: number;
  readonly owner: number;
  readonly fpage: Fpage;
  readonly holders: ReadonlySet<number>;
  /** What each holder may do with the pages: the owner everything, a sharer what it was shared with (read-only for a library). */
  readonly rights: ReadonlyMap<number, Rights>;
  readonly live: boolean;
}

interface Mutable {
  handle: number;
  owner: number;
  fpage: Fpage;
  holders: Set<number>;
  rights: Map<number, Rights>;
  live: boolean;
}

/**
 * physmem's book of allocations: first-fit aligned placement, per-client quotas, holders.
 * Allocations are kept after dealloc (not live) so that handles stay unique in a trace.
 */
export class AllocationBook {
  private readonly byHandle: Mutable[] = [];
  /** The live allocations in handle order (a Map keeps insertion order): what searches pick from. */
  private readonly liveByHandle = new Map<number, Mutable>();
  private readonly usedBy = new Map<number, number>();
  private readonly liveIndex: AlignedIndex;

  constructor(
    private readonly memoryPages: number,
    memoryOrder: number,
    private readonly quota: number,
  ) {
    this.liveIndex = new AlignedIndex(memoryOrder);
  }

  /**
   * An independent copy. Allocations are shared with the copy until either side changes one
   * (copy on write): a search copies a world per transition, and most transitions change none.
   */
  clone(): AllocationBook {
    const c = Object.create(AllocationBook.prototype) as AllocationBook;
    this.owned = new Set();
    Object.assign(c, {
      memoryPages: this.memoryPages,
      quota: this.quota,
      byHandle: [...this.byHandle],
      liveByHandle: new Map(this.liveByHandle),
      usedBy: new Map(this.usedBy),
      liveIndex: this.liveIndex.clone(),
      owned: new Set<number>(),
    });
    return c;
  }

  /** Handles whose allocation objects this copy may change in place (it made or copied them). */
  private owned = new Set<number>();

  /** Allocation `handle`, owned by this copy: copied first if it is shared with another. */
  private mine(handle: number): Mutable {
    const a = this.byHandle[handle]!;
    if (this.owned.has(handle)) return a;
    const copy: Mutable = { ...a, holders: new Set(a.holders), rights: new Map(a.rights) };
    this.byHandle[handle] = copy;
    if (this.liveByHandle.has(handle)) this.liveByHandle.set(handle, copy);
    this.owned.add(handle);
    return copy;
  }

  get(handle: number): Allocation | undefined {
    return this.byHandle[handle];
  }

  /** Every allocation ever made, live or ended, in handle order. */
  all(): readonly Allocation[] {
    return this.byHandle;
  }

  /** The live allocations in handle order; costs what it returns, not the history. */
  live(): Iterable<Allocation> {
    return this.liveByHandle.values();
  }

  /** Pages the client owns in live allocations. */
  used(client: number): number {
    return this.usedBy.get(client) ?? 0;
  }

  /** Live allocations whose pages meet `f`. */
  liveMeeting(f: Fpage): Allocation[] {
    return this.liveIndex.meeting(f).map((h) => this.byHandle[h]!);
  }

  /** Places a new allocation at the lowest free aligned block (first fit), or says why it cannot. */
  allocate(owner: number, order: number): Allocation | string {
    if (this.used(owner) + 2 ** order > this.quota) return `quota: client ${owner} holds ${this.used(owner)} of ${this.quota} pages`;
    const base = this.liveIndex.firstFree(order, this.memoryPages);
    if (base === null) return `no free block of ${2 ** order} pages`;
    const f = { base, order };
    const a: Mutable = { handle: this.byHandle.length, owner, fpage: f, holders: new Set([owner]), rights: new Map([[owner, RWX]]), live: true };
    this.byHandle.push(a);
    this.owned.add(a.handle);
    this.liveByHandle.set(a.handle, a);
    this.usedBy.set(owner, this.used(owner) + 2 ** order);
    this.liveIndex.add(f, a.handle);
    return a;
  }

  share(handle: number, other: number, rights: Rights = RWX): void {
    const a = this.mine(handle);
    a.holders.add(other);
    a.rights.set(other, rights);
  }

  release(handle: number, client: number): void {
    const a = this.mine(handle);
    a.holders.delete(client);
    a.rights.delete(client);
  }

  end(handle: number): void {
    const a = this.mine(handle);
    a.live = false;
    a.holders.clear();
    a.rights.clear();
    this.liveByHandle.delete(handle);
    this.usedBy.set(a.owner, this.used(a.owner) - 2 ** a.fpage.order);
    this.liveIndex.remove(a.fpage, a.handle);
  }
}
