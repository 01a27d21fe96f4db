import { checkUnit, planOf } from '../check.ts';
import type { HandlerFactory } from '../workers/worker.ts';
import type { CheckJob, CheckWorkerData } from './protocol.ts';

/** The random search in a pool thread: plans the same matrix as the main thread and searches the seed blocks it is handed. */
export const checkHandler: HandlerFactory = (designs, data) => {
  const setup = data as CheckWorkerData;
  const stop = new Int32Array(setup.stop);
  const plan = planOf({ ...setup.options, designs });
  return {
    designOf: (job) => plan.units[(job as CheckJob).unit]?.design.name,
    handle: (job, note) => {
      const { unit, deadline } = job as CheckJob;
      const result = checkUnit(plan, plan.units[unit]!, { ...setup.options, ...(deadline !== undefined ? { deadline } : {}), shouldStop: () => Atomics.load(stop, 0) !== 0 }, (runs) => {
        // Progress every few runs is enough for a display and keeps the channel quiet (the block's last count comes with its result).
        if (runs % 10 === 0) note(runs);
      });
      return { reply: result };
    },
  };
};
