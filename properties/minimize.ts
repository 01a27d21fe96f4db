import type { Command } from '../model/index.ts';
import type { Invariant } from './invariant.ts';
import { runCommands, type Scenario, type Violation } from './trace.ts';

const NUMERIC_FIELDS = ['order', 'offset', 'vaddr', 'toVaddr', 'handle', 'client', 'other'] as const;

/**
 * Shrinks a failing command list until it is 1-minimal for `target`: dropping any one
 * command, or its kernel choices, makes the first violation of `invariants` stop being
 * `target`. Also tries setting numeric arguments to 0 and shortening choice lists.
 * Deterministic.
 */
export function minimize(scenario: Scenario, commands: readonly Command[], invariants: readonly Invariant[], target: string): { commands: Command[]; violation: Violation } {
  const fails = (cs: readonly Command[]): Violation | null => {
    const v = runCommands(scenario, cs, invariants).violation;
    return v && v.invariant === target ? v : null;
  };
  let best = [...commands];
  let v = fails(best);
  if (!v) throw new Error(`the commands do not violate ${target}`);
  best = best.slice(0, v.step + 1);
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = best.length - 1; i >= 0; i--) {
      const cand = [...best.slice(0, i), ...best.slice(i + 1)];
      const w = fails(cand);
      if (w) [best, v, changed] = [cand.slice(0, w.step + 1), w, true];
    }
    for (let i = 0; i < best.length; i++) {
      for (const simpler of simplifications(best[i]!)) {
        const cand = [...best.slice(0, i), simpler, ...best.slice(i + 1)];
        const w = fails(cand);
        if (w) {
          [best, v, changed] = [cand.slice(0, w.step + 1), w, true];
          break;
        }
      }
    }
  }
  return { commands: best, violation: v };
}

/** Simpler variants of one command: without kernel choices, with shorter choice lists, with a numeric field at 0. */
function* simplifications(c: Command): Generator<Command> {
  if (c.kernel) {
    const { kernel, ...rest } = c;
    yield rest as Command;
    if (kernel.partial && kernel.partial.length > 1) yield { ...c, kernel: { ...kernel, partial: kernel.partial.slice(0, -1) } };
    if (kernel.partial && kernel.overmap) yield { ...c, kernel: { partial: kernel.partial } };
    if (kernel.partial && kernel.overmap) yield { ...c, kernel: { overmap: kernel.overmap } };
  }
  for (const f of NUMERIC_FIELDS) {
    const value = (c as unknown as Record<string, unknown>)[f];
    if (typeof value === 'number' && value > 0) yield { ...c, [f]: 0 } as Command;
  }
}
