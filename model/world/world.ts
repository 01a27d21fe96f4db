import {
  endOf,
  isAligned,
  Kernel,
  listedChoices,
  orderFor,
  RWX,
  SIGMA0,
  virtualOf,
  type Fpage,
  type KernelEffect,
  type ListedChoices,
  type MapNode,
  type ProfileName,
  type TaskId,
} from '../kernel/index.ts';
import type { Design, Server, ServerContext, ServerKernel } from '../designs/design.ts';
import { AllocationBook, type Allocation } from './allocations.ts';
import { clientTask, type Command } from './commands.ts';
import { configProblems, type WorldConfig } from './config.ts';
import type { Outcome, ServeRequest, StepObservation } from './observations.ts';

export const PHYSMEM: TaskId = 'physmem';

/** A range a client asked for, remembered so that a later touch can ask again. */
interface Wanted {
  readonly vaddr: number;
  readonly order: number;
  readonly handle: number;
  readonly offset: number;
}

/** One handler per command kind. */
type Handlers<R> = { readonly [K in Command['kind']]: (w: World, c: Extract<Command, { kind: K }>) => R };


/** The read-only face of a world that properties judge. */
export interface WorldView {
  readonly config: WorldConfig;
  readonly kernel: Kernel;
  readonly allocations: Pick<AllocationBook, 'get' | 'all' | 'live' | 'liveMeeting'>;
  /** The client number of a task, or null for sigma0, physmem and proxies. */
  clientOf(task: TaskId): number | null;
  isAlive(client: number): boolean;
}

/** Thrown when a world cannot be built from its configuration. */
export class WorldConfigError extends Error {
  readonly code = 'EBADCONFIG';
  constructor(readonly problems: readonly string[]) {
    super(`bad world configuration: ${problems.join('; ')}`);
  }
}

/**
 * The memory server's world: kernel, physmem, the design's proxies and the clients. A
 * deterministic state machine: `step` applies one command and returns what happened as
 * data; the same commands on the same configuration always give the same observations.
 */
export class World implements WorldView {
  readonly kernel: Kernel;
  readonly allocations: AllocationBook;
  private readonly server: Server;
  private readonly alive: boolean[];
  private readonly wanted: Wanted[][];
  private readonly clientNumbers = new Map<TaskId, number>();
  private readonly log = new StepLog();
  private steps = 0;

  constructor(
    readonly config: WorldConfig,
    readonly design: Design,
    readonly profile: ProfileName,
  ) {
    const problems = configProblems(config);
    if (!design.supports(profile)) problems.push(`design ${design.name} does not run on the ${profile} kernel`);
    if (problems.length > 0) throw new WorldConfigError(problems);
    this.kernel = new Kernel(config.memoryPages, profile, { superpageOrder: config.superpageOrder });
    const memOrder = orderFor(config.memoryPages);
    this.kernel.createTask(PHYSMEM, memOrder);
    for (const id of this.kernel.roots) {
      const r = this.kernel.db.get(id)!;
      this.kernel.map(SIGMA0, virtualOf(r), PHYSMEM, r.vbase, RWX, this.log.choices);
    }
    for (let i = 0; i < config.clients; i++) {
      this.kernel.createTask(clientTask(i), config.clientSpaceOrder);
      this.clientNumbers.set(clientTask(i), i);
    }
    this.alive = Array.from({ length: config.clients }, () => true);
    this.wanted = Array.from({ length: config.clients }, () => []);
    this.allocations = new AllocationBook(config.memoryPages, memOrder, config.quota);
    this.server = design.start(new WorldServerContext(config, this.kernel, this.log));
  }

  clientOf(task: TaskId): number | null {
    return this.clientNumbers.get(task) ?? null;
  }

  isAlive(client: number): boolean {
    return this.alive[client] === true;
  }

  /** The ranges client `c` asked for and may touch again. */
  wantedOf(c: number): ReadonlyArray<{ readonly vaddr: number; readonly order: number }> {
    return this.wanted[c] ?? [];
  }

