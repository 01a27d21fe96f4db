import { clientTask, type MapNode } from '../../model/index.ts';
import { entitled, providersOf } from '../entitlement.ts';
import { HOLDS, VACUOUS, violated, type Invariant } from '../invariant.ts';

/** An operation for client A removes no mapping of another client B that B is still entitled to, unless it derives from A's. */
export const noCrossTaskFlush: Invariant = {
  name: 'isolation.no-cross-task-flush',
  property: 'isolation',
  statement: "an operation on behalf of client A never removes a mapping another client B is still entitled to, unless B's mapping derives from A's or A handed it to B",
  premise: 'a client acted while another client held mappings',
  minNonVacuousShare: 0.3,
  check(obs, after) {
    const actors = new Set(obs.actors);
    let premise = false;
    // Ancestors removed by the same step still say what a lost mapping was handed on through.
    const gone = new Map<number, MapNode>();
    for (const e of obs.effects) for (const r of e.removed) gone.set(r.node.id, r.node);
    for (const e of obs.effects) {
      for (const l of e.lost) {
        const b = after.clientOf(l.task);
        if (b === null || actors.has(b)) continue;
        premise = true;
        const providers = providersOf(after, l.node, l.ancestry, gone);
        if (providers.some((c) => actors.has(c)) || !entitled(after, b, l.frames, providers)) continue;
        return violated(
          `on behalf of client ${[...actors].join(' and ')}, ${e.call} removed ${l.task}'s mapping of frames ${l.frames.base}..${l.frames.base + 2 ** l.frames.order - 1} at page ${l.virtual.base} (${l.cause}), which ${l.task} is still entitled to`,
        );
      }
    }
    if (!premise) {
      for (let c = 0; c < after.config.clients && !premise; c++) {
        if (!actors.has(c) && after.isAlive(c) && !after.kernel.db.spaceFree(clientTask(c), { base: 0, order: after.config.clientSpaceOrder })) premise = true;
      }
    }
    return premise ? HOLDS : VACUOUS;
  },
};
