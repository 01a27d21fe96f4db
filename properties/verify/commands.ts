import { clientTask, OVERMAP_CHOICES, PARTIAL_CHOICES, parseRights, showRights, type Command, type CommandKind, type OvermapChoice, type PartialChoice, type World } from '../../model/index.ts';

/**
 * Every concrete command the world accepts in its present state, kernel choices aside, in a
 * fixed order: every alive client's allocs, requests (each order, offset and aligned address),
 * shares (with all rights and read-only), releases, deallocs, client-to-client maps (each send
 * fpage that holds something, to each aligned address of each other client, with all rights and
 * read-only) and grants (likewise, with all rights: a grant with fewer rights is left to the
 * random search, which draws every rights text), unmaps (each range that holds something, with and without flush),
 * touches and exit. Commands `World.refusal` refuses are left out: they cannot change anything.
 * Receive windows of another size are not enumerated: the send-base rule turns each into a map
 * or grant of one fpage to a place of its size (`sendBase`), which is enumerated. Deterministic.
 */
export function acceptedCommands(w: World): Command[] {
  const out: Command[] = [];
  const { clients, maxOrder, clientSpaceOrder } = w.config;
  const space = 2 ** clientSpaceOrder;
  const alive: number[] = [];
  for (let c = 0; c < clients; c++) if (w.isAlive(c)) alive.push(c);
  const push = (c: Command) => {
    if (w.refusal(c) === null) out.push(c);
  };
  const live = [...w.allocations.live()];
  for (const client of alive) {
    for (let order = 0; order <= maxOrder; order++) push({ kind: 'alloc', client, order });
    for (const a of live) {
      if (!a.holders.has(client)) continue;
      for (let order = 0; order <= Math.min(maxOrder, a.fpage.order); order++) {
        for (let offset = 0; offset + 2 ** order <= 2 ** a.fpage.order; offset++) {
          for (let vaddr = 0; vaddr < space; vaddr += 2 ** order) push({ kind: 'request', client, handle: a.handle, offset, order, vaddr });
        }
      }
      if (a.owner === client) {
        for (const other of alive) {
          if (a.holders.has(other)) continue;
          push({ kind: 'share', client, handle: a.handle, other });
          push({ kind: 'share', client, handle: a.handle, other, rights: 'r-x' });
        }
        push({ kind: 'dealloc', client, handle: a.handle });
      } else push({ kind: 'release', client, handle: a.handle });
    }
    const task = clientTask(client);
    for (let order = 0; order <= clientSpaceOrder; order++) {
      for (let vaddr = 0; vaddr < space; vaddr += 2 ** order) {
        if (w.kernel.db.spaceFree(task, { base: vaddr, order })) continue;
        for (const other of alive) {
          if (other === client) continue;
          for (let toVaddr = 0; toVaddr < space; toVaddr += 2 ** order) {
            push({ kind: 'map', client, vaddr, order, other, toVaddr });
            push({ kind: 'map', client, vaddr, order, other, toVaddr, rights: 'r--' });
            push({ kind: 'grant', client, vaddr, order, other, toVaddr });
          }
        }
        push({ kind: 'unmap', client, vaddr, order, flush: false });
        push({ kind: 'unmap', client, vaddr, order, flush: true });
      }
    }
    for (const want of w.wantedOf(client)) for (let p = want.vaddr; p < want.vaddr + 2 ** want.order; p++) push({ kind: 'touch', client, vaddr: p });
    push({ kind: 'exit', client });
  }
  return out;
}

/**
 * Each transition `command` can take from `world`: the command with every sequence of kernel
 * choices its events allow (under a choosing profile; one transition otherwise). `visit` gets
 * the command as it ran (its choice lists cut to the events it raised), the world after it (a
 * copy: `world` is left as it was) and the step's observation. Each sequence is visited once:
 * a child sequence differs from its parent first at an event the parent left to the default.
 */
export function forEachTransition(world: World, command: Command, choosing: boolean, visit: (ran: Command, next: World, obs: ReturnType<World['step']>) => void): number {
  let count = 0;
  const explore = (partial: PartialChoice[], overmap: OvermapChoice[]): void => {
    const next = world.clone();
    const ran = partial.length + overmap.length === 0 ? command : withChoices(command, partial, overmap);
    const obs = next.step(ran);
    const used = obs.choicesUsed;
    count++;
    // The command as it ran, with the choices its events took; a step with no events, or only defaults, runs as given.
    const taken = used.events.length === 0 ? ran : withChoices(command, [...partial, ...fill(PARTIAL_CHOICES[0]!, used.partial - partial.length)], [...overmap, ...fill(OVERMAP_CHOICES[0]!, used.overmap - overmap.length)]);
    visit(taken, next, obs);
    if (!choosing) return;
    let p = 0;
    let o = 0;
    for (const e of used.events) {
      if (e === 'p') {
        if (p >= partial.length) {
          const base = [...partial, ...fill(PARTIAL_CHOICES[0]!, p - partial.length)];
          const over = [...overmap, ...fill(OVERMAP_CHOICES[0]!, o - overmap.length)];
          for (const alt of PARTIAL_CHOICES.slice(1)) explore([...base, alt], over);
        }
        p++;
      } else {
        if (o >= overmap.length) {
          const base = [...overmap, ...fill(OVERMAP_CHOICES[0]!, o - overmap.length)];
          const part = [...partial, ...fill(PARTIAL_CHOICES[0]!, p - partial.length)];
          for (const alt of OVERMAP_CHOICES.slice(1)) explore(part, [...base, alt]);
        }
        o++;
      }
    }
  };
  explore([], []);
  return count;
}

