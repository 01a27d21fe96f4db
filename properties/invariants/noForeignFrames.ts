import { framesOf, type MapNode, type WorldView } from '../../model/index.ts';
import { allocatedPages, ancestryOf, clientNodesOn, describeNode, entitled, judgedNodes, providersOf } from '../entitlement.ts';
import { HOLDS, VACUOUS, violated, type Invariant, type Verdict } from '../invariant.ts';

/** The first of `nodes` that straddles allocations or maps frames its client is not entitled to, as a violation. */
export function foreignNode(view: WorldView, nodes: readonly MapNode[]): Verdict | null {
  for (const n of nodes) {
    const f = framesOf(n);
    // Frames of no live allocation are no-extant-after-dealloc's to judge.
    if (allocatedPages(view, f) < 2 ** f.order) continue;
    const inside = view.allocations.liveMeeting(f);
    if (inside.length > 1) return violated(`${describeNode(view, n)}, straddling handles ${inside.map((a) => a.handle).join(' and ')}`);
    if (!entitled(view, view.clientOf(n.task)!, f, providersOf(view, n, ancestryOf(view, n)))) return violated(`${describeNode(view, n)}, but neither it nor a client it derives from or was handed them by holds those frames`);
  }
  return null;
}

/** Every client mapping lies inside one live allocation that the client holds, or received by a mapping from a holder. */
export const noForeignFrames: Invariant = {
  name: 'safety.no-foreign-frames',
  property: 'safety',
  statement: 'no client maps frames of an allocation it neither holds nor received by a mapping or grant from a holder, and no client node straddles two allocations',
  premise: 'holders changed while clients mapped the allocation, or a client gained a mapping',
  minNonVacuousShare: 0.2,
  check(obs, after) {
    const nodes = judgedNodes(obs, after);
    for (const h of obs.touchedAllocations) {
      const a = after.allocations.get(h);
      if (a?.live) nodes.push(...clientNodesOn(after, a.fpage));
    }
    return foreignNode(after, nodes) ?? (nodes.length > 0 ? HOLDS : VACUOUS);
  },
};
