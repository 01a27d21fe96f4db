import type { Fpage, KernelEffect, MapNode, ProfileName, Rights, TaskId } from '../kernel/index.ts';
import type { Allocation } from '../world/allocations.ts';
import type { WorldConfig } from '../world/config.ts';
import type { SpaceSlot } from '../world/observations.ts';

/** The kernel calls a server may make, bound to the current step's kernel choices; effects are recorded by the world. */
export interface ServerKernel {
  /** Maps with `rights` (all when absent): a server maps a client only what the client may do with the pages (`MapRequest.rights`). */
  map(from: TaskId, send: Fpage, to: TaskId, rcvBase: number, rights?: Rights): KernelEffect;
  unmap(task: TaskId, fp: Fpage, flush: boolean): KernelEffect;
  unmapIn(task: TaskId, fp: Fpage, target: TaskId): KernelEffect;
  /** Read-only: `task`'s nodes meeting `f`. */
  nodes(task: TaskId, f: Fpage): MapNode[];
  /** Read-only: true when nothing of `task` meets `f`. */
  free(task: TaskId, f: Fpage): boolean;
}

/** What a server design sees of the world. */
export interface ServerContext {
  readonly config: WorldConfig;
  readonly kernel: ServerKernel;
  /** physmem's task; it holds all memory at identity addresses. */
  readonly physmem: TaskId;
  /** The task of client `i`. */
  client(i: number): TaskId;
  /**
   * Creates a trusted server task (a proxy) with a space of `2^spaceOrder` pages. A task that
   * serves one client alone names it as `forClient`, so that `verify` can treat clients as
   * interchangeable (the task goes with its client when clients are renamed).
   */
  createTask(name: string, spaceOrder: number, forClient?: number): TaskId;
}

/** One request to serve: frames `[frame, frame + 2^order)` of `alloc` at `vaddr` in the client. */
export interface MapRequest {
  readonly client: number;
  readonly alloc: Allocation;
  readonly frame: number;
  readonly order: number;
  readonly vaddr: number;
  /** What the client may do with these pages: all for the owner, what it was shared with for a sharer. */
  readonly rights: Rights;
}

/** A request the server could not serve: which address space ran out, and who fills it. */
export interface Exhausted {
  readonly space: TaskId;
  readonly spaceOrder: number;
  readonly slots: readonly SpaceSlot[];
}

/**
 * How a server names handles and clients in its fingerprint: `verify` renames handles (live
 * ones by where they lie) and, for a symmetric design, permutes clients, so that states equal
 * up to those renamings are one state.
 */
export interface Canon {
  handle(h: number): string;
  client(c: number): string;
}

/** A running memory server of one design. It keeps its own bookkeeping and acts only through kernel calls. */
export interface Server {
  /** Maps the request's frames into the client, or reports the space that ran out. */
  serve(req: MapRequest): Exhausted | null;
  /** Takes `alloc` away from `client` alone (release, exit); every other holder must keep its mappings. */
  revoke(client: number, alloc: Allocation): void;
  /** Ends `alloc` for everyone (dealloc): afterwards no client may map its frames. */
  free(alloc: Allocation): void;
  /** Told when a client allocates `alloc` (optional: most servers act only on requests). */
  allocated?(alloc: Allocation): void;
  /** Told when `alloc`'s owner shares it with `other` (`alloc.rights` says with which rights). */
  shared?(alloc: Allocation, other: number): void;
  /**
   * A server with the same bookkeeping acting on `ctx`, a copy of this server's world (its
   * tasks already exist there). Without it, `verify` cannot branch the search and refuses the design.
   */
  fork?(ctx: ServerContext): Server;
  /**
   * All of the server's own bookkeeping as text, handles and clients named through `canon`,
   * in an order that does not depend on history: two servers with equal text must behave alike
   * from then on. Without it, `verify` cannot tell states apart and refuses the design.
   */
  fingerprint?(canon: Canon): string;
}

/** A memory-server design: a name, the kernels it runs on, and how to start it. */
export interface Design {
  readonly name: string;
  /** One line for the CLI and the report. */
  readonly summary: string;
  /** Profiles the design can run on (most run on all). */
  supports(profile: ProfileName): boolean;
  start(ctx: ServerContext): Server;
  /**
   * The design treats clients alike: it names them only by their number, and tasks it keeps
   * for one client are created with `forClient`. `verify` then counts states equal up to a
   * renaming of clients once.
   */
  readonly symmetric?: boolean;
  /**
   * The URL of the module that exports this design (`module: import.meta.url`), so that worker
   * threads (`workers` > 1) can load it too. Not needed for designs named in `fpcheck.config`
   * or with `--design`: fpcheck knows where it loaded those from.
   */
  readonly module?: string;
}

/**
 * A server that keeps no bookkeeping of its own (everything it needs is in the kernel): it
 * forks by building the same server on the new context, and its fingerprint is empty.
 * @example
 * start: stateless((ctx) => ({ serve: serveFromPhysmem(ctx), revoke: ..., free: ... }))
 */
export const stateless =
  (build: (ctx: ServerContext) => Pick<Server, 'serve' | 'revoke' | 'free'>) =>
  (ctx: ServerContext): Server => ({ ...build(ctx), fork: (c) => stateless(build)(c), fingerprint: () => '' });
