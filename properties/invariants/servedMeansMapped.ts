import { clientTask, contains, rightsWithin, showRights } from '../../model/index.ts';
import { EXEMPT, HOLDS, VACUOUS, violated, type Invariant } from '../invariant.ts';

/** After a request or touch that the server reports as served, every requested page is mapped as asked. */
export const servedMeansMapped: Invariant = {
  name: 'service.served-means-mapped',
  property: 'service',
  statement: 'after a request or touch the server reports as served, every requested page is mapped in the client to that allocation\'s frames with at least the rights the client holds it with',
  premise: 'the server reported a request or touch as served (exempt: pages where the kernel kept a mapping the client already held, larger, of another frame, or of the same frame derived from elsewhere)',
  minNonVacuousShare: 0.3,
  check(obs, after) {
    const req = obs.served;
    if (!req || obs.outcome.kind !== 'applied') return VACUOUS;
    const task = clientTask(req.client);
    let judged = 0;
    for (let i = 0; i < 2 ** req.order; i++) {
      const page = { base: req.vaddr + i, order: 0 };
      // The client asked for pages on top of a mapping of its own that the kernel keeps: what becomes of it is the client's doing.
      if (obs.effects.some((e) => e.skipped.some((s) => s.task === task && contains(s.virtual, page)))) continue;
      judged++;
      const n = after.kernel.db.inSpace(task, page)[0];
      const frame = req.frame + i;
      if (!n) return violated(`client ${req.client}'s request for frames ${req.frame}..${req.frame + 2 ** req.order - 1} at page ${req.vaddr} was reported served, but page ${page.base} is not mapped`);
      const at = n.frame + (page.base - n.vbase);
      if (at !== frame) return violated(`client ${req.client}'s request was reported served, but page ${page.base} maps frame ${at}, not frame ${frame} of handle ${req.handle}`);
      if (!rightsWithin(req.rights, n.rights)) return violated(`client ${req.client}'s request was reported served, but page ${page.base} has rights ${showRights(n.rights)}, not the ${showRights(req.rights)} it holds handle ${req.handle} with`);
    }
    return judged > 0 ? HOLDS : EXEMPT;
  },
};
