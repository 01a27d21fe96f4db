import { contains, intersect, type Fpage, type MapNode, type StepObservation, type TaskId } from '../model/index.ts';
import type { WorldView } from '../model/index.ts';

/**
 * The entitlement ledger, derived from the world's allocations: who may map which frames.
 * A client may map frames of a live allocation it holds, or frames it received by a mapping
 * from such a holder. Pure.
 */

/** True when client `c` holds a live allocation containing all of `frames`. */
export function holds(view: WorldView, c: number, frames: Fpage): boolean {
  return view.allocations.liveMeeting(frames).some((a) => a.holders.has(c) && contains(a.fpage, frames));
}

/** True when `frames` lie inside some live allocation. */
export function allocated(view: WorldView, frames: Fpage): boolean {
  return view.allocations.liveMeeting(frames).some((a) => contains(a.fpage, frames));
}

/** How many of `frames` lie in live allocations. */
export function allocatedPages(view: WorldView, frames: Fpage): number {
  let n = 0;
  for (const a of view.allocations.liveMeeting(frames)) n += 2 ** intersect(a.fpage, frames)!.order;
  return n;
}

/**
 * The live client nodes whose frames or derivation a step may have made wrong: those it created
 * or changed, and everything below a changed node (a grant moves a node, and with it what its
 * descendants derive through).
 */
export function judgedNodes(obs: StepObservation, view: WorldView): MapNode[] {
  const out: MapNode[] = [];
  const seen = new Set<number>();
  const db = view.kernel.db;
  const add = (id: number, below: boolean): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const n = db.get(id);
    if (!n) return;
    if (view.clientOf(n.task) !== null) out.push(n);
    if (below) for (const c of db.children(id)) add(c, true);
  };
  for (const e of obs.effects) {
    for (const n of e.created) add(n.id, false);
    for (const n of e.changed) add(n.id, true);
  }
  return out;
}

/** Clients among `tasks` (in order). */
export function clientsIn(view: WorldView, tasks: readonly TaskId[]): number[] {
  const out: number[] = [];
  for (const t of tasks) {
    const c = view.clientOf(t);
    if (c !== null) out.push(c);
  }
  return out;
}

/** Tasks a live node derives through, parent's first. */
export const ancestryOf = (view: WorldView, node: MapNode): TaskId[] => view.kernel.db.ancestry(node);

/**
 * The clients node `node` came from other than by derivation: those that granted it, or
 * extended its rights by a map, to it or to a node it derives from (`WorldView.receivedFrom`).
 * Works for a node the step removed too, through `gone` (the nodes the step removed, by id)
 * for ancestors removed with it.
 */
export function giversOf(view: WorldView, node: MapNode, gone?: ReadonlyMap<number, MapNode>): number[] {
  const out: number[] = [...view.receivedFrom(node.id)];
  for (let p = node.parent; p !== null; ) {
    const up = view.kernel.db.get(p) ?? gone?.get(p);
    if (!up) break;
    for (const g of view.receivedFrom(up.id)) out.push(g);
    p = up.parent;
  }
  return out;
}

/** The clients a client's node holds its frames through: those it derives from, and those it was handed them by. */
export const providersOf = (view: WorldView, node: MapNode, ancestry: readonly TaskId[], gone?: ReadonlyMap<number, MapNode>): number[] => [...clientsIn(view, ancestry), ...giversOf(view, node, gone)];

/** True when the client mapping `frames` through `providers` (see `providersOf`) may hold them: it or one of them holds them. */
export function entitled(view: WorldView, client: number, frames: Fpage, providers: readonly number[]): boolean {
  if (holds(view, client, frames)) return true;
  return providers.some((c) => c !== client && view.isAlive(c) && holds(view, c, frames));
}

/** Live client nodes on `frames`. */
export function clientNodesOn(view: WorldView, frames: Fpage): MapNode[] {
  return view.kernel.db.onFrames(frames).filter((n) => view.clientOf(n.task) !== null);
}

export const describeNode = (view: WorldView, n: MapNode): string =>
  `${n.task} maps frames ${n.frame}..${n.frame + 2 ** n.order - 1} at page ${n.vbase} (node ${n.id}, via ${ancestryOf(view, n).join(' <- ') || 'nothing'})`;

