import { constantChoices, Kernel, RWX, SIGMA0 } from '../../model/index.ts';
import { median, timed } from './measure.ts';

const TASKS = 10;
const task = (i: number) => `t${i}`;

/** A kernel whose database holds `nodes` single-page mappings spread over ten tasks (plus sigma0's roots). */
function populated(nodes: number, memoryOrder: number): Kernel {
  const k = new Kernel(2 ** memoryOrder, 'x2');
  for (let t = 0; t < TASKS; t++) k.createTask(task(t), memoryOrder);
  k.createTask('probe', memoryOrder);
  const choices = constantChoices();
  for (let p = 0; p < nodes; p++) k.map(SIGMA0, { base: p, order: 0 }, task(p % TASKS), p, RWX, choices);
  return k;
}

export interface OpCosts {
  readonly nodes: number;
  /** The operations touched pages spread over this many. */
  readonly span: number;
  /** Microseconds per operation, median over repetitions. */
  readonly mapUs: number;
  readonly unmapUs: number;
  readonly flushUs: number;
}

/**
 * Per-operation cost of map, unmap (revoking one derived page) and flush on a database of
 * `nodes` nodes, in a memory of the same size (1 GiB) whatever the node count, so that only
 * the count varies (the index depth follows the size of the space). With `span`, the pages
 * touched lie in the first `span` pages only: the same work with better memory locality. Each repetition touches `ops` pages spread over the database and leaves its
 * size as it found it, so every repetition measures the same size.
 */
export function opCosts(nodes: number, ops: number, reps: number, span = nodes, memoryOrder = 18): OpCosts {
  if (nodes > 2 ** memoryOrder) throw new RangeError(`${nodes} single-page nodes do not fit 2^${memoryOrder} pages`);
  const k = populated(nodes, memoryOrder);
  const choices = constantChoices();
  // Pages spread evenly over the populated range, in a scattered order (a fixed stride, no randomness).
  const stride = 7919;
  const pages = Array.from({ length: ops }, (_, i) => (i * stride) % Math.min(span, nodes));
  const owner = (p: number) => task(p % TASKS);
  const map = () => pages.forEach((p) => k.map(owner(p), { base: p, order: 0 }, 'probe', p, RWX, choices));
  const unmap = () => pages.forEach((p) => k.unmap(owner(p), { base: p, order: 0 }, false, choices));
  const flush = () => pages.forEach((p) => k.unmap('probe', { base: p, order: 0 }, true, choices));
  const m: number[] = [];
  const u: number[] = [];
  const f: number[] = [];
  for (let r = 0; r <= reps; r++) {
    const tm = timed(map).ms;
    const tu = timed(unmap).ms;
    map();
    const tf = timed(flush).ms;
    // Repetition 0 warms the JIT and is not counted.
    if (r > 0) {
      m.push(tm);
      u.push(tu);
      f.push(tf);
    }
  }
  if (k.db.size !== nodes + k.roots.length) throw new Error(`kernel benchmark left ${k.db.size} nodes, expected ${nodes + k.roots.length}`);
  const us = (xs: number[]) => (median(xs) * 1000) / ops;
  return { nodes, span: Math.min(span, nodes), mapUs: us(m), unmapUs: us(u), flushUs: us(f) };
}