  /**
   * Why the world would refuse `command` before any kernel call, or null when it applies.
   * Pure: a search uses it to skip commands that cannot do anything.
   */
  refusal(command: Command): string | null {
    const reason = (World.REFUSALS[command.kind] as (w: World, c: Command) => string | null)(this, command);
    this.accepted = reason === null ? command : null;
    return reason;
  }

  /** The command `refusal` last found acceptable in this state: a search asks just before it steps, so `step` need not ask again. */
  private accepted: Command | null = null;

  /**
   * Per-kind handlers, as tables rather than match chains: the mapped type keeps them
   * exhaustive, and a table is built once while a chain is built per call, which on the
   * per-step path cost as much as the step itself. Static, so a new world builds nothing.
   */
  private static readonly REFUSALS: Handlers<string | null> = {
    alloc: (w, c) => w.badClient(c.client) ?? w.badOrder(c.order),
    request: (w, c) => w.badClient(c.client) ?? w.badHolding(c.client, c.handle) ?? w.badOrder(c.order) ?? w.badOffset(c.handle, c.offset, c.order) ?? w.badVaddr(c.vaddr, c.order),
    share: (w, c) =>
      w.badClient(c.client) ??
      w.badOwner(c.client, c.handle) ??
      w.badClient(c.other) ??
      (w.allocations.get(c.handle)!.holders.has(c.other) ? `client ${c.other} already holds handle ${c.handle}` : null),
    release: (w, c) =>
      w.badClient(c.client) ??
      w.badHolding(c.client, c.handle) ??
      (w.allocations.get(c.handle)!.owner === c.client ? `client ${c.client} owns handle ${c.handle}: it deallocs instead` : null),
    dealloc: (w, c) => w.badClient(c.client) ?? w.badOwner(c.client, c.handle),
    map: (w, c) =>
      w.badClient(c.client) ??
      w.badClient(c.other) ??
      (c.client === c.other ? 'a client cannot map to itself' : null) ??
      w.badVaddr(c.vaddr, c.order) ??
      w.badVaddr(c.toVaddr, c.order) ??
      w.nothingAt(c.client, c.vaddr, c.order),
    unmap: (w, c) => w.badClient(c.client) ?? w.badVaddr(c.vaddr, c.order) ?? w.nothingAt(c.client, c.vaddr, c.order),
    touch: (w, c) => {
      const bad = w.badClient(c.client) ?? w.badVaddr(c.vaddr, 0);
      if (bad) return bad;
      if (!w.wantedAt(c.client, c.vaddr)) return `client ${c.client} never asked for page ${c.vaddr}`;
      return w.kernel.db.inSpace(clientTask(c.client), { base: c.vaddr, order: 0 }).length > 0 ? `page ${c.vaddr} of client ${c.client} is still mapped` : null;
    },
    exit: (w, c) => w.badClient(c.client),
  };

  /** Applies one command; a refused command changes nothing. */
  step(command: Command): StepObservation {
    this.log.effects = [];
    this.touched = [];
    this.refault = false;
    this.served = null;
    this.log.choices = listedChoices(command.kernel?.partial, command.kernel?.overmap);
    // The state has not changed since `refusal` accepted this very command (any step clears it below).
    const bad = command === this.accepted ? null : this.refusal(command);
    this.accepted = null;
    const actors = command.kind === 'map' || command.kind === 'share' ? [command.client, command.other] : [command.client];
    const outcome = bad ? refused(bad) : (World.APPLIERS[command.kind] as (w: World, c: Command) => Outcome)(this, command);
    return {
      index: this.steps++,
      command,
      actors,
      outcome,
      effects: this.log.effects,
      touchedAllocations: this.touched,
      refault: this.refault,
      served: this.served,
      choicesUsed: this.log.choices.used,
    };
  }

  private touched: number[] = [];
  private refault = false;
  private served: ServeRequest | null = null;