const fill = <T>(x: T, n: number): T[] => (n > 0 ? new Array<T>(n).fill(x) : []);

/** `c` with exactly these choice lists (none when both are empty; trailing defaults dropped). */
function withChoices(c: Command, partial: readonly PartialChoice[], overmap: readonly OvermapChoice[]): Command {
  const p = trimDefaults(partial, PARTIAL_CHOICES[0]!);
  const o = trimDefaults(overmap, OVERMAP_CHOICES[0]!);
  const { kernel: _, ...rest } = c;
  if (p.length === 0 && o.length === 0) return rest as Command;
  return { ...rest, kernel: { ...(p.length > 0 ? { partial: p } : {}), ...(o.length > 0 ? { overmap: o } : {}) } } as Command;
}

/** A choice list without its trailing defaults: they mean what an exhausted list means. */
function trimDefaults<T>(xs: readonly T[], dflt: T): T[] {
  let n = xs.length;
  while (n > 0 && xs[n - 1] === dflt) n--;
  return xs.slice(0, n);
}

const KINDS: readonly CommandKind[] = ['alloc', 'request', 'share', 'release', 'dealloc', 'map', 'grant', 'unmap', 'touch', 'exit'];
/** Words one command takes in an expansion (and in a parent's transitions as `PathCache` keeps them). */
export const COMMAND_WORDS = 9;
const MAX_EVENTS = 15;

/**
 * Writes a command into `COMMAND_WORDS` 32-bit words at `at` (an expansion carries one per
 * transition, 36 bytes, instead of an object, so that it crosses between threads as it is): kind, client, other, order, flush and the choice counts
 * packed in the first word, then handle, offset, the two addresses, the choices (two bits
 * each for partial unmaps, one bit each for overmaps), rights and window, and the hot spot.
 */
export function encodeCommand(c: Command, out: Int32Array, at: number): void {
  const partial = c.kernel?.partial ?? [];
  const overmap = c.kernel?.overmap ?? [];
  if (partial.length > MAX_EVENTS || overmap.length > MAX_EVENTS) throw new RangeError(`a command with more than ${MAX_EVENTS} kernel choices of one kind cannot be stored`);
  const f = c as unknown as Record<string, number | boolean | undefined>;
  const num = (k: string) => (typeof f[k] === 'number' ? (f[k] as number) : 0);
  out[at] = KINDS.indexOf(c.kind) | (num('client') << 4) | (num('other') << 10) | (num('order') << 16) | ((f.flush ? 1 : 0) << 22) | (partial.length << 23) | (overmap.length << 27);
  out[at + 1] = num('handle');
  out[at + 2] = num('offset');
  out[at + 3] = num('vaddr');
  out[at + 4] = num('toVaddr');
  let p = 0;
  for (let i = 0; i < partial.length; i++) p |= PARTIAL_CHOICES.indexOf(partial[i]!) << (2 * i);
  let o = 0;
  for (let i = 0; i < overmap.length; i++) o |= OVERMAP_CHOICES.indexOf(overmap[i]!) << i;
  out[at + 5] = p;
  out[at + 6] = o;
  const rights = typeof f.rights === 'string' ? 8 | parseRights(f.rights as unknown as string) : 0;
  out[at + 7] = rights | (typeof f.window === 'number' ? (64 | (f.window as number)) << 4 : 0);
  out[at + 8] = num('hotSpot');
}

/** The command `encodeCommand` wrote at `at`. */
export function decodeCommand(w: Int32Array, at: number): Command {
  const head = w[at]!;
  const kind = KINDS[head & 15]!;
  const client = (head >>> 4) & 63;
  const other = (head >>> 10) & 63;
  const order = (head >>> 16) & 63;
  const flush = ((head >>> 22) & 1) === 1;
  const np = (head >>> 23) & 15;
  const no = (head >>> 27) & 15;
  const handle = w[at + 1]!;
  const offset = w[at + 2]!;
  const vaddr = w[at + 3]!;
  const toVaddr = w[at + 4]!;
  const partial = Array.from({ length: np }, (_, i) => PARTIAL_CHOICES[(w[at + 5]! >>> (2 * i)) & 3]!);
  const overmap = Array.from({ length: no }, (_, i) => OVERMAP_CHOICES[(w[at + 6]! >>> i) & 1]!);
  const kernel = np + no > 0 ? { kernel: { ...(np > 0 ? { partial } : {}), ...(no > 0 ? { overmap } : {}) } } : {};
  const extra = w[at + 7]!;
  const send = {
    ...(extra & 8 ? { rights: showRights(extra & 7) } : {}),
    ...(extra & (64 << 4) ? { window: (extra >>> 4) & 63, hotSpot: w[at + 8]! } : {}),
  };
  const c: Command = ((): Command => {
    switch (kind) {
      case 'alloc':
        return { kind, client, order };
      case 'request':
        return { kind, client, handle, offset, order, vaddr };
      case 'share':
        return { kind, client, handle, other, ...send };
      case 'release':
      case 'dealloc':
        return { kind, client, handle };
      case 'map':
      case 'grant':
        return { kind, client, vaddr, order, other, toVaddr, ...send };
      case 'unmap':
        return { kind, client, vaddr, order, flush };
      case 'touch':
        return { kind, client, vaddr };
      case 'exit':
        return { kind, client };
    }
  })();
  return { ...c, ...kernel };
}
