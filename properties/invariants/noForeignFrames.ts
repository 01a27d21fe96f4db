import { framesOf } from '../../model/index.ts';
import { allocated, ancestryOf, clientNodesOn, describeNode, entitled } from '../entitlement.ts';
import { HOLDS, VACUOUS, violated, type Invariant } from '../invariant.ts';

/** Every client mapping of allocated frames belongs to a holder or derives from one. */
export const noForeignFrames: Invariant = {
  name: 'safety.no-foreign-frames',
  property: 'safety',
  statement: 'no client maps frames of an allocation it neither holds nor received by a mapping from a holder',
  premise: 'holders changed while clients mapped the allocation, or a client gained a mapping',
  minNonVacuousShare: 0.2,
  check(obs, after) {
    const nodes = obs.effects.flatMap((e) => [...e.created, ...e.changed]).filter((n) => after.kernel.db.has(n.id) && after.clientOf(n.task) !== null);
    for (const h of obs.touchedAllocations) {
      const a = after.allocations.get(h);
      if (a?.live) nodes.push(...clientNodesOn(after, a.fpage));
    }
    for (const n of nodes) {
      const f = framesOf(after.kernel.db.get(n.id)!);
      if (!allocated(after, f)) continue; // freed frames are no-extant-after-dealloc's to judge
      if (!entitled(after, after.clientOf(n.task)!, f, ancestryOf(after, n))) return violated(`${describeNode(after, n)}, but neither it nor a client it derives from holds those frames`);
    }
    return nodes.length > 0 ? HOLDS : VACUOUS;
  },
};
