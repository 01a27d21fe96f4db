import type { Kernel, TaskId } from '../kernel/index.ts';
import type { Server } from '../designs/design.ts';
import type { AllocationBook } from './allocations.ts';
import type { WorldConfig } from './config.ts';

/**
 * A world's fingerprints: its whole state as canonical text, the same as a 64-bit hash, and the
 * per-client signatures a canonical renaming of clients sorts by. Pure functions of the state,
 * kept apart from the world that steps it.
 */

/** A range a client asked for and may touch again. */
export interface Wanted {
  readonly vaddr: number;
  readonly order: number;
  readonly handle: number;
  readonly offset: number;
}

/** What of a world its fingerprints read. */
export interface FingerprintedState {
  readonly config: WorldConfig;
  readonly kernel: Kernel;
  readonly allocations: Pick<AllocationBook, 'get' | 'live'>;
  readonly alive: readonly boolean[];
  readonly wanted: ReadonlyArray<readonly Wanted[]>;
  readonly clientNumbers: ReadonlyMap<TaskId, number>;
  readonly owners: ReadonlyMap<TaskId, { readonly client: number; readonly index: number }>;
  readonly received: ReadonlyMap<number, readonly number[]>;
  readonly server: Server;
  handleName(h: number): string;
}

/**
 * The whole state as canonical text, with clients renamed by `perm` (client i is called
 * `perm[i]`): the mapping database without node ids (each node named by task and address,
 * its parent likewise), live allocations named by where they lie, holders, clients alive, what
 * each client asked for, and the server's own bookkeeping. Two worlds with equal text behave
 * alike from then on, up to the renaming. Pure; throws unless `branchable`.
 */
export function fingerprintText(w: FingerprintedState, perm: readonly number[]): string {
  const db = w.kernel.db;
  const taskName = (t: TaskId): string => {
    const c = w.clientNumbers.get(t);
    if (c !== undefined) return `c${perm[c]}`;
    const o = w.owners.get(t);
    return o ? `@${perm[o.client]}.${o.index}` : t;
  };
  const nodes: string[] = [];
  for (const n of db.all()) {
    if (n.parent === null) continue; // sigma0's roots never change
    const p = db.get(n.parent)!;
    const parent = p.parent === null ? `r${p.vbase}` : `${taskName(p.task)}:${p.vbase}`;
    nodes.push(`${taskName(n.task)}:${n.vbase}:${n.order}:${n.frame}:${n.rights}<${parent}`);
  }
  for (const e of w.kernel.engineElements()) nodes.push(`${taskName(e.task)}#${e.values.join(',')}`);
  for (const [id, from] of w.received) {
    const n = db.get(id);
    if (n) nodes.push(`${taskName(n.task)}:${n.vbase}<<${from.map((g) => perm[g]).sort().join(',')}`);
  }
  nodes.sort();
  const handle = (h: number): string => w.handleName(h);
  const canon = new PermutedCanon(w, perm);
  const allocs: string[] = [];
  for (const a of w.allocations.live()) allocs.push(`${handle(a.handle)}:c${perm[a.owner]}:${[...a.holders].map((h) => `${perm[h]}${a.rights.get(h)}`).sort().join(',')}`);
  allocs.sort();
  const clients: string[] = new Array(w.config.clients);
  for (let c = 0; c < w.config.clients; c++) {
    const wanted = w.wanted[c]!.map((x) => `${x.vaddr}/${x.order}:${handle(x.handle)}+${x.offset}`).sort();
    clients[perm[c]!] = `${w.alive[c] ? 'A' : 'D'}[${wanted.join(',')}]`;
  }
  return `${nodes.join(';')}|${allocs.join(';')}|${clients.join(';')}|${w.server.fingerprint!(canon)}`;
}

/**
 * A world's state as order-free sums of element hashes, grouped by the clients each element
 * names: each node, allocation holder, client and engine element is hashed from its numbers
 * with the clients it names left out, and added to the sum of its group (the one or two clients
 * it names, or none). A renaming of clients then only moves the sums between groups, so the
 * hash under every renaming is recombined from the sums of one pass over the state (SPIN's and
 * Zobrist's trick: the state is hashed once, not once per renaming). The per-client signatures
 * come from the same pass.
 */
