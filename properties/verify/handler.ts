import { invariantNamed } from '../invariants/index.ts';
import { paranoid } from '../invariants/paranoid.ts';
import type { HandlerFactory } from '../workers/worker.ts';
import { expand, SearchSpace, type Expansion } from './expand.ts';
import type { ExpandJob, VerifyWorkerData } from './protocol.ts';
import { decodePath, PathCache } from './store.ts';

/** The exhaustive search in a pool thread: rebuilds the states it is handed from their paths and judges every transition from them. */
export const verifyHandler: HandlerFactory = (designs, data) => {
  const setup = data as VerifyWorkerData;
  const design = designs[0]!;
  const invariants = setup.invariants.map((n) => {
    const i = invariantNamed(n);
    if (!i) throw new Error(`invariant ${n} is not a registered one: only registered invariants can cross to worker threads`);
    return i;
  });
  const space = new SearchSpace(design, setup.profile, setup.config, setup.paranoid ? paranoid(invariants) : invariants, setup.symmetry);
  const cache = new PathCache(space);
  return {
    designOf: () => design.name,
    handle: (job) => {
      const { rows, paths, hash, open } = job as ExpandJob;
      const out: Expansion[] = [];
      let at = 0;
      for (let i = 0; i < rows.length; i++) {
        const { steps, next } = decodePath(paths, at);
        at = next;
        out.push(expand(space, cache.world(steps), hash, open));
      }
      return { reply: out, transfer: out.flatMap((e) => [e.commands.buffer as ArrayBuffer, e.hashes.buffer as ArrayBuffer, e.violated.buffer as ArrayBuffer]) };
    },
  };
};
