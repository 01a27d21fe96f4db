import { framesOf, type MapNode, type WorldView } from '../../model/index.ts';
import { allocatedPages, clientNodesOn, describeNode, judgedNodes } from '../entitlement.ts';
import { HOLDS, VACUOUS, violated, type Invariant, type Verdict } from '../invariant.ts';

/** The first of `nodes` on a frame no live allocation holds, as a violation. */
export function onFreeFrames(view: WorldView, nodes: readonly MapNode[]): Verdict | null {
  for (const n of nodes) {
    const f = framesOf(n);
    const free = 2 ** f.order - allocatedPages(view, f);
    if (free > 0) return violated(`${describeNode(view, n)}, and ${free} of those ${2 ** f.order} frames belong to no live allocation`);
  }
  return null;
}

/** No client maps a frame that no live allocation holds: not after a dealloc, not ever. */
export const noExtantAfterDealloc: Invariant = {
  name: 'safety.no-extant-after-dealloc',
  property: 'safety',
  statement: 'no untrusted task maps a frame that is not part of a live allocation (freed, or never allocated), judged for every client node the step could have made wrong',
  premise: 'an allocation ended while a client mapped some of its frames',
  minNonVacuousShare: 0.2,
  check(obs, after) {
    // A node's frames can leave every live allocation only when the node is new or changed, or an allocation under it ended.
    let premise = false;
    const nodes: MapNode[] = judgedNodes(obs, after);
    for (const h of obs.touchedAllocations) {
      const a = after.allocations.get(h);
      if (!a || a.live) continue;
      const extant = clientNodesOn(after, a.fpage);
      nodes.push(...extant);
      premise ||= extant.length > 0 || obs.effects.some((e) => e.removed.some((r) => after.clientOf(r.node.task) !== null && r.node.frame < a.fpage.base + 2 ** a.fpage.order && r.node.frame + 2 ** r.node.order > a.fpage.base));
    }
    return onFreeFrames(after, nodes) ?? (premise ? HOLDS : VACUOUS);
  },
};
