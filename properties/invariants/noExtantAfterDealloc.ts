import { clientNodesOn, describeNode } from '../entitlement.ts';
import { HOLDS, VACUOUS, violated, type Invariant } from '../invariant.ts';

/** After an allocation ends, no client maps any of its frames. */
export const noExtantAfterDealloc: Invariant = {
  name: 'safety.no-extant-after-dealloc',
  property: 'safety',
  statement: 'once an allocation is freed, no untrusted task maps any of its frames',
  premise: 'an allocation ended while a client mapped some of its frames',
  minNonVacuousShare: 0.2,
  check(obs, after) {
    let premise = false;
    for (const h of obs.touchedAllocations) {
      const a = after.allocations.get(h);
      if (!a || a.live) continue;
      const extant = clientNodesOn(after, a.fpage);
      const removed = obs.effects.some((e) => e.removed.some((r) => after.clientOf(r.node.task) !== null && r.node.frame >= a.fpage.base && r.node.frame < a.fpage.base + 2 ** a.fpage.order));
      premise ||= extant.length > 0 || removed;
      if (extant.length > 0) return violated(`handle ${h} (frames ${a.fpage.base}..${a.fpage.base + 2 ** a.fpage.order - 1}) was freed but ${describeNode(after, extant[0]!)}`);
    }
    return premise ? HOLDS : VACUOUS;
  },
};
