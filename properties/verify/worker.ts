import { parentPort, workerData } from 'node:worker_threads';
import { match } from 'ts-pattern';
import { designNamed } from '../../model/index.ts';
import { invariantNamed } from '../invariants/index.ts';
import { paranoid } from '../invariants/paranoid.ts';
import { COMMAND_WORDS, decodeCommand } from './commands.ts';
import { expand, SearchSpace, type Expansion } from './expand.ts';
import { PathCache } from './bfs.ts';
import type { FromVerifyWorker, ToVerifyWorker, VerifyWorkerSetup } from './protocol.ts';

/** A search thread: rebuilds the states it is handed from their paths and judges every transition from them. */
const setup = workerData as VerifyWorkerSetup;
const invariants = setup.invariants.map((n) => invariantNamed(n)!);
const space = new SearchSpace(designNamed(setup.design)!, setup.profile, setup.config, setup.paranoid ? paranoid(invariants) : invariants, setup.symmetry);
const cache = new PathCache(space.root);
const port = parentPort!;
const send = (m: FromVerifyWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on('message', (m: ToVerifyWorker) =>
  match(m)
    .with({ kind: 'expand' }, ({ batch, rows, paths, hash, open }) => {
      try {
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
        send({ kind: 'expanded', batch, expansions: out }, out.flatMap((e) => [e.commands.buffer as ArrayBuffer, e.hashes.buffer as ArrayBuffer, e.violated.buffer as ArrayBuffer]));
      } catch (e) {
        send({ kind: 'failed', batch, message: (e as Error).message });
      }
    })
    .with({ kind: 'close' }, () => port.close())
    .exhaustive(),
);
