import { AlignedIndex } from '../kernel/alignedIndex.ts';
import type { Fpage } from '../kernel/index.ts';

/** One allocation: `2^order` contiguous pages at `base`, owned by one client and held by some. */
export interface Allocation {
  readonly handle: number;
  readonly owner: number;
  readonly fpage: Fpage;
  readonly holders: ReadonlySet<number>;
  readonly live: boolean;
}

interface Mutable {
  handle: number;
  owner: number;
  fpage: Fpage;
  holders: Set<number>;
  live: boolean;
}

/**
 * physmem's book of allocations: first-fit aligned placement, per-client quotas, holders.
 * Allocations are kept after dealloc (not live) so that handles stay unique in a trace.
 */
export class AllocationBook {
  private readonly byHandle: Mutable[] = [];
  private readonly liveIndex: AlignedIndex;

  constructor(
    private readonly memoryPages: number,
    memoryOrder: number,
    private readonly quota: number,
  ) {
    this.liveIndex = new AlignedIndex(memoryOrder);
  }

  get(handle: number): Allocation | undefined {
    return this.byHandle[handle];
  }

  all(): readonly Allocation[] {
    return this.byHandle;
  }

  /** Pages the client owns in live allocations. */
  used(client: number): number {
    let n = 0;
    for (const a of this.byHandle) if (a.live && a.owner === client) n += 2 ** a.fpage.order;
    return n;
  }

  /** Live allocations whose pages meet `f`. */
  liveMeeting(f: Fpage): Allocation[] {
    return this.liveIndex.meeting(f).map((h) => this.byHandle[h]!);
  }

  /** Places a new allocation or says why it cannot. */
  allocate(owner: number, order: number): Allocation | string {
    if (this.used(owner) + 2 ** order > this.quota) return `quota: client ${owner} holds ${this.used(owner)} of ${this.quota} pages`;
    for (let base = 0; base + 2 ** order <= this.memoryPages; base += 2 ** order) {
      const f = { base, order };
      if (this.liveIndex.isEmpty(f)) {
        const a: Mutable = { handle: this.byHandle.length, owner, fpage: f, holders: new Set([owner]), live: true };
        this.byHandle.push(a);
        this.liveIndex.add(f, a.handle);
        return a;
      }
    }
    return `no free block of ${2 ** order} pages`;
  }

  share(handle: number, other: number): void {
    this.byHandle[handle]!.holders.add(other);
  }

  release(handle: number, client: number): void {
    this.byHandle[handle]!.holders.delete(client);
  }

  end(handle: number): void {
    const a = this.byHandle[handle]!;
    a.live = false;
    a.holders.clear();
    this.liveIndex.remove(a.fpage, a.handle);
  }
}
