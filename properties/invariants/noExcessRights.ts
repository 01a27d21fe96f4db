import { framesOf, RWX, showRights, type MapNode, type WorldView } from '../../model/index.ts';
import { ancestryOf, clientNodesOn, describeNode, judgedNodes, providersOf } from '../entitlement.ts';
import { HOLDS, VACUOUS, violated, type Invariant, type Verdict } from '../invariant.ts';

/**
 * The rights client node `n` may have: those of the holders of its allocation among its own client
 * and the clients it derives from, plus what every page-table entry of the kernel has anyway.
 * Null when no holder is on the chain (then the frames are foreign, which no-foreign-frames judges).
 */
function allowedRights(view: WorldView, n: MapNode): number | null {
  const f = framesOf(n);
  const a = view.allocations.liveMeeting(f).find((x) => x.fpage.base <= f.base && f.base + 2 ** f.order <= x.fpage.base + 2 ** x.fpage.order);
  if (!a) return null;
  let allowed: number | null = null;
  for (const c of [view.clientOf(n.task)!, ...providersOf(view, n, ancestryOf(view, n))]) {
    const r = a.rights.get(c);
    if (r !== undefined && view.isAlive(c)) allowed = (allowed ?? 0) | r;
  }
  return allowed === null ? null : allowed | view.kernel.profile.entryRights;
}

/**
 * The first of `nodes` with a right its entitlement lacks, as a violation; else holds when some
 * node's entitlement withheld a right (the question arose), vacuous when none did.
 */
export function excessRights(view: WorldView, nodes: readonly MapNode[]): Verdict {
  let restricted = false;
  for (const n of nodes) {
    const allowed = allowedRights(view, n);
    if (allowed === null || allowed === RWX) continue;
    restricted = true;
    if ((n.rights & ~allowed) !== 0) {
      return violated(`${describeNode(view, n)} with rights ${showRights(n.rights)}, but it and the clients it derives from hold those frames with ${showRights(allowed)} at most`);
    }
  }
  return restricted ? HOLDS : VACUOUS;
}

/** A client never holds a right to an allocation's frames that it was not given: a read-only sharer cannot write. */
export const noExcessRights: Invariant = {
  name: 'safety.no-excess-rights',
  property: 'safety',
  statement: 'no client maps frames of an allocation with a right that neither it nor a client it derives from or was handed the mapping by holds the allocation with (beyond the rights every page-table entry of the kernel has)',
  premise: 'a client node was created or changed, or its allocation changed holders, while its entitlement withheld a right',
  minNonVacuousShare: 0.15,
  check(obs, after) {
    const nodes = judgedNodes(obs, after);
    for (const h of obs.touchedAllocations) {
      const a = after.allocations.get(h);
      if (a?.live) nodes.push(...clientNodesOn(after, a.fpage));
    }
    return excessRights(after, nodes);
  },
};