  private static readonly APPLIERS: Handlers<Outcome> = {
    alloc: (w, c) => {
      const a = w.allocations.allocate(c.client, c.order);
      if (typeof a === 'string') return refused(a);
      w.touched.push(a.handle);
      return APPLIED;
    },
    request: (w, c) => {
      const want = { vaddr: c.vaddr, order: c.order, handle: c.handle, offset: c.offset };
      const out = w.serve(c.client, want);
      if (out.kind === 'applied') w.remember(c.client, want);
      return out;
    },
    share: (w, c) => {
      w.allocations.share(c.handle, c.other);
      w.touched.push(c.handle);
      return APPLIED;
    },
    release: (w, c) => {
      w.release(c.client, c.handle);
      w.touched.push(c.handle);
      return APPLIED;
    },
    dealloc: (w, c) => {
      w.dealloc(c.handle);
      w.touched.push(c.handle);
      return APPLIED;
    },
    map: (w, c) => {
      const e = w.log.record(w.kernel.map(clientTask(c.client), { base: c.vaddr, order: c.order }, clientTask(c.other), c.toVaddr, RWX, w.log.choices));
      return e.refused ? refused(e.refused) : APPLIED;
    },
    unmap: (w, c) => {
      const e = w.log.record(w.kernel.unmap(clientTask(c.client), { base: c.vaddr, order: c.order }, c.flush, w.log.choices));
      return e.refused ? refused(e.refused) : APPLIED;
    },
    touch: (w, c) => {
      const out = w.serve(c.client, w.wantedAt(c.client, c.vaddr)!);
      w.refault = out.kind === 'applied';
      return out;
    },
    exit: (w, c) => {
      w.log.record(w.kernel.unmap(clientTask(c.client), { base: 0, order: w.config.clientSpaceOrder }, true, w.log.choices));
      for (const a of [...w.allocations.live()]) {
        if (!a.holders.has(c.client)) continue;
        if (a.owner === c.client) w.dealloc(a.handle);
        else w.release(c.client, a.handle);
        w.touched.push(a.handle);
      }
      w.alive[c.client] = false;
      w.wanted[c.client] = [];
      return APPLIED;
    },
  };

  private wantedAt(client: number, vaddr: number): Wanted | undefined {
    return this.wanted[client]!.find((x) => vaddr >= x.vaddr && vaddr < x.vaddr + 2 ** x.order);
  }

  private serve(client: number, w: Wanted): Outcome {
    const alloc = this.allocations.get(w.handle)!;
    this.served = { client, handle: w.handle, frame: alloc.fpage.base + w.offset, order: w.order, vaddr: w.vaddr };
    const ex = this.server.serve({ client, alloc, frame: this.served.frame, order: w.order, vaddr: w.vaddr });
    return ex ? { kind: 'exhausted', client, order: w.order, space: ex.space, spaceOrder: ex.spaceOrder, slots: ex.slots } : APPLIED;
  }

  private remember(client: number, w: Wanted): void {
    const end = w.vaddr + 2 ** w.order;
    this.wanted[client] = [...this.wanted[client]!.filter((x) => x.vaddr + 2 ** x.order <= w.vaddr || x.vaddr >= end), w];
  }

  private release(client: number, handle: number): void {
    this.server.revoke(client, this.allocations.get(handle)!);
    this.allocations.release(handle, client);
    this.wanted[client] = this.wanted[client]!.filter((w) => w.handle !== handle);
  }

  private dealloc(handle: number): void {
    this.server.free(this.allocations.get(handle)!);
    this.allocations.end(handle);
    for (let i = 0; i < this.wanted.length; i++) this.wanted[i] = this.wanted[i]!.filter((w) => w.handle !== handle);
  }

  private badClient(c: number): string | null {
    if (!Number.isInteger(c) || c < 0 || c >= this.config.clients) return `no client ${c}`;
    return this.alive[c] ? null : `client ${c} has exited`;
  }

  private badOrder(order: number): string | null {
    return Number.isInteger(order) && order >= 0 && order <= this.config.maxOrder ? null : `order ${order} is outside 0..${this.config.maxOrder}`;
  }

