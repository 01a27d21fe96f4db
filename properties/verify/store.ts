import type { Command, World } from '../../model/index.ts';
import { COMMAND_WORDS, decodeCommand } from './commands.ts';
import { transitionCommands, type SearchSpace } from './expand.ts';

/**
 * The states to be expanded, one row each: its parent's row and the number of the transition
 * from there (its place in the parent's expansion), in two typed arrays: 8 bytes a row. Row 0 is
 * the initial state. A state's commands are not kept: they are rebuilt by enumerating its
 * ancestors' transitions again (see `PathCache`). States of the last depth are never expanded
 * and get no row: they live only in the fingerprint table.
 */
export class StateStore {
  private parents = new Int32Array(1 << 12);
  private ordinals = new Int32Array(1 << 12);
  size = 1;

  add(parent: number, ordinal: number): number {
    if (this.size === this.parents.length) {
      // Grown by half, not doubled: a store that is mostly full holds fewer empty rows.
      const rows = this.parents.length + (this.parents.length >> 1);
      const p = new Int32Array(rows);
      p.set(this.parents);
      this.parents = p;
      const o = new Int32Array(rows);
      o.set(this.ordinals);
      this.ordinals = o;
    }
    this.parents[this.size] = parent;
    this.ordinals[this.size] = ordinal;
    return this.size++;
  }

  /** The steps from the initial state to `row`: each ancestor's row (from the initial state's child on) and its transition number. */
  steps(row: number): Step[] {
    const out: Step[] = [];
    for (let r = row; r !== 0; r = this.parents[r]!) out.push({ row: r, ordinal: this.ordinals[r]! });
    return out.reverse();
  }

  /** `row`'s path as words for a worker: its length, then per step the row and its transition number. */
  encodePath(row: number, out: number[]): void {
    const steps = this.steps(row);
    out.push(steps.length);
    for (const s of steps) out.push(s.row, s.ordinal);
  }

  get bytes(): number {
    return this.parents.byteLength + this.ordinals.byteLength;
  }
}

/** One step of a stored path: the row reached and the number of the transition that reached it. */
export interface Step {
  readonly row: number;
  readonly ordinal: number;
}

/** The steps `StateStore.encodePath` wrote at `at`, and where the next path starts. */
export function decodePath(words: Int32Array, at: number): { steps: Step[]; next: number } {
  const n = words[at++]!;
  const steps: Step[] = [];
  for (let j = 0; j < n; j++, at += 2) steps.push({ row: words[at]!, ordinal: words[at + 1]! });
  return { steps, next: at };
}

/**
 * Rebuilds the world of a stored state from its steps, reusing the worlds of the last path
 * rebuilt: states are expanded in the order they were found, so neighbours share most of their
 * path and each costs about one step. A step's command is read from its parent's transitions,
 * enumerated once per parent and kept while the parent is on the path (siblings are neighbours,
 * so a parent's transitions are enumerated about once a layer).
 */
export class PathCache {
  private stack: Array<{ row: number; world: World; command: Command; transitions: Int32Array | null }> = [];
  private rootTransitions: Int32Array | null = null;
  constructor(private readonly space: SearchSpace) {}

  /** The world at the end of `steps`. */
  world(steps: readonly Step[]): World {
    this.walk(steps);
    return steps.length === 0 ? this.space.root : this.stack[steps.length - 1]!.world;
  }

  /** The commands of `steps`, from the initial state. */
  commands(steps: readonly Step[]): Command[] {
    this.walk(steps);
    return this.stack.slice(0, steps.length).map((s) => s.command);
  }

  private walk(steps: readonly Step[]): void {
    let k = 0;
    while (k < this.stack.length && k < steps.length && this.stack[k]!.row === steps[k]!.row) k++;
    this.stack.length = k;
    for (let j = k; j < steps.length; j++) {
      const parent = j === 0 ? null : this.stack[j - 1]!;
      const from = parent ? parent.world : this.space.root;
      let transitions = parent ? parent.transitions : this.rootTransitions;
      if (!transitions) {
        transitions = transitionCommands(this.space, from);
        if (parent) parent.transitions = transitions;
        else this.rootTransitions = transitions;
      }
      const ordinal = steps[j]!.ordinal;
      if ((ordinal + 1) * COMMAND_WORDS > transitions.length) throw new Error(`stored state ${steps[j]!.row} names transition ${ordinal}, but its parent has ${transitions.length / COMMAND_WORDS}`);
      const command = decodeCommand(transitions, ordinal * COMMAND_WORDS);
      const world = from.clone();
      world.step(command);
      this.stack.push({ row: steps[j]!.row, world, command, transitions: null });
    }
  }
}
