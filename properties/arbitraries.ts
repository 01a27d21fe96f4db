import fc from 'fast-check';
import {
  clientTask,
  contains,
  OVERMAP_CHOICES,
  PARTIAL_CHOICES,
  virtualOf,
  type Command,
  type CommandKind,
  type Fpage,
  type KernelInput,
  type MapNode,
  type ProfileName,
  type World,
  type WorldConfig,
} from '../model/index.ts';
import type { Drawn } from './stats.ts';

/** Relative weights of command kinds: deallocs, releases and sharing are common so that revocation with live mappings happens often. */
export type CommandWeights = Readonly<Record<CommandKind, number>>;

export const DEFAULT_WEIGHTS: CommandWeights = {
  alloc: 5,
  request: 12,
  share: 5,
  release: 5,
  dealloc: 4,
  map: 4,
  grant: 4,
  unmap: 3,
  touch: 4,
  exit: 1,
};

/** Profiles whose kernel takes choices from the input; only these get kernel choices generated. */
export const CHOOSING_PROFILES: readonly ProfileName[] = ['x2'];

/** Longest kernel choice list drawn per kind; a step keeps only the choices its events used. */
export const MAX_CHOICES = 8;

/**
 * What the generator draws: a command kind plus selectors that are resolved against the
 * world's state when the step runs ("the second handle this client holds"), so that most
 * generated steps apply. The resolved, concrete `Command` is what traces and files record.
 */
export interface Intent {
  readonly kind: CommandKind;
  /** The kind tried instead when `kind` names nothing the client has. */
  readonly alt: CommandKind;
  readonly who: number;
  readonly pick: number;
  readonly other: number;
  /** Block order for alloc and request (0..maxOrder). */
  readonly order: number;
  /** Order of a client-to-client send or an unmap (0..clientSpaceOrder: up to the whole space). */
  readonly span: number;
  readonly at: number;
  readonly offset: number;
  /** Take the address from those the client used before (asked for, or received a map at). */
  readonly reuse: boolean;
  readonly flush: boolean;
  /** Which of `SEND_RIGHTS` a share, map or grant passes on. */
  readonly rights: number;
  /** A receive window of another size for a map or grant: its order above or below the send's, 0 for none. */
  readonly window: number;
  readonly kernel?: KernelInput;
}

/**
 * The rights a share, map or grant passes on: all, read and execute (a shared library), read
 * only, and (rarely) write or execute alone, which kernels treat differently. Most sends pass all.
 */
export const SEND_RIGHTS: readonly string[] = ['rwx', 'rwx', 'rwx', 'r-x', 'r--', 'rwx', 'r-x', '-w-', 'rwx', '--x'];

/** The generator of intents for a world of `config` on `profile`. */
export function intentArbitrary(config: WorldConfig, profile: ProfileName, weights: CommandWeights): fc.Arbitrary<Intent> {
  const kernel: fc.Arbitrary<KernelInput | undefined> = CHOOSING_PROFILES.includes(profile)
    ? fc.option(
        fc.record(
          { partial: fc.array(fc.constantFrom(...PARTIAL_CHOICES), { minLength: 1, maxLength: MAX_CHOICES }), overmap: fc.array(fc.constantFrom(...OVERMAP_CHOICES), { minLength: 1, maxLength: MAX_CHOICES }) },
          { requiredKeys: [] },
        ),
        { nil: undefined, freq: 3 },
      )
    : fc.constant(undefined);
  const kinds = (Object.keys(weights) as CommandKind[]).filter((k) => weights[k] > 0);
  const kind = fc.oneof(...kinds.map((k) => ({ weight: weights[k], arbitrary: fc.constant(k) })));
  return (
    fc
      .record({
        kind,
        alt: kind,
        who: fc.nat(config.clients - 1),
        pick: fc.nat(15),
        other: fc.nat(config.clients - 1),
        order: fc.nat(config.maxOrder),
        // Whole-space spans come up about one time in eight; the rest are spread over the smaller orders.
        span: fc.oneof({ weight: 7, arbitrary: fc.nat(config.clientSpaceOrder) }, { weight: 1, arbitrary: fc.constant(config.clientSpaceOrder) }),
        at: fc.nat(2 ** config.clientSpaceOrder - 1),
        offset: fc.nat(2 ** config.maxOrder - 1),
        reuse: fc.boolean(),
        flush: fc.boolean(),
        rights: fc.nat(SEND_RIGHTS.length - 1),
        // About one send in five has a window of another size.
        window: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(-1) }),
        kernel,
      })
      // Leave out an absent `kernel` rather than carry it as undefined (built field by field: a rest pattern here cost a tenth of the search).
      .map((v): Intent =>
        v.kernel
          ? (v as Intent)
          : { kind: v.kind, alt: v.alt, who: v.who, pick: v.pick, other: v.other, order: v.order, span: v.span, at: v.at, offset: v.offset, reuse: v.reuse, flush: v.flush, rights: v.rights, window: v.window },
      )
  );
}

