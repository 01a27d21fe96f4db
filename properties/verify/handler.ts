import { invariantNamed } from '../invariants/index.ts';
import { paranoid } from '../invariants/paranoid.ts';
import type { HandlerFactory } from '../workers/worker.ts';
import { PathCache } from './bfs.ts';
import { COMMAND_WORDS, decodeCommand } from './commands.ts';
import { expand, SearchSpace, type Expansion } from './expand.ts';
import type { ExpandJob, VerifyWorkerData } from './protocol.ts';

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
  const cache = new PathCache(space.root);
  return {
    designOf: () => design.name,
    handle: (job) => {
      const { rows, paths, hash, open } = job as ExpandJob;
      const out: Expansion[] = [];
      let at = 0;
      for (let i = 0; i < rows.length; i++) {
        const n = paths[at++]!;
        const steps: Array<{ row: number; command: () => ReturnType<typeof decodeCommand> }> = [];
        for (let j = 0; j < n; j++) {
          const row = paths[at]!;
          const from = at + 1;
          steps.push({ row, command: () => decodeCommand(paths, from) });
          at += 1 + COMMAND_WORDS;
        }
        out.push(expand(space, n === 0 ? space.root : cache.world(steps), hash, open));
      }
      return { reply: out, transfer: out.flatMap((e) => [e.commands.buffer as ArrayBuffer, e.hashes.buffer as ArrayBuffer, e.violated.buffer as ArrayBuffer]) };
    },
  };
};
