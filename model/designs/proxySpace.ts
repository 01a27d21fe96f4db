import { contains, endOf, type Fpage, type Rights, type TaskId } from '../kernel/index.ts';
import type { Allocation } from '../world/allocations.ts';
import type { Canon, Exhausted, MapRequest, ServerContext } from './design.ts';
import { piecesOf } from './pieces.ts';
import { ClientSet } from './state.ts';

/** A region of the proxy's space holding frames `[frame, frame + size)` in order, and who uses it. */
export interface ProxySlot {
  readonly region: Fpage;
  readonly frame: number;
  readonly handle: number;
  readonly users: Set<number>;
  /** The rights the proxy holds the slot with: the union of what its users were served with. */
  rights: Rights;
}

/** A proxy space's bookkeeping as plain data: its task, its size, and its slots in address order (what `stateful` copies). */
export interface ProxyState {
  readonly task: TaskId;
  readonly spaceOrder: number;
  readonly slots: ProxySlot[];
}

/**
 * What a full proxy space reports: its slots, who fills them and whose frames they hold, as the
 * availability invariant needs them.
 * @example
 * if (!room) return exhaustedSpace(proxyTask, ctx.config.proxySpaceOrder, slots);
 */
export const exhaustedSpace = (task: TaskId, spaceOrder: number, slots: readonly ProxySlot[]): Exhausted => ({
  space: task,
  spaceOrder,
  slots: slots.map((s) => ({ region: s.region, users: [...s.users].sort(), handle: s.handle })),
});

/**
 * Slots (kept in address order) as fingerprint text, handles and users named through `canon`:
 * what a proxy-based design's `fingerprint` returns.
 * @example
 * fingerprint: (state, canon) => slotsFingerprint(state.slots, canon)
 */
export const slotsFingerprint = (slots: readonly ProxySlot[], canon: Canon): string =>
  slots.map((s) => `${s.region.base}/${s.region.order}:${s.frame}:${canon.handle(s.handle)}:${s.rights}:${[...s.users].map((u) => canon.client(u)).sort().join(',')}`).join(';');

/**
 * A proxy task's address space managed as slots: physmem maps frames into a slot, the proxy
 * maps from the slot to clients. A slot is reused when it holds the requested frames at an
 * offset aligned to the request's size; otherwise a new slot is placed first-fit, and the
 * request fails when the space has no room.
 */
export class ProxySpace {
  constructor(
    private readonly ctx: ServerContext,
    /** The bookkeeping this space acts on (and changes): plain data, so `stateful` forks it. */
    readonly state: ProxyState,
  ) {}

  /** A new proxy task of `2^spaceOrder` pages with no slots (`forClient` as for `createTask`). */
  static create(ctx: ServerContext, name: string, spaceOrder: number, forClient?: number): ProxySpace {
    return new ProxySpace(ctx, { task: ctx.createTask(name, spaceOrder, forClient), spaceOrder, slots: [] });
  }

  get task(): TaskId {
    return this.state.task;
  }

  private get slots(): ProxySlot[] {
    return this.state.slots;
  }

  private get spaceOrder(): number {
    return this.state.spaceOrder;
  }

  serve(req: MapRequest): Exhausted | null {
    const size = 2 ** req.order;
    let slot = this.slots.find(
      (s) => s.frame <= req.frame && req.frame + size <= s.frame + 2 ** s.region.order && (s.region.base + req.frame - s.frame) % size === 0,
    );
    if (!slot) {
      const region = this.place(req.order);
      if (!region) return exhaustedSpace(this.task, this.spaceOrder, this.slots);
      // The proxy holds the slot with the rights it serves, no more: a client's page derives from
      // the slot, and the kernel caps a derived page's rights by its parent's (a map onto a
      // read-only sharer's page by another client cannot lift it past them).
      for (const p of piecesOf(req.frame, req.order, region.base)) this.ctx.kernel.map(this.ctx.physmem, { base: p.frame, order: p.order }, this.task, p.vaddr, req.rights);
      slot = { region, frame: req.frame, handle: req.alloc.handle, users: new ClientSet(), rights: req.rights };
      // Kept in address order, so which fitting slot is reused depends on the slots alone, not on their history.
      const pos = this.slots.findIndex((s) => s.region.base > region.base);
      this.slots.splice(pos < 0 ? this.slots.length : pos, 0, slot);
    } else if ((req.rights & ~slot.rights) !== 0) {
      // A user served with more rights than the slot has: physmem's map over the same frames adds them.
      slot.rights |= req.rights;
      for (const p of piecesOf(slot.frame, slot.region.order, slot.region.base)) this.ctx.kernel.map(this.ctx.physmem, { base: p.frame, order: p.order }, this.task, p.vaddr, slot.rights);
    }
    slot.users.add(req.client);
    const at = slot.region.base + (req.frame - slot.frame);
    this.ctx.kernel.map(this.task, { base: at, order: req.order }, this.ctx.client(req.client), req.vaddr, req.rights);
    return null;
  }

  /** The proxy unmaps each slot the client uses for `alloc`: every user of those slots loses its mapping. */
  revoke(client: number, alloc: Allocation): void {
    for (const s of [...this.slots]) {
      if (s.handle !== alloc.handle || !s.users.has(client)) continue;
      this.ctx.kernel.unmap(this.task, s.region, false);
      s.users.delete(client);
      if (s.users.size === 0) this.drop(s);
    }
  }

  /** The proxy flushes every slot of `alloc` and frees the space. */
  free(alloc: Allocation): void {
    for (const s of [...this.slots]) if (s.handle === alloc.handle) this.drop(s);
  }

  private drop(s: ProxySlot): void {
    this.ctx.kernel.unmap(this.task, s.region, true);
    this.slots.splice(this.slots.indexOf(s), 1);
  }

  /** The slots (kept in address order), handles and users named through `canon`. */
  fingerprint(canon: Canon): string {
    return slotsFingerprint(this.slots, canon);
  }

  /** First fit among the gaps between slots. */
  private place(order: number): Fpage | null {
    const size = 2 ** order;
    const starts = [0, ...this.slots.map((s) => endOf(s.region))].map((b) => Math.ceil(b / size) * size).sort((a, b) => a - b);
    for (const base of starts) {
      const f = { base, order };
      if (endOf(f) > 2 ** this.spaceOrder) continue;
      if (!this.slots.some((s) => contains(s.region, f) || contains(f, s.region))) return f;
    }
    return null;
  }
}
