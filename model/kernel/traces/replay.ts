import { ARCH_SUPERPAGE_ORDER, Kernel } from '../kernel.ts';
import { SIGMA0, type MapNode } from '../mapdb.ts';
import { constantChoices, type ProfileName } from '../profiles.ts';
import { parseRights, showRights } from '../rights.ts';
import type { TraceNode, TraceOp, TraceSequence } from './format.ts';

/** One node as the traces and fpcheck both describe it, counts expanded. */
export interface StateNode {
  readonly task: string;
  readonly vbase: number;
  readonly order: number;
  readonly frame: number;
  readonly rights: string;
  readonly parent: readonly [string, number] | null;
  readonly mdbFrame?: number;
  readonly mdbOrder?: number;
}

/** How the replay of one sequence ended. */
export type ReplayVerdict =
  | { readonly kind: 'agrees'; readonly ops: number }
  /** Agreed on every op before `at`; from `at` on the sequence leaves what fpcheck's world can produce. */
  | { readonly kind: 'excluded'; readonly at: number; readonly reason: string }
  | { readonly kind: 'differs'; readonly at: number; readonly op: TraceOp; readonly diff: readonly string[]; readonly refused: string | null };

/**
 * Why the kernel's state after an op lies outside what fpcheck models, or null. Stated per
 * kernel, never per sequence: the README lists both.
 * - Both kernels let sigma0 hand out memory past `memoryPages` (Fiasco fabricates any physical
 *   address, Pistachio maps by physical address); fpcheck's sigma0 owns exactly the memory.
 * - The Pistachio harness gives every task the whole x86-64 user area (`space_t::is_user_area`
 *   is static), so a window past a task's `2^spaceOrder` pages is mapped there.
 */
export function outsideWorld(kernel: 'fiasco' | 'pistachio', seq: TraceSequence, state: readonly TraceNode[]): string | null {
  const spaces = new Map(seq.world.tasks.map((t) => [t.id, t.spaceOrder]));
  for (const n of state) {
    const pages = 2 ** n.order * (n.count ?? 1);
    if (n.task !== SIGMA0 && n.frame + pages > seq.world.memoryPages) return `${n.task} maps frames past memory (${n.frame}..${n.frame + pages - 1} of ${seq.world.memoryPages}): sigma0 handed out memory it does not have in fpcheck`;
    const space = spaces.get(n.task);
    if (kernel === 'pistachio' && space !== undefined && n.vbase + pages > 2 ** space) {
      return `${n.task} maps pages ${n.vbase}..${n.vbase + pages - 1} past its space of ${2 ** space} pages: the harness gives every Pistachio space the whole user area`;
    }
  }
  return null;
}


/** The state as the traces list it: every node, counts expanded, sorted by task and address. */
export function expandState(state: readonly TraceNode[]): StateNode[] {
  const out: StateNode[] = [];
  for (const n of state) {
    const { count = 1, ...one } = n;
    for (let i = 0; i < count; i++) out.push({ ...one, vbase: n.vbase + i * 2 ** n.order, frame: n.frame + i * 2 ** n.order });
  }
  return out.sort(byPlace);
}

/** fpcheck's kernel state in the traces' terms. Pure. */
export function kernelState(k: Kernel): StateNode[] {
  const out: StateNode[] = [];
  for (const n of k.db.all()) out.push(describe(k, n));
  return out.sort(byPlace);
}

function describe(k: Kernel, n: MapNode): StateNode {
  const p = n.parent === null ? null : k.db.get(n.parent);
  const slot = k.databaseSlot(n);
  return {
    task: n.task,
    vbase: n.vbase,
    order: n.order,
    frame: n.frame,
    rights: showRights(n.rights),
    parent: p ? [p.task, p.vbase] : null,
    ...(slot && slot.frame !== n.frame ? { mdbFrame: slot.frame } : {}),
    ...(slot && slot.order !== n.order ? { mdbOrder: slot.order } : {}),
  };
}

const byPlace = (a: StateNode, b: StateNode): number => (a.task < b.task ? -1 : a.task > b.task ? 1 : a.vbase - b.vbase);
const place = (n: StateNode): string => `${n.task}@${n.vbase}`;
const showNode = (n: StateNode): string =>
  `${n.task}@${n.vbase}/${n.order} -> frame ${n.frame} ${n.rights} parent ${n.parent ? `${n.parent[0]}@${n.parent[1]}` : 'none'}` +
  (n.mdbFrame !== undefined ? ` mdbFrame ${n.mdbFrame}` : '') +
  (n.mdbOrder !== undefined ? ` mdbOrder ${n.mdbOrder}` : '');

/** The differences between the kernel's state and fpcheck's, one readable line each; empty when equal. Pure. */
export function diffStates(want: readonly StateNode[], got: readonly StateNode[], limit = 20): string[] {
  const mine = new Map(got.map((n) => [place(n), n]));
  const theirs = new Map(want.map((n) => [place(n), n]));
  const out: string[] = [];
  for (const w of want) {
    const g = mine.get(place(w));
    if (!g) out.push(`only in the kernel: ${showNode(w)}`);
    else if (showNode(g) !== showNode(w)) out.push(`differs: kernel ${showNode(w)}; fpcheck ${showNode(g)}`);
  }
  for (const g of got) if (!theirs.has(place(g))) out.push(`only in fpcheck: ${showNode(g)}`);
  return out.length > limit ? [...out.slice(0, limit), `... and ${out.length - limit} more`] : out;
}

/** The `Kernel` a sequence runs on: its memory, the profile, the architecture's superpages and its tasks. */
export function kernelFor(seq: TraceSequence, profile: ProfileName): Kernel {
  const k = new Kernel(seq.world.memoryPages, profile, { superpageOrder: ARCH_SUPERPAGE_ORDER[seq.world.arch] });
  for (const t of seq.world.tasks) k.createTask(t.id, t.spaceOrder);
  return k;
}

/** Applies one trace op through fpcheck's `Kernel` call of the same shape; the refusal, if any. */
export function applyOp(k: Kernel, op: TraceOp): string | null {
  const any = constantChoices();
  const e =
    op.op === 'unmap'
      ? k.unmap(op.t, op.fp, op.flush, any)
      : (op.op === 'map' ? k.map : k.grant).call(k, op.s, op.send, op.r, op.rcvBase, parseRights(op.rights), any);
  return e.refused;
}

/**
 * Replays one sequence op by op through `profile` and compares the whole state after each op
 * with what the kernel's own code produced. Pure.
 */
export function replaySequence(seq: TraceSequence, profile: ProfileName, kernel: 'fiasco' | 'pistachio'): ReplayVerdict {
  const k = kernelFor(seq, profile);
  for (let i = 0; i < seq.ops.length; i++) {
    const result = seq.results[i]!;
    const outside = outsideWorld(kernel, seq, result.state);
    if (outside) return { kind: 'excluded', at: i, reason: outside };
    const op = seq.ops[i]!;
    const refused = applyOp(k, op);
    const diff = diffStates(expandState(result.state), kernelState(k));
    if (diff.length > 0) return { kind: 'differs', at: i, op, diff, refused };
  }
  return { kind: 'agrees', ops: seq.ops.length };
}

/** An op as one line, in the traces' notation (`512/9` is the fpage at page 512 of order 9). */
export function showOp(op: TraceOp): string {
  return op.op === 'unmap'
    ? `${op.flush ? 'flush' : 'unmap'}(${op.t} ${op.fp.base}/${op.fp.order})`
    : `${op.op}(${op.s} ${op.send.base}/${op.send.order} -> ${op.r}@${op.rcvBase}, ${op.rights})`;
}