export class FingerprintSums {
  /** Per group, the two 32-bit lanes of the sum; group `(c1 + 1) * (n + 1) + (c2 + 1)`. */
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** Groups with an element this pass, each once, and a mark per group listed. */
  readonly used: Int32Array;
  private readonly listed: Uint8Array;
  usedCount = 0;
  /** Per client, a hash of what that client has, the same whatever the clients are called. */
  readonly signatures: Int32Array;

  constructor(readonly clients: number) {
    const groups = (clients + 1) * (clients + 1);
    this.a = new Int32Array(groups);
    this.b = new Int32Array(groups);
    this.used = new Int32Array(groups);
    this.listed = new Uint8Array(groups);
    this.signatures = new Int32Array(clients);
    this.rank = new Array<number>(clients).fill(0);
  }

  /** After `ranks()` found no tie: client c's place in signature order. */
  readonly rank: number[];

  /** Fills `rank` and says true when no two clients' signatures tie. */
  ranks(): boolean {
    const sig = this.signatures;
    for (let c = 0; c < this.clients; c++) {
      let below = 0;
      for (let d = 0; d < this.clients; d++) {
        if (d === c) continue;
        if (sig[d] === sig[c]) return false;
        if (sig[d]! >>> 0 < sig[c]! >>> 0) below++;
      }
      this.rank[c] = below;
    }
    return true;
  }

  reset(): void {
    for (let i = 0; i < this.usedCount; i++) {
      const g = this.used[i]!;
      this.a[g] = this.b[g] = this.listed[g] = 0;
    }
    this.usedCount = 0;
    this.signatures.fill(0);
  }

  /** Adds one element, naming clients `c1` and `c2` (-1 for none), hashed from `tag` and seven numbers. */
  add(c1: number, c2: number, tag: number, v1: number, v2: number, v3: number, v4: number, v5: number, v6: number, v7: number): void {
    const ha = elementA(tag, v1, v2, v3, v4, v5, v6, v7);
    const hb = elementB(tag, v1, v2, v3, v4, v5, v6, v7);
    const g = (c1 + 1) * (this.clients + 1) + (c2 + 1);
    if (this.listed[g] === 0) {
      this.listed[g] = 1;
      this.used[this.usedCount++] = g;
    }
    this.a[g] = (this.a[g]! + ha) | 0;
    this.b[g] = (this.b[g]! + hb) | 0;
    if (c1 >= 0) this.signatures[c1] = (this.signatures[c1]! + ha) | 0;
    if (c2 >= 0) this.signatures[c2] = (this.signatures[c2]! + Math.imul(hb | 1, 0x9e3779b1)) | 0;
  }

  /**
   * The hash under the renaming `perm` (client i becomes `perm[i]`), with the server's
   * bookkeeping under that renaming hashed in: written to `out[0]`, `out[1]`.
   */
  combine(perm: readonly number[], server: string, out: Uint32Array): void {
    const n1 = this.clients + 1;
    const [ka, kb] = groupKeys(this.clients);
    let a = 0;
    let b = 0;
    for (let i = 0; i < this.usedCount; i++) {
      const g = this.used[i]!;
      const c1 = Math.floor(g / n1) - 1;
      const c2 = (g % n1) - 1;
      const r = (c1 < 0 ? 0 : perm[c1]! + 1) * n1 + (c2 < 0 ? 0 : perm[c2]! + 1);
      a = (a + Math.imul(this.a[g]!, ka[r]!)) | 0;
      b = (b + Math.imul(this.b[g]!, kb[r]!)) | 0;
    }
    let sa = 0x2545f491;
    let sb = 0x68e31da4;
    for (let i = 0; i < server.length; i++) {
      sa = Math.imul(sa ^ server.charCodeAt(i), 0x01000193);
      sb = Math.imul(sb ^ server.charCodeAt(i), 0x5bd1e995) ^ (sb >>> 15);
    }
    out[0] = avalanche((a + avalanche(sa)) | 0);
    out[1] = avalanche((b + avalanche(sb ^ server.length)) | 0);
  }
}

