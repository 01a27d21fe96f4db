import { RWX, contains, endOf, exhaustedSpace, piecesOf, slotsFingerprint, type Allocation, type Canon, type Exhausted, type Fpage, type MapRequest, type ProxySlot, type ServerContext, type TaskId } from '../../index.ts';

/** Slips a proxy space can make: each one a realistic one-line bug in `ProxySpace`. */
export interface ProxyBugs {
  /** Reusing a slot, forgets to map it on to the client. */
  readonly silentReuse?: boolean;
  /** Reuses a slot at an offset one page off. */
  readonly reuseOffByOne?: boolean;
  /** Reuses a slot without checking the offset is aligned to the request's size. */
  readonly reuseMisaligned?: boolean;
  /** Places a new slot ignoring the last slot (an off-by-one in the overlap check). */
  readonly placeOverlap?: boolean;
  /** Never drops a slot (revoke and free unmap, but keep the bookkeeping). */
  readonly leakSlots?: boolean;
  /** `free` forgets the bookkeeping but never unmaps. */
  readonly freeWithoutUnmap?: boolean;
  /** Says the space is full whenever it already holds a slot of another allocation. */
  readonly exhaustedEarly?: boolean;
  /** Maps the client the whole slot it reuses, not the part asked for. */
  readonly mapWholeSlot?: boolean;
  /** Revokes only the first of a client's slots for an allocation. */
  readonly revokeFirstOnly?: boolean;
  /** Holds every slot with all rights, whatever its users were served with. */
  readonly fullRightsInProxy?: boolean;
}


/** `ProxySpace` with `bugs`: the same slots, first fit and reuse, except where a bug says otherwise. */
export class BuggyProxySpace {
  private readonly slots: ProxySlot[] = [];

  constructor(
    private readonly ctx: ServerContext,
    readonly task: TaskId,
    private readonly spaceOrder: number,
    private readonly bugs: ProxyBugs,
  ) {}

  serve(req: MapRequest): Exhausted | null {
    const size = 2 ** req.order;
    let slot = this.slots.find(
      (s) =>
        s.handle === req.alloc.handle &&
        s.frame <= req.frame &&
        req.frame + size <= s.frame + 2 ** s.region.order &&
        (this.bugs.reuseMisaligned || (s.region.base + req.frame - s.frame) % size === 0),
    );
    const reused = slot !== undefined;
    if (!slot) {
      if (this.bugs.exhaustedEarly && this.slots.some((s) => s.handle !== req.alloc.handle)) return this.full();
      const region = this.place(req.order);
      if (!region) return this.full();
      const rights = this.bugs.fullRightsInProxy ? RWX : req.rights;
      for (const p of piecesOf(req.frame, req.order, region.base)) this.ctx.kernel.map(this.ctx.physmem, { base: p.frame, order: p.order }, this.task, p.vaddr, rights);
      slot = { region, frame: req.frame, handle: req.alloc.handle, users: new Set(), rights };
      const pos = this.slots.findIndex((s) => s.region.base > region.base);
      this.slots.splice(pos < 0 ? this.slots.length : pos, 0, slot);
    } else if ((req.rights & ~slot.rights) !== 0) {
      slot.rights |= req.rights;
      for (const p of piecesOf(slot.frame, slot.region.order, slot.region.base)) this.ctx.kernel.map(this.ctx.physmem, { base: p.frame, order: p.order }, this.task, p.vaddr, slot.rights);
    }
    slot.users.add(req.client);
    if (reused && this.bugs.silentReuse) return null;
    const at = slot.region.base + (req.frame - slot.frame) + (reused && this.bugs.reuseOffByOne ? 1 : 0);
    const send = reused && this.bugs.mapWholeSlot ? slot.region : { base: at - (at % size), order: req.order };
    this.ctx.kernel.map(this.task, send, this.ctx.client(req.client), req.vaddr, req.rights);
    return null;
  }

  revoke(client: number, alloc: Allocation): void {
    for (const s of [...this.slots]) {
      if (s.handle !== alloc.handle || !s.users.has(client)) continue;
      this.ctx.kernel.unmap(this.task, s.region, false);
      s.users.delete(client);
      if (s.users.size === 0) this.drop(s);
      if (this.bugs.revokeFirstOnly) return;
    }
  }

  free(alloc: Allocation): void {
    for (const s of [...this.slots]) if (s.handle === alloc.handle) this.drop(s);
  }

  fork(ctx: ServerContext): BuggyProxySpace {
    const copy = new BuggyProxySpace(ctx, this.task, this.spaceOrder, this.bugs);
    for (const s of this.slots) copy.slots.push({ ...s, users: new Set(s.users) });
    return copy;
  }

  fingerprint(canon: Canon): string {
    return slotsFingerprint(this.slots, canon);
  }

  private full(): Exhausted {
    return exhaustedSpace(this.task, this.spaceOrder, this.slots);
  }

  private drop(s: ProxySlot): void {
    if (!this.bugs.freeWithoutUnmap) this.ctx.kernel.unmap(this.task, s.region, true);
    if (!this.bugs.leakSlots) this.slots.splice(this.slots.indexOf(s), 1);
  }

  private place(order: number): Fpage | null {
    const size = 2 ** order;
    const others = this.bugs.placeOverlap ? this.slots.slice(0, -1) : this.slots;
    const starts = [0, ...others.map((s) => endOf(s.region))].map((b) => Math.ceil(b / size) * size).sort((a, b) => a - b);
    for (const base of starts) {
      const f = { base, order };
      if (endOf(f) > 2 ** this.spaceOrder) continue;
      if (!others.some((s) => contains(s.region, f) || contains(f, s.region))) return f;
    }
    return null;
  }
}
