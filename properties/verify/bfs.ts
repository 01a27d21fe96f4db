import { World, type Command, type Design, type ProfileName, type WorldConfig } from '../../model/index.ts';
import type { Invariant } from '../invariant.ts';
import { judge, type Violation } from '../trace.ts';
import { acceptedCommands, COMMAND_WORDS, decodeCommand, encodeCommand, forEachTransition } from './commands.ts';
import { FingerprintSet } from './visited.ts';

/** What an exhaustive search may do and when it stops. */
export interface ExhaustiveOptions {
  /** Longest command sequence to explore: every path of up to `depth` commands is judged. */
  readonly depth: number;
  /** Count states equal up to a renaming of clients once (only for designs declared `symmetric`). */
  readonly symmetry?: boolean;
  /** Stop as soon as this invariant is violated (the search for a shorter counterexample). */
  readonly target?: string;
  /** Stop when the search has judged this many transitions: a budget that does not depend on speed. */
  readonly maxTransitions?: number;
  /** Polled between states; true stops the search (time limit, interrupt). */
  readonly shouldStop?: () => boolean;
  /** Only the transitions from the initial state whose index `i` has `i % count === index - 1` (1-based): a slice of the search for one machine. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Told after each depth is done. */
  readonly onDepth?: (p: DepthProgress) => void;
  /**
   * How many times per depth to check that two states with the same fingerprint behave alike
   * (default 16; 0 turns the check off): a design whose fingerprint leaves out state it acts on
   * is refused instead of verified wrongly.
   */
  readonly audits?: number;
  /**
   * Count the states of the last depth (default). A search for a shorter counterexample only
   * judges the last depth's transitions: it neither hashes nor stores what they reach.
   */
  readonly countLastDepth?: boolean;
}

export interface DepthProgress {
  readonly depth: number;
  readonly states: number;
  readonly transitions: number;
}

/** A shortest counterexample found by the exhaustive search. */
export interface ExhaustiveViolation {
  readonly violation: Violation;
  readonly commands: readonly Command[];
}

/** Why a search ended before its depth. */
export type StopReason = 'target found' | 'budget' | 'stopped';

export interface ExhaustiveResult {
  /** Every path of up to this many commands was judged. */
  readonly depthDone: number;
  readonly depth: number;
  /** Distinct states found (the initial one included), and per depth. */
  readonly states: number;
  readonly statesPerDepth: readonly number[];
  readonly transitions: number;
  /** Per invariant, the first violation met: the shortest there is (ties go to the first in search order). */
  readonly violations: readonly ExhaustiveViolation[];
  readonly stoppedBy: StopReason | null;
  readonly symmetry: boolean;
  /** Bytes the fingerprint set and the state store held at the end. */
  readonly bytes: { readonly visited: number; readonly store: number };
}

/** Thrown when a design cannot be searched exhaustively, with the reason a user can act on. */
export class NotVerifiableError extends Error {
  readonly code = 'ENOTVERIFIABLE';
}

const describePath = (path: readonly Command[], last: Command): string => [...path, last].map((c) => c.kind).join(', ');

/** Every renaming of `n` clients (n! of them), the identity first. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let i = n - 1; i >= 0; i--) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  return out.sort((a, b) => (a.join() < b.join() ? -1 : 1));
}

/** Symmetry over more clients than this would cost more per state (n! fingerprints) than it saves. */
export const MAX_SYMMETRIC_CLIENTS = 4;

/**
 * The states reached so far, one row each: its parent's row and the command from there, packed
 * in typed arrays (32 bytes a state). Row 0 is the initial state.
 */
class StateStore {
  private parents = new Int32Array(1 << 12);
  private commands = new Int32Array((1 << 12) * COMMAND_WORDS);
  size = 1;

  add(parent: number, c: Command): number {
    if (this.size === this.parents.length) {
      const p = new Int32Array(this.parents.length * 2);
      p.set(this.parents);
      this.parents = p;
      const c2 = new Int32Array(this.commands.length * 2);
      c2.set(this.commands);
      this.commands = c2;
    }
    this.parents[this.size] = parent;
    encodeCommand(c, this.commands, this.size * COMMAND_WORDS);
    return this.size++;
  }

  /** The commands from the initial state to `row`. */
  path(row: number): Command[] {
    const out: Command[] = [];
    for (let r = row; r !== 0; r = this.parents[r]!) out.push(decodeCommand(this.commands, r * COMMAND_WORDS));
    return out.reverse();
  }

  /** The rows from the initial state's child to `row`. */
  rows(row: number): number[] {
    const out: number[] = [];
    for (let r = row; r !== 0; r = this.parents[r]!) out.push(r);
    return out.reverse();
  }

  command(row: number): Command {
    return decodeCommand(this.commands, row * COMMAND_WORDS);
  }

  get bytes(): number {
    return this.parents.byteLength + this.commands.byteLength;
  }
}

/**
 * Rebuilds the world of a stored state by replaying its path, reusing the worlds of the last
 * path rebuilt: states are expanded in the order they were found, so neighbours share most of
 * their path and each costs about one step.
 */
class PathCache {
  private stack: Array<{ row: number; world: World }> = [];
  constructor(
    private readonly root: World,
    private readonly store: StateStore,
  ) {}

  world(row: number): World {
    const rows = this.store.rows(row);
    let k = 0;
    while (k < this.stack.length && k < rows.length && this.stack[k]!.row === rows[k]) k++;
    this.stack.length = k;
    let w = k === 0 ? this.root : this.stack[k - 1]!.world;
    for (let j = k; j < rows.length; j++) {
      w = w.clone();
      w.step(this.store.command(rows[j]!));
      this.stack.push({ row: rows[j]!, world: w });
    }
    return w;
  }
}