/**
 * Addresses each client used so far in a run (asked for, or received a map at): what `reuse`
 * picks from, so that requests come back to an address after a release or dealloc. Kept by the
 * search, not the world: it changes no behaviour.
 */
export class AddressHistory {
  private readonly used: number[][] = [];

  /** Notes the addresses an applied command used. */
  note(c: Command): void {
    if (c.kind === 'request') this.add(c.client, c.vaddr);
    else if (c.kind === 'map' || c.kind === 'grant') this.add(c.other, c.toVaddr);
  }

  of(client: number): readonly number[] {
    return this.used[client] ?? [];
  }

  /** True when `client` used `vaddr` before. */
  has(client: number, vaddr: number): boolean {
    return this.of(client).includes(vaddr);
  }

  private add(client: number, vaddr: number): void {
    const list = (this.used[client] ??= []);
    if (!list.includes(vaddr)) list.push(vaddr);
  }
}

const NO_HISTORY = new AddressHistory();

const pickFrom = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);
const alignDown = (v: number, order: number): number => v - (v % 2 ** order);

/** What every resolver gets: the intent, the world, the acting client (alive) and the run's address history. */
interface Resolving {
  readonly intent: Intent;
  readonly world: World;
  readonly client: number;
  readonly alive: readonly number[];
  readonly history: AddressHistory;
}

const liveAllocations = (w: World) => [...w.allocations.live()];
const otherOf = (r: Resolving) => pickFrom(r.alive.filter((c) => c !== r.client), r.intent.other);
const withKernel = (r: Resolving, c: Command): Command => (r.intent.kernel ? { ...c, kernel: r.intent.kernel } : c);
const clientNodes = (w: World, c: number): MapNode[] => w.kernel.db.inSpace(clientTask(c), { base: 0, order: w.config.clientSpaceOrder });

/** An address of `order` in `client`'s space: one it used before (aligned down), or one spread by `at`. */
function addressFor(r: Resolving, client: number, order: number): number {
  const used = r.intent.reuse ? pickFrom(r.history.of(client), r.intent.at) : undefined;
  const space = 2 ** r.world.config.clientSpaceOrder;
  return used === undefined ? (r.intent.at * 2 ** order) % space : alignDown(used, order);
}

/** The send fpage or unmap range of `span` around node `n`: a piece of it, or the aligned block holding it (with neighbours or empty pages). */
function rangeAround(n: MapNode, span: number, at: number): Fpage {
  return span <= n.order ? { base: n.vbase + alignDown(at % 2 ** n.order, span), order: span } : { base: alignDown(n.vbase, span), order: span };
}

/** `c` with the intent's rights, left out when they are all rights (the default). */
function withRights<C extends Command & { readonly rights?: string }>(c: C, intent: Intent): C {
  const rights = SEND_RIGHTS[intent.rights % SEND_RIGHTS.length]!;
  return rights === 'rwx' ? c : { ...c, rights };
}

/**
 * Half the sends that reuse an address go where the receiver already maps the same frames:
 * the kernels' same-frame rule (rights added to the receiver's page, or the grant that only
 * extends them) is rare by chance, and it is where a page can gain rights it was never served with.
 */
function sameFrameAddress(r: Resolving, n: MapNode, send: Fpage, other: number): number | undefined {
  if (!r.intent.reuse || r.intent.at % 2 !== 0 || send.base < n.vbase || send.order > n.order) return undefined;
  const frame = n.frame + (send.base - n.vbase);
  const m = clientNodes(r.world, other).find((x) => x.frame <= frame && frame < x.frame + 2 ** x.order);
  return m === undefined ? undefined : alignDown(m.vbase + (frame - m.frame), send.order);
}