  private liveAlloc(handle: number): Allocation | string {
    const a = Number.isInteger(handle) ? this.allocations.get(handle) : undefined;
    if (!a) return `no handle ${handle}`;
    return a.live ? a : `handle ${handle} was deallocated`;
  }

  private badHolding(client: number, handle: number): string | null {
    const a = this.liveAlloc(handle);
    if (typeof a === 'string') return a;
    return a.holders.has(client) ? null : `client ${client} does not hold handle ${handle}`;
  }

  private badOwner(client: number, handle: number): string | null {
    const a = this.liveAlloc(handle);
    if (typeof a === 'string') return a;
    return a.owner === client ? null : `client ${client} does not own handle ${handle}`;
  }

  private badOffset(handle: number, offset: number, order: number): string | null {
    const a = this.allocations.get(handle)!;
    return Number.isInteger(offset) && offset >= 0 && offset + 2 ** order <= 2 ** a.fpage.order
      ? null
      : `pages ${offset}..${offset + 2 ** order - 1} lie outside handle ${handle} of ${2 ** a.fpage.order} pages`;
  }

  /** A map of, or an unmap over, a range where the client maps nothing cannot change anything. */
  private nothingAt(client: number, vaddr: number, order: number): string | null {
    return this.kernel.db.spaceFree(clientTask(client), { base: vaddr, order }) ? `client ${client} maps nothing in pages ${vaddr}..${vaddr + 2 ** order - 1}` : null;
  }

  private badVaddr(vaddr: number, order: number): string | null {
    if (!Number.isInteger(order) || order < 0 || order > this.config.clientSpaceOrder) return `order ${order} is outside 0..${this.config.clientSpaceOrder}`;
    if (!Number.isInteger(vaddr) || vaddr < 0 || !isAligned(vaddr, order)) return `address ${vaddr} is not aligned to ${2 ** order} pages`;
    return endOf({ base: vaddr, order }) <= 2 ** this.config.clientSpaceOrder ? null : `address ${vaddr} lies outside the client space of ${2 ** this.config.clientSpaceOrder} pages`;
  }
}

const APPLIED: Outcome = { kind: 'applied' };
const refused = (reason: string): Outcome => ({ kind: 'refused', reason });

/** What the current step runs under and records: the kernel choices, and the kernel calls made (by the world or the server). */
class StepLog {
  choices: ListedChoices = listedChoices();
  effects: KernelEffect[] = [];
  record(e: KernelEffect): KernelEffect {
    this.effects.push(e);
    return e;
  }
}

/** The kernel as a server sees it: calls under the step's choices, recorded in its log. Classes, so a world's boot builds no closures. */
class WorldServerKernel implements ServerKernel {
  constructor(
    private readonly k: Kernel,
    private readonly log: StepLog,
  ) {}
  map(from: TaskId, send: Fpage, to: TaskId, rcvBase: number): KernelEffect {
    return this.log.record(this.k.map(from, send, to, rcvBase, RWX, this.log.choices));
  }
  unmap(task: TaskId, fp: Fpage, flush: boolean): KernelEffect {
    return this.log.record(this.k.unmap(task, fp, flush, this.log.choices));
  }
  unmapIn(task: TaskId, fp: Fpage, target: TaskId): KernelEffect {
    return this.log.record(this.k.unmapIn(task, fp, target));
  }
  nodes(task: TaskId, f: Fpage): MapNode[] {
    return this.k.db.inSpace(task, f);
  }
  free(task: TaskId, f: Fpage): boolean {
    return this.k.db.spaceFree(task, f);
  }
}

class WorldServerContext implements ServerContext {
  readonly physmem = PHYSMEM;
  readonly kernel: ServerKernel;
  constructor(
    readonly config: WorldConfig,
    private readonly k: Kernel,
    log: StepLog,
  ) {
    this.kernel = new WorldServerKernel(k, log);
  }
  client(i: number): TaskId {
    return clientTask(i);
  }
  createTask(name: string, spaceOrder: number): TaskId {
    this.k.createTask(name, spaceOrder);
    return name;
  }
}
