import { Worker } from 'node:worker_threads';
import { DesignError } from '../../model/index.ts';
import type { DesignRef } from './designs.ts';
import { workerUrl } from './workerUrl.ts';

/** What a pool's threads do: `check` searches seed blocks, `verify` expands layers of states. */
export type PoolTask = 'check' | 'verify';

/** What every thread of a pool gets at start: its task, the designs to load, and the task's own plain data. */
export interface PoolSetup {
  readonly task: PoolTask;
  readonly designs: readonly DesignRef[];
  readonly data: unknown;
}

/** Main thread to worker: one job. */
export interface PoolJob {
  readonly id: number;
  readonly job: unknown;
}

/** A failure in a worker, as plain data: a design's error keeps the design's name. */
export interface PoolFailure {
  readonly message: string;
  readonly design?: string;
}

/** Worker to main thread: a note on a job under way, its reply, or why it failed. */
export type PoolReply = { readonly id: number; readonly note: unknown } | { readonly id: number; readonly reply: unknown } | { readonly id: number; readonly failed: PoolFailure };

/** The error a failure in a worker becomes in the main thread. */
export const errorOf = (f: PoolFailure): Error => (f.design !== undefined ? Object.assign(new DesignError(f.design, f.message), { message: f.message }) : new Error(f.message));

interface Pending {
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly onNote: ((n: unknown) => void) | undefined;
  worker?: Worker;
}

/**
 * The one worker pool of both searches: `size` threads, each loading the same designs (built-in
 * ones by name, a user's by the module they came from) and running jobs of one task. A job's
 * failure, a module that does not load, a design that throws, or a thread that dies reaches the
 * caller as the rejection of `submit`, never as an uncaught error.
 */
export class WorkerPool {
  private readonly workers: Worker[];
  private readonly free: Worker[];
  private readonly queue: Array<{ id: number; job: unknown }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private broken: Error | null = null;
  private closing = false;

  constructor(
    setup: PoolSetup,
    readonly size: number,
  ) {
    const names = setup.designs.map((d) => d.name).join(', ');
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(workerUrl(import.meta.url, 'worker'), { workerData: setup });
      w.on('message', (m: PoolReply) => this.onMessage(w, m));
      w.on('error', (e) => this.fail(Object.assign(new Error(`a ${setup.task} worker thread failed (designs ${names}): ${e.message}`), { cause: e })));
      w.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`a ${setup.task} worker thread exited with code ${code} (designs ${names})`));
      });
      return w;
    });
    this.free = [...this.workers];
  }

  /** Runs `job` on the next free thread; `onNote` hears the notes it sends while under way. */
  submit<R>(job: unknown, onNote?: (note: unknown) => void): Promise<R> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onNote });
      this.queue.push({ id, job });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.free.length > 0) {
      const w = this.free.pop()!;
      const { id, job } = this.queue.shift()!;
      this.pending.get(id)!.worker = w;
      w.postMessage({ id, job } satisfies PoolJob);
    }
  }

  private onMessage(w: Worker, m: PoolReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if ('note' in m) {
      try {
        p.onNote?.(m.note);
      } catch (e) {
        this.settle(w, m.id, () => p.reject(e as Error));
      }
      return;
    }
    this.settle(w, m.id, () => ('reply' in m ? p.resolve(m.reply) : p.reject(errorOf(m.failed))));
  }

  private settle(w: Worker, id: number, then: () => void): void {
    this.pending.delete(id);
    if (!this.free.includes(w)) this.free.push(w);
    then();
    this.pump();
  }

  /** Every job in hand and to come fails with `e`. */
  private fail(e: Error): void {
    if (this.broken) return;
    this.broken = e;
    this.queue.length = 0;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(e);
    }
  }

  /** Stops every thread. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.fail(new Error('the worker pool was closed'));
  }
}