/** Per group of a world of `n` clients, an odd multiplier per lane (odd: multiplying by it loses nothing). */
const GROUP_KEYS = new Map<number, readonly [Int32Array, Int32Array]>();
function groupKeys(n: number): readonly [Int32Array, Int32Array] {
  let k = GROUP_KEYS.get(n);
  if (!k) {
    const groups = (n + 1) * (n + 1);
    const ka = new Int32Array(groups);
    const kb = new Int32Array(groups);
    for (let g = 0; g < groups; g++) {
      ka[g] = avalanche(Math.imul(g + 1, 0x9e3779b1) ^ 0x7f4a7c15) | 1;
      kb[g] = avalanche(Math.imul(g + 1, 0x85ebca77) ^ 0x165667b1) | 1;
    }
    GROUP_KEYS.set(n, (k = [ka, kb]));
  }
  return k;
}

/**
 * Fills `sums` from one pass over the state. Elements name clients by number; their hashes
 * leave the numbers out (see `FingerprintSums`). A set of clients (an allocation's holders,
 * a node's givers) is one element per member. Pure in what it computes.
 */
export function collectSums(w: FingerprintedState, sums: FingerprintSums): void {
  sums.reset();
  const db = w.kernel.db;
  for (const n of db.all()) {
    if (n.parent === null) continue; // sigma0's roots never change
    const p = db.get(n.parent)!;
    const t = clientNumberOf(w, n.task);
    const pt = p.parent === null ? -1 : clientNumberOf(w, p.task);
    sums.add(t, pt, 1, roleCode(w, n.task), n.vbase, n.order, n.frame, n.rights, p.parent === null ? -1 : roleCode(w, p.task), p.vbase);
  }
  for (const [id, from] of w.received) {
    const n = db.get(id);
    if (!n) continue;
    const t = clientNumberOf(w, n.task);
    for (let i = 0; i < from.length; i++) {
      if (from.indexOf(from[i]!) !== i) continue; // a giver counts once
      sums.add(t, from[i]!, 12, roleCode(w, n.task), n.vbase, n.order, 0, 0, 0, 0);
    }
  }
  for (const e of w.kernel.engineElements()) {
    const [ea, eb] = valuesHash(e.values);
    const t = clientNumberOf(w, e.task);
    sums.add(t, -1, 9, roleCode(w, e.task), ea, eb, 0, 0, 0, 0);
  }
  for (const x of w.allocations.live()) {
    for (const h of x.holders) sums.add(h, -1, 10, x.fpage.base, x.fpage.order, x.rights.get(h)!, 0, 0, 0, 0);
    sums.add(x.owner, -1, 2, x.fpage.base, x.fpage.order, 0, 0, 0, 0, 0);
  }
  for (let c = 0; c < w.config.clients; c++) {
    sums.add(c, -1, 3, w.alive[c] ? 1 : 0, 0, 0, 0, 0, 0, 0);
    for (const x of w.wanted[c]!) {
      const h = w.allocations.get(x.handle)!.fpage;
      sums.add(c, -1, 4, x.vaddr, x.order, h.base, h.order, x.offset, 0, 0);
    }
  }
}

/** The server's bookkeeping as text under the renaming `perm`. */
export const serverText = (w: FingerprintedState, perm: readonly number[]): string => w.server.fingerprint!(new PermutedCanon(w, perm));

/**
 * The same state as `fingerprintText(perm)`, as a 64-bit hash written to `out[0]`, `out[1]`.
 * Equal fingerprints give equal hashes; different ones collide with a chance of about 2^-64. Pure.
 */
export function fingerprintHash(w: FingerprintedState, perm: readonly number[], out: Uint32Array): void {
  const sums = new FingerprintSums(w.config.clients);
  collectSums(w, sums);
  sums.combine(perm, serverText(w, perm), out);
}

/**
 * The least `fingerprintHash` over the renamings in `perms` that number clients in order of
 * their signatures, from one pass over the state (a renamed state has its signatures renamed
 * alike, so it is offered the same set of hashes and has the same least one). `sums` is scratch.
 */