/**
 * Breadth-first search over every command sequence a world accepts, to a depth: states are
 * deduplicated by a 64-bit hash of their canonical fingerprint (with clients renamed to the
 * least fingerprint when the design is symmetric), a transition that violates an invariant ends
 * its path, and the first violation of each invariant is the shortest there is. Deterministic:
 * the same options give the same result, in any process.
 */
export function exhaustiveSearch(design: Design, profile: ProfileName, config: WorldConfig, invariants: readonly Invariant[], opts: ExhaustiveOptions): ExhaustiveResult {
  const root = new World(config, design, profile);
  if (!root.branchable) {
    throw new NotVerifiableError(
      `design ${design.name} cannot be searched exhaustively: its server must implement fork(ctx) and fingerprint(canon) (see the README; a server with no bookkeeping can use stateless())`,
    );
  }
  const symmetric = (opts.symmetry ?? true) && design.symmetric === true && config.clients <= MAX_SYMMETRIC_CLIENTS;
  const perms = symmetric ? permutations(config.clients) : [Array.from({ length: config.clients }, (_, i) => i)];
  // The least hash over every renaming of clients: renamed states have the same set of hashes, so the same least one.
  const h = new Uint32Array(2);
  const fingerprint = (w: World): [number, number] => {
    w.fingerprintHash(perms[0]!, h);
    let b1 = h[0]!;
    let b2 = h[1]!;
    for (let i = 1; i < perms.length; i++) {
      w.fingerprintHash(perms[i]!, h);
      if (h[0]! < b1 || (h[0] === b1 && h[1]! < b2)) [b1, b2] = [h[0]!, h[1]!];
    }
    return [b1, b2];
  };
  const choosing = root.kernel.profile.partial.unmap === 'choose' || root.kernel.profile.partial.flush === 'choose' || root.kernel.profile.largerOvermap === 'choose';
  const visited = new FingerprintSet();
  const store = new StateStore();
  const cache = new PathCache(root, store);
  const [r1, r2] = fingerprint(root);
  visited.add(r1, r2);
  const statesPerDepth = [1];
  const violations = new Map<string, ExhaustiveViolation>();
  let transitions = 0;
  let depthDone = 0;
  let stoppedBy: StopReason | null = null;
  let layer = { from: 0, to: 1 };
  const auditsPerDepth = opts.audits ?? 16;
  /** The successors of `w`, each as what it violates or the state it reaches: equal for states that behave alike. */
  const behaviour = (w: World): string => {
    const out: string[] = [];
    for (const c of acceptedCommands(w)) {
      forEachTransition(w, c, choosing, (_ran, next, obs) => {
        const bad = judge(invariants, obs, next).find((v) => v.kind === 'violated');
        out.push(bad ? `!${bad.invariant}` : fingerprint(next).join(':'));
      });
    }
    return out.sort().join(' ');
  };
  // The worlds of the first states found, kept to compare with later states of the same fingerprint (shallow states are the ones most often reached again).
  const probes = new Map<string, World>([[fingerprint(root).join(':'), root]]);
  for (let d = 0; d < opts.depth && stoppedBy === null; d++) {
    const nextFrom = store.size;
    const keep = d < opts.depth - 1 || opts.countLastDepth !== false;
    let audits = 0;
    for (let row = layer.from; row < layer.to && stoppedBy === null; row++) {
      if (opts.shouldStop?.()) {
        stoppedBy = 'stopped';
        break;
      }
      const world = row === 0 ? root : cache.world(row);
      const commands = acceptedCommands(world);
      for (let i = 0; i < commands.length; i++) {
        if (row === 0 && opts.shard && i % opts.shard.count !== opts.shard.index - 1) continue;
        forEachTransition(world, commands[i]!, choosing, (ran, next, obs) => {
          transitions++;
          const bad = judge(invariants, obs, next).find((v) => v.kind === 'violated');
          if (bad) {
            if (!violations.has(bad.invariant)) {
              violations.set(bad.invariant, { violation: { invariant: bad.invariant, step: d, message: bad.message! }, commands: [...store.path(row), ran] });
            }
            return;
          }
          if (!keep) return;
          const [h1, h2] = fingerprint(next);
          if (visited.add(h1, h2)) {
            store.add(row, ran);
            if (probes.size < 256) probes.set(`${h1}:${h2}`, next);
            return;
          }
          const probe = audits < auditsPerDepth ? probes.get(`${h1}:${h2}`) : undefined;
          if (probe && probe !== next) {
            audits++;
            if (behaviour(probe) !== behaviour(next)) {
              throw new NotVerifiableError(
                `design ${design.name} cannot be verified: two states with the same fingerprint behave differently (reached by ${describePath(store.path(row), ran)}); its server's fingerprint() leaves out state that serve, revoke or free act on`,
              );
            }
          }
        });
        if (opts.target && violations.has(opts.target)) stoppedBy = 'target found';
        else if (opts.maxTransitions !== undefined && transitions >= opts.maxTransitions) stoppedBy = 'budget';
        if (stoppedBy) break;
      }
    }
    if (stoppedBy === null) {
      depthDone = d + 1;
      statesPerDepth.push(store.size - nextFrom);
      layer = { from: nextFrom, to: store.size };
      opts.onDepth?.({ depth: depthDone, states: visited.size, transitions });
      if (violations.size === invariants.length) break;
    }
  }
  return {
    depthDone,
    depth: opts.depth,
    states: visited.size,
    statesPerDepth,
    transitions,
    violations: [...violations.values()],
    stoppedBy,
    symmetry: symmetric,
    bytes: { visited: visited.bytes, store: store.bytes },
  };
}
