import type { Allocation } from '../world/allocations.ts';
import type { Canon, Exhausted, MapRequest, Server, ServerContext } from './design.ts';

/**
 * A design's own mistake, found while the world ran it: what the design did, and how to do it
 * instead. Thrown at the edge of the world (server start, fork, a malformed answer), never by
 * the kernel.
 */
export class DesignError extends Error {
  readonly code = 'EDESIGN';
  constructor(
    readonly design: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`design ${design}: ${message}`, options);
  }
}

/** A map keyed by client number: `stateful`'s fingerprint names its keys as verify renames clients. */
export class ClientMap<V> extends Map<number, V> {}
/** A map keyed by handle: `stateful`'s fingerprint names its keys as verify renames handles (by where they lie). */
export class HandleMap<V> extends Map<number, V> {}
/** A set of client numbers, renamed like `ClientMap` keys. */
export class ClientSet extends Set<number> {}
/** A set of handles, renamed like `HandleMap` keys. */
export class HandleSet extends Set<number> {}

/**
 * A deep copy of plain data: numbers, strings, booleans, null, arrays, plain objects, `Map` and
 * `Set` (and the client and handle maps and sets above, which keep their class). Anything else
 * (a function, a class instance, a task's context) throws, naming where it lies: it cannot be
 * copied for a fork.
 */
export function copyData<T>(v: T): T {
  try {
    return copy(v);
  } catch (e) {
    if (e !== NOT_PLAIN) throw e;
    throw new TypeError(`${notPlain(v, 'state')}, not plain data`);
  }
}

/** Thrown inside `copy`: the path to what was not plain data is worked out only then, off the hot path. */
const NOT_PLAIN = Symbol('not plain data');

function copy<T>(v: T): T {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol') throw NOT_PLAIN;
    return v;
  }
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i]);
    return out as T;
  }
  if (v instanceof Map) {
    const out = new (v.constructor as MapConstructor)();
    for (const [k, x] of v) out.set(copy(k), copy(x));
    return out as T;
  }
  if (v instanceof Set) {
    const out = new (v.constructor as SetConstructor)();
    for (const x of v) out.add(copy(x));
    return out as T;
  }
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = copy((v as Record<string, unknown>)[k]);
  return out as T;
}

/** Where in `v` the first value that is not plain data lies, and what it is. */
function notPlain(v: unknown, path: string): string | null {
  if (typeof v === 'function' || typeof v === 'symbol') return `${path} is a ${typeof v}`;
  if (v === null || typeof v !== 'object') return null;
  const proto = Object.getPrototypeOf(v) as object | null;
  const container = Array.isArray(v) || v instanceof Map || v instanceof Set;
  if (!container && proto !== Object.prototype && proto !== null) return `${path} is a ${(v as object).constructor?.name ?? 'class instance'}`;
  const entries: Array<[string, unknown]> = Array.isArray(v)
    ? v.map((x, i): [string, unknown] => [`${path}[${i}]`, x])
    : v instanceof Map
      ? [...v].flatMap(([k, x]): Array<[string, unknown]> => [[`${path} key`, k], [`${path}.get(${String(k)})`, x]])
      : v instanceof Set
        ? [...v].map((x): [string, unknown] => [`${path} member`, x])
        : Object.entries(v).map(([k, x]): [string, unknown] => [`${path}.${k}`, x]);
  for (const [p, x] of entries) {
    const found = notPlain(x, p);
    if (found) return found;
  }
  return null;
}

/**
 * Plain data as canonical text: object keys sorted, `Map` entries and `Set` members sorted by their
 * text, and the keys of client and handle maps and members of client and handle sets named
 * through `canon`, so that states equal up to verify's renamings have equal text. Pure.
 */
export function canonicalText(v: unknown, canon: Canon): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map((x) => canonicalText(x, canon)).join(',')}]`;
  const key = (k: unknown, kind: 'client' | 'handle' | null) => (kind === 'client' ? canon.client(k as number) : kind === 'handle' ? canon.handle(k as number) : canonicalText(k, canon));
  if (v instanceof Map) {
    const kind = v instanceof ClientMap ? 'client' : v instanceof HandleMap ? 'handle' : null;
    return `{${[...v].map(([k, x]) => `${key(k, kind)}:${canonicalText(x, canon)}`).sort().join(',')}}`;
  }
  if (v instanceof Set) {
    const kind = v instanceof ClientSet ? 'client' : v instanceof HandleSet ? 'handle' : null;
    return `<${[...v].map((x) => key(x, kind)).sort().join(',')}>`;
  }
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalText((v as Record<string, unknown>)[k], canon)}`)
    .join(',')}}`;
}

/** What a stateful server does, given its context and its state (which it may change). */
export type Behaviour = Pick<Server, 'serve' | 'revoke' | 'free'> & Pick<Partial<Server>, 'allocated' | 'shared'>;

/**
 * A server whose bookkeeping is one plain-data value: `init` builds it at start, `behaviour`
 * acts on it, and forking and fingerprinting come for free (a deep copy, and the canonical text
 * of the value with clients and handles in `ClientMap`/`HandleMap`/`ClientSet`/`HandleSet`
 * renamed). Pass `fingerprint` when the state names clients or handles in plain numbers.
 * Tasks are created in `init`, once: a fork keeps them.
 * @example
 * start: stateful(
 *   () => ({ served: new ClientMap<number>() }),
 *   (ctx, s) => ({
 *     serve: (req) => { s.served.set(req.client, (s.served.get(req.client) ?? 0) + 1); return serveFromPhysmem(ctx)(req); },
 *     revoke: (client, alloc) => void ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(client)),
 *     free: (alloc) => { for (let i = 0; i < ctx.config.clients; i++) ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(i)); },
 *   }),
 * )
 */
export function stateful<S>(init: (ctx: ServerContext) => S, behaviour: (ctx: ServerContext, state: S) => Behaviour, fingerprint?: (state: S, canon: Canon) => string): (ctx: ServerContext) => Server {
  return (ctx) => new StatefulServer(ctx, init(ctx), behaviour, fingerprint);
}

/**
 * The server `stateful` builds. Its behaviour is built on first use: a search forks a world for
 * every transition, and most transitions never call the server.
 */
class StatefulServer<S> implements Server {
  private built: Behaviour | null = null;
  constructor(
    private readonly ctx: ServerContext,
    private readonly state: S,
    private readonly behaviour: (ctx: ServerContext, state: S) => Behaviour,
    private readonly print: ((state: S, canon: Canon) => string) | undefined,
  ) {}
  private get b(): Behaviour {
    return (this.built ??= this.behaviour(this.ctx, this.state));
  }
  serve(req: MapRequest): Exhausted | null {
    return this.b.serve(req);
  }
  revoke(client: number, alloc: Allocation): void {
    this.b.revoke(client, alloc);
  }
  free(alloc: Allocation): void {
    this.b.free(alloc);
  }
  allocated(alloc: Allocation): void {
    this.b.allocated?.(alloc);
  }
  shared(alloc: Allocation, other: number): void {
    this.b.shared?.(alloc, other);
  }
  fork(ctx: ServerContext): Server {
    return new StatefulServer(ctx, copyData(this.state), this.behaviour, this.print);
  }
  fingerprint(canon: Canon): string {
    return this.print ? this.print(this.state, canon) : canonicalText(this.state, canon);
  }
}