/** A client's map or grant of a range around one of its nodes, to another client, maybe through a window of another size. */
function sendOf(r: Resolving, kind: 'map' | 'grant'): Command | null {
  const n = pickFrom(clientNodes(r.world, r.client), r.intent.pick);
  const other = otherOf(r);
  if (!n || other === undefined) return null;
  const send = rangeAround(n, r.intent.span, r.intent.at);
  const window = send.order + r.intent.window;
  const base = { kind, client: r.client, vaddr: send.base, order: send.order, other } as const;
  if (r.intent.window === 0 || window < 0 || window > r.world.config.clientSpaceOrder) return withKernel(r, withRights({ ...base, toVaddr: sameFrameAddress(r, n, send, other) ?? addressFor(r, other, send.order) }, r.intent));
  // The hot spot picks a place in the larger window, or a piece of the send for the smaller one.
  return withKernel(r, withRights({ ...base, toVaddr: addressFor(r, other, window), window, hotSpot: r.intent.offset * 2 ** Math.min(window, send.order) }, r.intent));
}

/**
 * One resolver per command kind. A table rather than a match chain: this runs for every
 * generated intent, and a chain is rebuilt per call while the table is built once; the
 * mapped type keeps it exhaustive.
 */
const RESOLVERS: { readonly [K in CommandKind]: (r: Resolving) => Command | null } = {
  alloc: ({ client, intent, world }) => {
    // The largest order up to the drawn one that the client's quota still holds.
    const room = world.config.quota - world.allocations.used(client);
    let order = intent.order;
    while (order > 0 && 2 ** order > room) order--;
    return 2 ** order <= room ? { kind: 'alloc', client, order } : null;
  },
  request: (r) => {
    const { client, intent, world } = r;
    const a = pickFrom(liveAllocations(world).filter((x) => x.holders.has(client)), intent.pick);
    if (!a) return null;
    const order = Math.min(intent.order, a.fpage.order);
    const offset = intent.offset % (2 ** a.fpage.order - 2 ** order + 1);
    return withKernel(r, { kind: 'request', client, handle: a.handle, offset, order, vaddr: addressFor(r, client, order) });
  },
  share: ({ client, intent, world, alive }) => {
    const a = pickFrom(liveAllocations(world).filter((x) => x.owner === client), intent.pick);
    const to = a && pickFrom(alive.filter((c) => !a.holders.has(c)), intent.other);
    return a && to !== undefined ? withRights({ kind: 'share', client, handle: a.handle, other: to }, intent) : null;
  },
  release: (r) => {
    const a = pickFrom(liveAllocations(r.world).filter((x) => x.holders.has(r.client) && x.owner !== r.client), r.intent.pick);
    return a ? withKernel(r, { kind: 'release', client: r.client, handle: a.handle }) : null;
  },
  dealloc: (r) => {
    const a = pickFrom(liveAllocations(r.world).filter((x) => x.owner === r.client), r.intent.pick);
    return a ? withKernel(r, { kind: 'dealloc', client: r.client, handle: a.handle }) : null;
  },
  map: (r) => sendOf(r, 'map'),
  grant: (r) => sendOf(r, 'grant'),
  unmap: (r) => {
    const n = pickFrom(clientNodes(r.world, r.client), r.intent.pick);
    if (!n) return null;
    const range = rangeAround(n, r.intent.span, r.intent.at);
    return withKernel(r, { kind: 'unmap', client: r.client, vaddr: range.base, order: range.order, flush: r.intent.flush });
  },
  // A touch means something only where a page the client asked for has gone: pick among those.
  touch: (r) => {
    const task = clientTask(r.client);
    const gone: number[] = [];
    for (const w of r.world.wantedOf(r.client)) for (let p = w.vaddr; p < w.vaddr + 2 ** w.order; p++) if (r.world.kernel.db.spaceFree(task, { base: p, order: 0 })) gone.push(p);
    const vaddr = pickFrom(gone, r.intent.at);
    return vaddr === undefined ? null : withKernel(r, { kind: 'touch', client: r.client, vaddr });
  },
  exit: (r) => withKernel(r, { kind: 'exit', client: r.client }),
};

/**
 * Turns an intent into a concrete command for the world as it is now: its kind if that names
 * something the client has, else its alternative kind, else a request or an alloc (what a
 * client without anything to release, share or touch does next), else null (unfit). Deterministic.
 */
export function resolveIntent(intent: Intent, world: World, history: AddressHistory = NO_HISTORY): Command | null {
  const alive: number[] = [];
  for (let i = 0; i < world.config.clients; i++) if (world.isAlive(i)) alive.push(i);
  const client = pickFrom(alive, intent.who);
  if (client === undefined) return null;
  const r: Resolving = { intent, world, client, alive, history };
  return RESOLVERS[intent.kind](r) ?? RESOLVERS[intent.alt](r) ?? RESOLVERS.request(r) ?? RESOLVERS.alloc(r);
}

