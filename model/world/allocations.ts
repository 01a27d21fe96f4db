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

  /** An independent copy. */
  clone(): AllocationBook {
    const c = Object.create(AllocationBook.prototype) as AllocationBook;
    const byHandle = this.byHandle.map((a) => ({ ...a, holders: new Set(a.holders), rights: new Map(a.rights) }));
    Object.assign(c, {
      memoryPages: this.memoryPages,
      quota: this.quota,
      byHandle,
      liveByHandle: new Map([...this.liveByHandle.keys()].map((h) => [h, byHandle[h]!])),
      usedBy: new Map(this.usedBy),
      liveIndex: this.liveIndex.clone(),
    });
    return c;
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
    this.liveByHandle.set(a.handle, a);
    this.usedBy.set(owner, this.used(owner) + 2 ** order);
    this.liveIndex.add(f, a.handle);
    return a;
  }

  share(handle: number, other: number, rights: Rights = RWX): void {
    this.byHandle[handle]!.holders.add(other);
    this.byHandle[handle]!.rights.set(other, rights);
  }

  release(handle: number, client: number): void {
    this.byHandle[handle]!.holders.delete(client);
    this.byHandle[handle]!.rights.delete(client);
  }

  end(handle: number): void {
    const a = this.byHandle[handle]!;
    a.live = false;
    a.holders.clear();
    a.rights.clear();
    this.liveByHandle.delete(handle);
    this.usedBy.set(a.owner, this.used(a.owner) - 2 ** a.fpage.order);
    this.liveIndex.remove(a.fpage, a.handle);
  }
}