export function canonicalHash(w: FingerprintedState, perms: readonly (readonly number[])[], sums: FingerprintSums, out: Uint32Array): void {
  collectSums(w, sums);
  const sig = sums.signatures;
  const n = w.config.clients;
  let b1 = 0;
  let b2 = 0;
  let first = true;
  // All signatures apart (the usual case): the one renaming that orders them is their ranks.
  if (perms.length > 1 && sums.ranks()) {
    sums.combine(sums.rank, serverText(w, sums.rank), out);
    return;
  }
  next: for (const perm of perms) {
    if (perms.length > 1) {
      for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) if (sig[x]! >>> 0 < sig[y]! >>> 0 && perm[x]! > perm[y]!) continue next;
    }
    sums.combine(perm, serverText(w, perm), out);
    if (first || out[0]! < b1 || (out[0] === b1 && out[1]! < b2)) {
      b1 = out[0]!;
      b2 = out[1]!;
      first = false;
    }
  }
  out[0] = b1;
  out[1] = b2;
}

/** The client a task is or serves (its own space, or a task kept for it), or -1. */
const clientNumberOf = (w: FingerprintedState, t: TaskId): number => w.clientNumbers.get(t) ?? w.owners.get(t)?.client ?? -1;

/** A task's role, the same whatever the clients are called: a client's own space, the i-th task kept for a client, or a shared task by name. */
function roleCode(w: FingerprintedState, t: TaskId): number {
  if (w.clientNumbers.has(t)) return 1_000;
  const o = w.owners.get(t);
  if (o) return 2_000 + o.index;
  let code = TASK_CODES.get(t);
  if (code === undefined) TASK_CODES.set(t, (code = 10_000 + TASK_CODES.size));
  return code;
}

/** Handles and clients as `World.fingerprint` names them under a renaming of clients. */
class PermutedCanon {
  constructor(
    private readonly world: FingerprintedState,
    private readonly perm: readonly number[],
  ) {}
  handle(h: number): string {
    return this.world.handleName(h);
  }
  client(c: number): string {
    return `c${this.perm[c] ?? c}`;
  }
}

/** Codes of server tasks that serve no one client (a shared proxy), by name: stable within a process. */
const TASK_CODES = new Map<TaskId, number>();

const avalanche = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/** Two independent hashes of a list of numbers (an engine element's values), in order. */
function valuesHash(v: readonly number[]): [number, number] {
  let a = 0x3c6ef372 ^ v.length;
  let b = 0xa54ff53a ^ v.length;
  for (const x of v) {
    a = Math.imul(a ^ x, 0x01000193) ^ Math.floor(x / 2 ** 32);
    b = Math.imul(b ^ x, 0x5bd1e995) ^ (b >>> 13);
  }
  return [avalanche(a), avalanche(b)];
}

/** Two independent hashes of one element (a tag and up to seven numbers) for the order-free sums of `fingerprintHash`. */
function elementA(tag: number, v1: number, v2: number, v3: number, v4: number, v5: number, v6: number, v7: number): number {
  let h = Math.imul(0x9e3779b1, tag + 1);
  h = Math.imul(h ^ v1, 0x01000193);
  h = Math.imul(h ^ v2, 0x01000193);
  h = Math.imul(h ^ v3, 0x01000193);
  h = Math.imul(h ^ v4, 0x01000193);
  h = Math.imul(h ^ v5, 0x01000193);
  h = Math.imul(h ^ v6, 0x01000193);
  h = Math.imul(h ^ v7, 0x01000193);
  return avalanche(h);
}
function elementB(tag: number, v1: number, v2: number, v3: number, v4: number, v5: number, v6: number, v7: number): number {
  let h = Math.imul(0x85ebca77, tag + 7);
  h = Math.imul(h ^ v1, 0x5bd1e995) ^ (h >>> 13);
  h = Math.imul(h ^ v2, 0x5bd1e995) ^ (h >>> 13);
  h = Math.imul(h ^ v3, 0x5bd1e995) ^ (h >>> 13);
  h = Math.imul(h ^ v4, 0x5bd1e995) ^ (h >>> 13);
  h = Math.imul(h ^ v5, 0x5bd1e995) ^ (h >>> 13);
  h = Math.imul(h ^ v6, 0x5bd1e995) ^ (h >>> 13);
  h = Math.imul(h ^ v7, 0x5bd1e995) ^ (h >>> 13);
  return avalanche(h);
}

