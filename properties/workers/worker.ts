import { parentPort, workerData } from 'node:worker_threads';
import { DesignError, type Design } from '../../model/index.ts';
import { checkHandler } from '../parallel/handler.ts';
import { verifyHandler } from '../verify/handler.ts';
import { loadDesigns } from './designs.ts';
import type { PoolFailure, PoolJob, PoolReply, PoolSetup } from './pool.ts';

/** What a task does with one job: its reply, and what to transfer rather than copy. */
export type Handler = (job: unknown, note: (n: unknown) => void) => { readonly reply: unknown; readonly transfer?: ArrayBuffer[] };

/** Builds the handler of a task from the designs loaded and the task's data. */
export type HandlerFactory = (designs: readonly Design[], data: unknown) => { readonly handle: Handler; readonly designOf: (job: unknown) => string | undefined };

const FACTORIES: Record<PoolSetup['task'], HandlerFactory> = { check: checkHandler, verify: verifyHandler };

/** A thread of the pool: loads the designs once, then answers each job; every failure goes back as a reply. */
const setup = workerData as PoolSetup;
const port = parentPort!;
const send = (m: PoolReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const ready = loadDesigns(setup.designs).then((designs) => FACTORIES[setup.task](designs, setup.data));
// A load failure is told with each job; it must not be an unhandled rejection meanwhile.
ready.catch(() => undefined);

const failure = (e: unknown, design: string | undefined): PoolFailure => {
  if (e instanceof DesignError) return { message: e.message, design: e.design };
  const err = e instanceof Error ? e : new Error(String(e));
  const where = err.stack?.split('\n').slice(1, 4).join('\n') ?? '';
  return design !== undefined ? { message: `design ${design}: threw ${err.name}: ${err.message}${where ? `\n${where}` : ''}`, design } : { message: `${err.name}: ${err.message}` };
};

port.on('message', async ({ id, job }: PoolJob) => {
  let h: Awaited<typeof ready> | undefined;
  try {
    h = await ready;
    const { reply, transfer } = h.handle(job, (note) => send({ id, note }));
    send({ id, reply }, transfer);
  } catch (e) {
    send({ id, failed: failure(e, h?.designOf(job) ?? (setup.designs.length === 1 ? setup.designs[0]!.name : undefined)) });
  }
});
