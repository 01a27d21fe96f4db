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
 * The same state as `fingerprint(perm)`, as a 64-bit hash written to `out[0]`, `out[1]`:
 * each node, allocation and client is hashed from its numbers and the hashes are summed, so
 * no text is built and nothing sorted (the sum does not depend on order). Equal fingerprints
 * give equal hashes; different ones collide with a chance of about 2^-64. Pure.
 */
export function fingerprintHash(w: FingerprintedState, perm: readonly number[], out: Uint32Array): void {
  const db = w.kernel.db;
  let a = 0;
  let b = 0;
  for (const n of db.all()) {
    if (n.parent === null) continue;
    const p = db.get(n.parent)!;
    const pt = p.parent === null ? -1 : taskCode(w, p.task, perm);
    const t = taskCode(w, n.task, perm);
    a = (a + elementA(1, t, n.vbase, n.order, n.frame, n.rights, pt, p.vbase)) | 0;
    b = (b + elementB(1, t, n.vbase, n.order, n.frame, n.rights, pt, p.vbase)) | 0;
  }
  for (const [id, from] of w.received) {
    const n = db.get(id);
    if (!n) continue;
    let bits = 0;
    for (const g of from) bits |= 1 << (perm[g]! % 32);
    const t = taskCode(w, n.task, perm);
    a = (a + elementA(12, t, n.vbase, bits, 0, 0, 0, 0)) | 0;
    b = (b + elementB(12, t, n.vbase, bits, 0, 0, 0, 0)) | 0;
  }
  for (const e of w.kernel.engineElements()) {
    const [ea, eb] = valuesHash(e.values);
    const t = taskCode(w, e.task, perm);
    a = (a + elementA(9, t, ea, eb, 0, 0, 0, 0)) | 0;
    b = (b + elementB(9, t, ea, eb, 0, 0, 0, 0)) | 0;
  }
  for (const x of w.allocations.live()) {
    // Holders as a 64-bit set in two words: up to 64 clients, each its own bit; and each holder's rights as an element of its own.
    let low = 0;
    let high = 0;
    for (const h of x.holders) {
      const p = perm[h]!;
      if (p < 32) low |= 1 << p;
      else high |= 1 << (p - 32);
      const r = x.rights.get(h)!;
      a = (a + elementA(10, x.fpage.base, x.fpage.order, p, r, 0, 0, 0)) | 0;
      b = (b + elementB(10, x.fpage.base, x.fpage.order, p, r, 0, 0, 0)) | 0;
    }
    a = (a + elementA(2, x.fpage.base, x.fpage.order, perm[x.owner]!, low, high, 0, 0)) | 0;
    b = (b + elementB(2, x.fpage.base, x.fpage.order, perm[x.owner]!, low, high, 0, 0)) | 0;
  }
  for (let c = 0; c < w.config.clients; c++) {
    const slot = perm[c]!;
    a = (a + elementA(3, slot, w.alive[c] ? 1 : 0, 0, 0, 0, 0, 0)) | 0;
    b = (b + elementB(3, slot, w.alive[c] ? 1 : 0, 0, 0, 0, 0, 0)) | 0;
    for (const x of w.wanted[c]!) {
      const h = w.allocations.get(x.handle)!.fpage;
      a = (a + elementA(4, slot, x.vaddr, x.order, h.base, h.order, x.offset, 0)) | 0;
      b = (b + elementB(4, slot, x.vaddr, x.order, h.base, h.order, x.offset, 0)) | 0;
    }
  }
  const server = w.server.fingerprint!(new PermutedCanon(w, perm));
  let sa = 0x2545f491;
  let sb = 0x68e31da4;
  for (let i = 0; i < server.length; i++) {
    sa = Math.imul(sa ^ server.charCodeAt(i), 0x01000193);
    sb = Math.imul(sb ^ server.charCodeAt(i), 0x5bd1e995) ^ (sb >>> 15);
  }
  out[0] = avalanche((a + avalanche(sa)) | 0);
  out[1] = avalanche((b + avalanche(sb ^ server.length)) | 0);
}

/**
 * Per client, a hash of what that client alone has, the same whatever the clients are called:
 * alive or not, what it asked for, its nodes and those of tasks kept for it, the allocations it
 * owns and holds, and what it was handed or handed on. Clients of different signatures are never
 * renamings of each other, so a canonical renaming need only try the orders of clients whose
 * signatures tie. One pass over the state. Pure.
 */
export function clientSignatures(w: FingerprintedState): number[] {
  const n = w.config.clients;
  const h: number[] = Array.from({ length: n }, (_, c) => (w.alive[c] ? 1 : 2));
  for (let c = 0; c < n; c++) {
    for (const x of w.wanted[c]!) {
      const f = w.allocations.get(x.handle)!.fpage;
      h[c] = (h[c]! + elementA(5, x.vaddr, x.order, f.base, f.order, x.offset, 0, 0)) | 0;
    }
  }
  const db = w.kernel.db;
  for (const node of db.all()) {
    const m = roleOf(w, node.task);
    if (m) h[m.client] = (h[m.client]! + elementA(6, m.role, node.vbase, node.order, node.frame, node.rights, 0, 0)) | 0;
  }
  for (const [id, from] of w.received) {
    const node = db.get(id);
    if (!node) continue;
    const c = w.clientNumbers.get(node.task);
    if (c !== undefined) h[c] = (h[c]! + elementA(13, node.vbase, node.order, from.length, 0, 0, 0, 0)) | 0;
    for (const g of from) h[g] = (h[g]! + elementA(14, node.vbase, node.order, 0, 0, 0, 0, 0)) | 0;
  }
  for (const e of w.kernel.engineElements()) {
    const m = roleOf(w, e.task);
    if (m) h[m.client] = (h[m.client]! + elementA(11, m.role, valuesHash(e.values)[0], 0, 0, 0, 0, 0)) | 0;
  }
  for (const a of w.allocations.live()) {
    h[a.owner] = (h[a.owner]! + elementA(7, a.fpage.base, a.fpage.order, a.holders.size, 0, 0, 0, 0)) | 0;
    for (const c of a.holders) h[c] = (h[c]! + elementA(8, a.fpage.base, a.fpage.order, a.rights.get(c)!, 0, 0, 0, 0)) | 0;
  }
  return h.map((x) => x >>> 0);
}

/** The client a task belongs to and its role there (1: the client's own space, 2 + i: the i-th task kept for it), or null. */
function roleOf(w: FingerprintedState, t: TaskId): { readonly client: number; readonly role: number } | null {
  const c = w.clientNumbers.get(t);
  if (c !== undefined) return { client: c, role: 1 };
  const o = w.owners.get(t);
  return o ? { client: o.client, role: 2 + o.index } : null;
}

/** A number for a task under the client renaming `perm`: clients and their own tasks by the renamed client, other tasks by name. */
function taskCode(w: FingerprintedState, t: TaskId, perm: readonly number[]): number {
  const c = w.clientNumbers.get(t);
  if (c !== undefined) return 1_000 + perm[c]!;
  const o = w.owners.get(t);
  if (o) return 2_000 + perm[o.client]! * 64 + o.index;
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

