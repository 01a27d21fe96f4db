import {
  endOf,
  isAligned,
  isRightsText,
  parseRights,
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
  type Rights,
  type TaskId,
} from '../kernel/index.ts';
import type { Design, Exhausted, Server, ServerContext, ServerKernel } from '../designs/design.ts';
import { DesignError } from '../designs/state.ts';
import { AllocationBook, type Allocation } from './allocations.ts';
import { clientTask, type Command } from './commands.ts';
import { configProblems, type WorldConfig } from './config.ts';
import { canonicalHash, FingerprintSums, fingerprintHash, fingerprintText, type FingerprintedState, type Wanted } from './fingerprint.ts';
import type { Outcome, ServeRequest, StepObservation } from './observations.ts';

export const PHYSMEM: TaskId = 'physmem';


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
  /**
   * The clients that handed node `id` to its task by a grant, or by a map that only extended
   * the rights of a mapping the task had: provenance that derivation does not show (a granted
   * node keeps its place in the tree; an extended one keeps its parent). Empty for most nodes.
   */
  receivedFrom(id: number): readonly number[];
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
  /** Server tasks created for one client (`createTask(..., forClient)`), with their number among that client's tasks. */
  private readonly owners = new Map<TaskId, { readonly client: number; readonly index: number }>();
  private readonly log = new StepLog();
  private steps = 0;
  /** See `receivedFrom`: node id to the clients that handed it over, kept while the node lives. */
  private received = new Map<number, readonly number[]>();

  constructor(
    readonly config: WorldConfig,
    readonly design: Design,
    readonly profile: ProfileName,
  ) {
    const problems = configProblems(config, [profile]);
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
    this.server = design.start(new WorldServerContext(config, this.kernel, this.log, this.owners, design.name, false));
  }

  /** True when the design's server can be copied and fingerprinted: what an exhaustive search needs. */
  get branchable(): boolean {
    return typeof this.server.fork === 'function' && typeof this.server.fingerprint === 'function';
  }

  /** An independent copy of this world, to branch a search from. Throws unless `branchable`. */
  clone(): World {
    if (!this.branchable) throw new Error(`design ${this.design.name}'s server cannot be forked`);
    const c = Object.create(World.prototype) as World;
    const kernel = this.kernel.clone();
    const log = new StepLog();
    const owners = new Map(this.owners);
    Object.assign(c, {
      config: this.config,
      design: this.design,
      profile: this.profile,
      kernel,
      allocations: this.allocations.clone(),
      alive: [...this.alive],
      wanted: this.wanted.map((w) => [...w]),
      clientNumbers: this.clientNumbers,
      owners,
      log,
      steps: this.steps,
      received: new Map(this.received),
      accepted: null,
      touched: [],
      refault: false,
      served: null,
    });
    let server: Server;
    try {
      server = this.server.fork!(new WorldServerContext(this.config, kernel, log, owners, this.design.name, true));
    } catch (e) {
      if (e instanceof DesignError) throw e;
      throw new DesignError(this.design.name, `its server's fork() failed: ${(e as Error).message}`);
    }
    Object.assign(c, { server });
    return c;
  }

  /** The state a fingerprint reads (see fingerprint.ts). */
  private get state(): FingerprintedState {
    return { config: this.config, kernel: this.kernel, allocations: this.allocations, alive: this.alive, wanted: this.wanted, clientNumbers: this.clientNumbers, owners: this.owners, received: this.received, server: this.server, handleName: (h) => this.handleName(h) };
  }

  /**
   * The whole state as canonical text, with clients renamed by `perm` (client i is called
   * `perm[i]`): two worlds with equal text behave alike from then on, up to the renaming. Pure;
   * throws unless `branchable`.
   */
  fingerprint(perm: readonly number[] = IDENTITY[this.config.clients] ?? [...this.alive.keys()]): string {
    return fingerprintText(this.state, perm);
  }

  /** The same state as `fingerprint(perm)`, as a 64-bit hash written to `out[0]`, `out[1]` (see fingerprint.ts). Pure. */
  fingerprintHash(perm: readonly number[], out: Uint32Array): void {
    fingerprintHash(this.state, perm, out);
  }

  /**
   * The least `fingerprintHash` over the renamings of `perms` that order clients by signature,
   * from one pass over the state (see fingerprint.ts); `sums` is scratch of this world's client count. Pure.
   */
  canonicalHash(perms: readonly (readonly number[])[], sums: FingerprintSums, out: Uint32Array): void {
    canonicalHash(this.state, perms, sums, out);
  }

  /** How `fingerprint` names a handle: live ones by where they lie, ended ones likewise but marked. */
  handleName(h: number): string {
    const a = this.allocations.get(h);
    return a ? `${a.live ? 'h' : 'x'}${a.fpage.base}/${a.fpage.order}` : `?${h}`;
  }

  receivedFrom(id: number): readonly number[] {
    return this.received.get(id) ?? NONE;
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
      badRights(c.rights) ??
      (w.allocations.get(c.handle)!.holders.has(c.other) ? `client ${c.other} already holds handle ${c.handle}` : null),
    release: (w, c) =>
      w.badClient(c.client) ??
      w.badHolding(c.client, c.handle) ??
      (w.allocations.get(c.handle)!.owner === c.client ? `client ${c.client} owns handle ${c.handle}: it deallocs instead` : null),
    dealloc: (w, c) => w.badClient(c.client) ?? w.badOwner(c.client, c.handle),
    map: (w, c) => w.badSend(c),
    grant: (w, c) => w.badSend(c),
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
    if (this.received.size > 0) for (const id of [...this.received.keys()]) if (!this.kernel.db.has(id)) this.received.delete(id);
    this.log.effects = [];
    this.touched = [];
    this.refault = false;
    this.served = null;
    this.log.choices = listedChoices(command.kernel?.partial, command.kernel?.overmap);
    // The state has not changed since `refusal` accepted this very command (any step clears it below).
    const bad = command === this.accepted ? null : this.refusal(command);
    this.accepted = null;
    const actors = command.kind === 'map' || command.kind === 'grant' || command.kind === 'share' ? [command.client, command.other] : [command.client];
    const outcome = bad ? refused(bad) : (World.APPLIERS[command.kind] as (w: World, c: Command) => Outcome)(this, command);
    this.inheritProvenance();
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
      w.server.allocated?.(a);
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
      w.allocations.share(c.handle, c.other, parseRights(c.rights ?? 'rwx'));
      w.server.shared?.(w.allocations.get(c.handle)!, c.other);
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
    map: (w, c) => w.send(c),
    grant: (w, c) => w.send(c),
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

  /** A node split by this step's kernel calls hands its provenance to the pieces that keep its frames. */
  private inheritProvenance(): void {
    if (this.received.size === 0) return;
    for (const e of this.log.effects) {
      for (const r of e.removed) {
        const from = r.cause === 'split' ? this.received.get(r.node.id) : undefined;
        if (!from) continue;
        for (const n of e.created) if (n.task === r.node.task && n.frame >= r.node.frame && n.frame + 2 ** n.order <= r.node.frame + 2 ** r.node.order) this.received.set(n.id, from);
      }
    }
  }

  /** A client's map or grant to another client, through the kernel call of that name. */
  private send(c: Extract<Command, { kind: 'map' | 'grant' }>): Outcome {
    const window = c.window === undefined ? undefined : { order: c.window, hotSpot: c.hotSpot ?? 0 };
    const call = c.kind === 'map' ? this.kernel.map : this.kernel.grant;
    const e = this.log.record(call.call(this.kernel, clientTask(c.client), { base: c.vaddr, order: c.order }, clientTask(c.other), c.toVaddr, parseRights(c.rights ?? 'rwx'), this.log.choices, window));
    if (e.refused) return refused(e.refused);
    // What the receiver now holds without deriving from the giver: granted nodes (moved or new), and its own nodes whose rights the map extended.
    const to = clientTask(c.other);
    // The giver passes on what it holds its pages through: the clients its source nodes derive
    // from and were handed them by, up the derivation (found before the call, which may move them).
    const givers = new Set<number>([c.client]);
    for (const s of e.transfer?.sources ?? []) {
      for (let n: MapNode | undefined = s; n; n = n.parent === null ? undefined : (this.kernel.db.get(n.parent) ?? undefined)) {
        const holder = this.clientOf(n.task);
        if (holder !== null) givers.add(holder);
        for (const g of this.receivedFrom(n.id)) givers.add(g);
      }
    }
    // A grant may also enter new nodes that do not derive from the granter (Pistachio's partial
    // grant of a superpage files the piece under the granter's parent): handed over all the same.
    for (const list of c.kind === 'grant' ? [e.changed, e.created] : [e.changed]) for (const n of list) {
      if (n.task !== to || !this.kernel.db.has(n.id)) continue;
      const had = new Set(this.receivedFrom(n.id));
      for (const g of givers) had.add(g);
      had.delete(c.other);
      if (had.size > 0) this.received.set(n.id, [...had].sort((x, y) => x - y));
    }
    return APPLIED;
  }

  private badSend(c: Extract<Command, { kind: 'map' | 'grant' }>): string | null {
    return (
      this.badClient(c.client) ??
      this.badClient(c.other) ??
      (c.client === c.other ? `a client cannot ${c.kind} to itself` : null) ??
      badRights(c.rights) ??
      this.badVaddr(c.vaddr, c.order) ??
      this.badVaddr(c.toVaddr, c.window ?? c.order) ??
      (c.hotSpot === undefined || (Number.isSafeInteger(c.hotSpot) && c.hotSpot >= 0) ? null : `hot spot ${c.hotSpot} is not a page number`) ??
      this.nothingAt(c.client, c.vaddr, c.order)
    );
  }

  private wantedAt(client: number, vaddr: number): Wanted | undefined {
    return this.wanted[client]!.find((x) => vaddr >= x.vaddr && vaddr < x.vaddr + 2 ** x.order);
  }

  private serve(client: number, w: Wanted): Outcome {
    const alloc = this.allocations.get(w.handle)!;
    const rights = alloc.rights.get(client) ?? 0;
    this.served = { client, handle: w.handle, frame: alloc.fpage.base + w.offset, order: w.order, vaddr: w.vaddr, rights };
    const ex = this.server.serve({ client, alloc, frame: this.served.frame, order: w.order, vaddr: w.vaddr, rights });
    if (!ex) return APPLIED;
    const bad = exhaustedProblem(ex);
    if (bad) throw new DesignError(this.design.name, `serve() reported exhaustion with ${bad}; exhaustedSpace(task, spaceOrder, slots) builds the report from proxy slots`);
    return { kind: 'exhausted', client, order: w.order, space: ex.space, spaceOrder: ex.spaceOrder, slots: ex.slots };
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

const isPage = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

/** What is wrong with an exhaustion report a server returned (a design in JavaScript has no types to keep it whole), or null. */
function exhaustedProblem(ex: Exhausted): string | null {
  if (typeof ex !== 'object' || ex === null) return `a ${typeof ex} instead of { space, spaceOrder, slots }`;
  if (typeof ex.space !== 'string') return `space ${JSON.stringify(ex.space)}, not a task name`;
  if (!isPage(ex.spaceOrder)) return `spaceOrder ${JSON.stringify(ex.spaceOrder)}, not an order`;
  if (!Array.isArray(ex.slots)) return 'slots that are not an array';
  for (const [i, s] of ex.slots.entries()) {
    if (typeof s !== 'object' || s === null || typeof s.region !== 'object' || s.region === null || !isPage(s.region.base) || !isPage(s.region.order)) return `slots[${i}].region that is not an fpage { base, order }`;
    if (!Array.isArray(s.users) || !(s.users as unknown[]).every((u) => Number.isInteger(u))) return `slots[${i}].users that is not a list of client numbers`;
    if (!isPage(s.handle)) return `slots[${i}].handle ${JSON.stringify(s.handle)}, not the handle whose frames the slot holds`;
  }
  return null;
}
const NONE: readonly number[] = [];

/** Why `rights` is no usable rights text (absent means all rights). */
const badRights = (rights: string | undefined): string | null =>
  rights === undefined || (typeof rights === 'string' && isRightsText(rights) && rights !== '---') ? null : `rights ${JSON.stringify(rights)} are not rwx-style text with at least one right`;
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
  map(from: TaskId, send: Fpage, to: TaskId, rcvBase: number, rights: Rights = RWX): KernelEffect {
    return this.log.record(this.k.map(from, send, to, rcvBase, rights, this.log.choices));
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
    private readonly owners: Map<TaskId, { readonly client: number; readonly index: number }>,
    private readonly design: string,
    private readonly forking: boolean,
  ) {
    this.kernel = new WorldServerKernel(k, log);
  }
  client(i: number): TaskId {
    return clientTask(i);
  }
  createTask(name: string, spaceOrder: number, forClient?: number): TaskId {
    if (this.k.db.hasTask(name)) {
      throw new DesignError(
        this.design,
        this.forking
          ? `its server creates task ${name} again when forked: a fork acts on a copy of the world, which has the task already (stateless() rebuilds the server, so it suits only designs that create no tasks); create tasks in stateful()'s init, or write fork() to reuse them`
          : `task ${name} already exists: each task the server creates needs a name of its own`,
      );
    }
    this.k.createTask(name, spaceOrder);
    if (forClient !== undefined) {
      let index = 0;
      for (const o of this.owners.values()) if (o.client === forClient) index++;
      this.owners.set(name, { client: forClient, index });
    }
    return name;
  }
}

/** The identity renaming of clients, per client count. */
const IDENTITY: ReadonlyArray<readonly number[]> = Array.from({ length: 65 }, (_, n) => Array.from({ length: n }, (_, i) => i));