/** An intent as the search sees it: the command it means now, or why there is none (unfit: it names nothing; refused: the world would not take it). */
export function drawIntent(intent: Intent, world: World, history?: AddressHistory): { readonly command: Command | null; readonly drawn: Drawn } {
  const command = resolveIntent(intent, world, history);
  if (!command) return { command, drawn: UNFIT };
  const reason = world.refusal(command);
  return reason === null ? { command, drawn: FITS } : { command: null, drawn: { kind: 'refused', reason, command } };
}

const FITS: Drawn = { kind: 'fits' };
const UNFIT: Drawn = { kind: 'unfit' };

/** The command an intent means now, if the world would take it; the search skips the rest, since they cannot change anything. */
export const applicableCommand = (intent: Intent, world: World, history?: AddressHistory): Command | null => drawIntent(intent, world, history).command;

/** `c` with its kernel choice lists cut to the choices its step used: a saved command carries no choice that meant nothing. */
export function trimChoices(c: Command, used: { readonly partial: number; readonly overmap: number }): Command {
  if (!c.kernel) return c;
  const partial = c.kernel.partial?.slice(0, used.partial) ?? [];
  const overmap = c.kernel.overmap?.slice(0, used.overmap) ?? [];
  const { kernel: _, ...rest } = c;
  if (partial.length === 0 && overmap.length === 0) return rest as Command;
  return { ...rest, kernel: { ...(partial.length > 0 ? { partial } : {}), ...(overmap.length > 0 ? { overmap } : {}) } } as Command;
}

/**
 * The argument classes of a command in the world it is about to run in, for the reach table:
 * order bands, aligned or misaligned offsets, addresses reused or fresh, send fpages and unmap
 * ranges inside one node, exactly a node, over several nodes or partly empty, the whole space.
 */
export function argumentClasses(c: Command, world: World, history: AddressHistory): string[] {
  const band = (o: number) => (o >= world.config.clientSpaceOrder ? 'whole space' : o === 0 ? 'order 0' : o <= 2 ? 'order 1-2' : 'order 3+');
  const address = (client: number, vaddr: number) => (history.has(client, vaddr) ? 'address reused' : 'address fresh');
  const target = (client: number, f: Fpage) => (world.kernel.db.spaceFree(clientTask(client), f) ? 'target empty' : 'target mapped');
  const shape = (client: number, f: Fpage): string => {
    const ns = world.kernel.db.inSpace(clientTask(client), f);
    if (ns.length === 1 && contains(virtualOf(ns[0]!), f) && ns[0]!.order > f.order) return 'inside one node';
    const pages = ns.reduce((s, n) => s + 2 ** Math.min(n.order, f.order), 0);
    if (pages < 2 ** f.order) return 'partly empty';
    return ns.length === 1 ? 'exactly one node' : 'several nodes';
  };
  // A switch, exhaustive by its return type: this runs for every drawn command, where a ts-pattern chain would be rebuilt each time.
  switch (c.kind) {
    case 'alloc':
      return [band(c.order)];
    case 'request':
      return [band(c.order), c.offset % 2 ** c.order === 0 ? 'offset aligned' : 'offset misaligned', address(c.client, c.vaddr), target(c.client, { base: c.vaddr, order: c.order })];
    case 'share': {
      const a = world.allocations.get(c.handle);
      const mapped = a ? world.kernel.db.onFrames(a.fpage).some((n) => world.clientOf(n.task) !== null) : false;
      return [mapped ? 'block mapped' : 'block unmapped', `rights ${c.rights ?? 'rwx'}`];
    }
    case 'release':
    case 'dealloc': {
      const a = world.allocations.get(c.handle);
      const mapped = a ? world.kernel.db.onFrames(a.fpage).some((n) => world.clientOf(n.task) !== null) : false;
      return [mapped ? 'block mapped' : 'block unmapped'];
    }
    case 'map':
    case 'grant':
      return [
        band(c.order),
        shape(c.client, { base: c.vaddr, order: c.order }),
        address(c.other, c.toVaddr),
        target(c.other, { base: c.toVaddr, order: c.window ?? c.order }),
        c.window === undefined ? 'window of its size' : c.window > c.order ? 'window larger' : 'window smaller',
        `rights ${c.rights ?? 'rwx'}`,
      ];
    case 'unmap':
      return [band(c.order), shape(c.client, { base: c.vaddr, order: c.order }), c.flush ? 'flush' : 'no flush'];
    case 'touch':
      return ['refault'];
    case 'exit':
      return [clientNodes(world, c.client).length > 0 ? 'client mapped' : 'client unmapped'];
  }
}
