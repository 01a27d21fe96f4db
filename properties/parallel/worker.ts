import { parentPort, workerData } from 'node:worker_threads';
import { match } from 'ts-pattern';
import { checkUnit, planOf } from '../check.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.ts';

/** A search thread: plans the same matrix as the main thread and searches the seed blocks it is handed. */
const setup = workerData as WorkerSetup;
const stop = new Int32Array(setup.stop);
const plan = planOf(setup.options);
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) =>
  match(m)
    .with({ kind: 'unit' }, ({ unit, deadline }) => {
      const result = checkUnit(plan, plan.units[unit]!, { ...setup.options, ...(deadline !== undefined ? { deadline } : {}), shouldStop: () => Atomics.load(stop, 0) !== 0 }, (runs) => {
        // Progress every few runs is enough for a display and keeps the channel quiet.
        if (runs % 10 === 0) send({ kind: 'progress', unit, runs });
        // (the block's last count comes with its result)
      });
      send({ kind: 'done', unit, result });
    })
    .with({ kind: 'close' }, () => port.close())
    .exhaustive(),
);
