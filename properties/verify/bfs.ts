import { World, type Command, type Design, type ProfileName, type WorldConfig } from '../../model/index.ts';
import type { Invariant } from '../invariant.ts';
import type { Violation } from '../trace.ts';
import { commandAt, expand, NotVerifiableError, SearchSpace, type Expansion } from './expand.ts';
import { symmetryBreach } from './symmetry.ts';
import { PathCache, StateStore } from './store.ts';
import { FingerprintSet } from './visited.ts';

export { PathCache, StateStore } from './store.ts';
export { MAX_SYMMETRIC_CLIENTS, NotVerifiableError, permutations, SearchSpace } from './expand.ts';

/** What an exhaustive search may do and when it stops. */
export interface ExhaustiveOptions {
  /** Longest command sequence to explore: every path of up to `depth` commands is judged. */
  readonly depth: number;
  /** Count states equal up to a renaming of clients once (only for designs declared `symmetric`; default on). */
  readonly symmetry?: boolean;
  /** Stop as soon as this invariant is violated (the search for a shorter counterexample). */
  readonly target?: string;
  /** Stop once the search has judged this many transitions (checked after each state): a budget that does not depend on speed. */
  readonly maxTransitions?: number;
  /** Polled between states; true stops the search (time limit, interrupt). */
  readonly shouldStop?: () => boolean;
  /**
   * A slice of the search for one machine (`index` from 1): every shard searches the first
   * `SHARD_DEPTH` commands alike, then keeps of the states that many commands reach those whose
   * fingerprint falls to it, and searches on from them alone. States equal up to a renaming of
   * clients have one fingerprint, so each falls to exactly one shard.
   */
  readonly shard?: { readonly index: number; readonly count: number };
  /**
   * Stop cleanly (`stoppedBy: 'memory'`, at the last whole depth) before the fingerprint table
   * and the stored states would pass this many bytes: a search that runs out of memory ends with
   * its record and its counterexamples instead of being killed.
   */
  readonly maxBytes?: number;
  /** Told of each invariant's first violation as it is found, with the counts at that moment (so it can be saved at once). */
  readonly onViolation?: (v: ExhaustiveViolation) => void;
  /** Told after each depth is done. */
  readonly onDepth?: (p: DepthProgress) => void;
  /**
   * How many times per depth to check that two states with the same fingerprint behave alike
   * (default 16; 0 turns the check off): a design whose fingerprint leaves out state it acts on
   * is refused instead of verified wrongly.
   */
  readonly audits?: number;
  /**
   * States per depth, spread over each layer, at which a design declared `symmetric` is held to
   * its claim (see `symmetryBreach`; default 6, 0 turns it off): a design that treats one client
   * apart is refused instead of verified wrongly.
   */
  readonly symmetryAudits?: number;
  /**
   * Do not start a depth whose transitions, estimated from the depth before, would overrun
   * `maxTransitions`: stop at the last whole depth instead (a pure function of the counts, so
   * still deterministic).
   */
  readonly estimateLayers?: boolean;
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
  /** Distinct states and transitions judged when it was found. */
  readonly found: { readonly states: number; readonly transitions: number };
}

/** Why a search ended before its depth. */
export type StopReason = 'target found' | 'budget' | 'stopped' | 'memory';

/** Commands every shard searches alike before the states reached are divided (see `ExhaustiveOptions.shard`). */
export const SHARD_DEPTH = 3;

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
  /** The slice searched, and the depth from which the states were divided among the shards. */
  readonly shard?: { readonly index: number; readonly count: number; readonly depth: number };
}

/** States per depth at which a symmetric design's claim is audited. */
const SYMMETRY_AUDITS = 6;

/**
 * `symmetryBreach`, remembered per design for the cell, invariants and path: the certifications
 * of one cell's findings search the same first layers and sample the same states, which each
 * would audit again. The answer is a function of these (replay is deterministic), so
 * remembering it changes no result.
 */
const symmetryAudits = new WeakMap<Design, Map<string, string | null>>();
const MAX_REMEMBERED_AUDITS = 20_000;
function auditedSymmetry(space: SearchSpace, path: readonly Command[]): string | null {
  let known = symmetryAudits.get(space.design);
  if (!known) symmetryAudits.set(space.design, (known = new Map()));
  const key = JSON.stringify([space.profile, space.config, space.invariants.map((i) => i.name), path]);
  const seen = known.get(key);
  if (seen !== undefined) return seen;
  const breach = symmetryBreach(space, path);
  if (known.size >= MAX_REMEMBERED_AUDITS) known.clear();
  known.set(key, breach);
  return breach;
}

/**
 * Breadth-first search bookkeeping: the visited fingerprints, the stored states, the layer in
 * hand, the first violation of each invariant, and the audit of fingerprints. Expansions come in
 * from this thread or from workers; merged in row order, they give the same result either way.
 */
export class BreadthFirst {
  readonly visited = new FingerprintSet();
  readonly store = new StateStore();
  private readonly cache: PathCache;
  private readonly auditCache: PathCache;
  private readonly violations = new Map<string, ExhaustiveViolation>();
  /** The first states found, by fingerprint: a later state with the same fingerprint is compared with them. */
  private readonly probes = new Map<string, number>();
  readonly statesPerDepth = [1];
  transitions = 0;
  depthDone = 0;
  stoppedBy: StopReason | null = null;
  layer = { from: 0, to: 1 };
  private nextFrom = 1;
  private audits = 0;
  private readonly auditsPerDepth: number;

  constructor(
    readonly space: SearchSpace,
    readonly opts: ExhaustiveOptions,
  ) {
    this.cache = new PathCache(space);
    this.auditCache = new PathCache(space);
    this.auditsPerDepth = opts.audits ?? 16;
    const h = new Uint32Array(2);
    space.fingerprint(space.root, h, 0);
    this.visited.add(h[0]!, h[1]!);
    this.probes.set(`${h[0]}:${h[1]}`, 0);
    this.auditSymmetry([0]);
  }

  /** Holds a design declared symmetric to its claim at the states of `rows` (see `symmetryBreach`). */
  private auditSymmetry(rows: readonly number[]): void {
    if (!this.space.symmetric) return;
    for (const row of rows) {
      const breach = auditedSymmetry(this.space, this.path(row));
      if (breach) {
        throw new NotVerifiableError(
          `design ${this.space.design.name} is declared symmetric but treats clients apart: ${breach}; declare symmetric: false (or search with --no-symmetry)`,
        );
      }
    }
  }

  /** True while the layer in hand is to be expanded. */
  get going(): boolean {
    return this.stoppedBy === null && this.depthDone < this.opts.depth;
  }

  /** Whether the states this layer reaches are hashed and stored. */
  get keep(): boolean {
    return this.depthDone < this.opts.depth - 1 || this.opts.countLastDepth !== false;
  }

  /** Per invariant of the search, whether its first violation is still to be found (messages are kept only for those). */
  get open(): boolean[] {
    return this.space.invariants.map((i) => !this.violations.has(i.name));
  }

  /** The world of a stored state. */
  world(row: number): World {
    return this.worldVia(this.cache, row);
  }

  private worldVia(cache: PathCache, row: number): World {
    return row === 0 ? this.space.root : cache.world(this.store.steps(row));
  }

  /** The commands from the initial state to a stored state. */
  path(row: number): Command[] {
    return this.auditCache.commands(this.store.steps(row));
  }

  /** False for a state this shard leaves to another: at `SHARD_DEPTH` a state falls to one shard by its fingerprint. */
  private ours(h1: number): boolean {
    const s = this.opts.shard;
    return !s || this.depthDone + 1 !== Math.min(SHARD_DEPTH, this.opts.depth) || h1 % s.count === s.index - 1;
  }

  /** Takes in what the transitions of `row` led to; stops at the target or past the budget. */
  merge(row: number, e: Expansion): void {
    if (this.stoppedBy) return;
    // States reached now are expanded next unless the next depth is the last.
    const stored = this.depthDone + 1 < this.opts.depth;
    for (let i = 0; i < e.count; i++) {
      this.transitions++;
      const bad = e.violated[i]!;
      if (bad >= 0) {
        const name = this.space.invariants[bad]!.name;
        if (!this.violations.has(name)) {
          const v: ExhaustiveViolation = {
            violation: { invariant: name, step: this.depthDone, message: e.messages[i]! },
            commands: [...this.path(row), commandAt(e, i)],
            found: { states: this.visited.size, transitions: this.transitions },
          };
          this.violations.set(name, v);
          this.opts.onViolation?.(v);
        }
        continue;
      }
      if (!this.keep) continue;
      const h1 = e.hashes[2 * i]!;
      const h2 = e.hashes[2 * i + 1]!;
      if (!this.ours(h1 >>> 0)) continue;
      if (this.visited.add(h1, h2)) {
        this.reached++;
        if (!stored) continue;
        const added = this.store.add(row, i);
        if (this.probes.size < 256) this.probes.set(`${h1}:${h2}`, added);
        continue;
      }
      const probe = this.audits < this.auditsPerDepth ? this.probes.get(`${h1}:${h2}`) : undefined;
      if (probe !== undefined) this.audit(probe, row, commandAt(e, i));
    }
    if (this.opts.target && this.violations.has(this.opts.target)) this.stoppedBy = 'target found';
    else if (this.opts.maxTransitions !== undefined && this.transitions >= this.opts.maxTransitions) this.stoppedBy = 'budget';
    else if (this.opts.maxBytes !== undefined && this.bytes > this.opts.maxBytes) this.stoppedBy = 'memory';
  }

  /** States first reached in the depth being searched. */
  private reached = 0;

  /** Bytes the fingerprint table and the stored states hold. */
  get bytes(): number {
    return this.visited.bytes + this.store.bytes;
  }

  /** Compares what two states with one fingerprint do next: the stored `probe`, and `row` then `command`. */
  private audit(probe: number, row: number, command: Command): void {
    this.audits++;
    const stored = this.worldVia(this.auditCache, probe).clone();
    const reached = this.worldVia(this.auditCache, row).clone();
    reached.step(command);
    const behaviour = (w: World) => {
      const e = expand(this.space, w, true);
      const out: string[] = [];
      for (let i = 0; i < e.count; i++) out.push(e.violated[i]! >= 0 ? `!${e.violated[i]}` : `${e.hashes[2 * i]}:${e.hashes[2 * i + 1]}`);
      return out.sort().join(' ');
    };
    if (behaviour(stored) !== behaviour(reached)) {
      throw new NotVerifiableError(
        `design ${this.space.design.name} cannot be verified: two states with the same fingerprint behave differently (reached by ${[...this.path(row), command].map((c) => c.kind).join(', ')}); its server's fingerprint() leaves out state that serve, revoke or free act on`,
      );
    }
  }

  /** Closes the layer in hand: its states are all expanded. */
  finishLayer(): void {
    if (this.stoppedBy) return;
    this.depthDone++;
    this.statesPerDepth.push(this.reached);
    this.reached = 0;
    this.layer = { from: this.nextFrom, to: this.store.size };
    this.nextFrom = this.store.size;
    this.audits = 0;
    // States spread over the new layer, so that the audit meets clients in every role the search does.
    const size = this.layer.to - this.layer.from;
    const k = Math.min(this.opts.symmetryAudits ?? SYMMETRY_AUDITS, size);
    this.auditSymmetry(Array.from({ length: k }, (_, i) => this.layer.from + Math.floor((i * size) / k)));
    this.opts.onDepth?.({ depth: this.depthDone, states: this.visited.size, transitions: this.transitions });
    // Every invariant is violated: nothing is left to look for deeper.
    if (this.violations.size === this.space.invariants.length) this.halted = true;
    // The next depth costs about its states times the transitions per state of this one.
    const states = this.layer.to - this.layer.from;
    const perState = this.lastLayerTransitions / Math.max(1, this.statesPerDepth[this.depthDone - 1] ?? 1);
    if (this.opts.estimateLayers && this.opts.maxTransitions !== undefined && this.depthDone < this.opts.depth && this.transitions + states * perState > this.opts.maxTransitions) {
      this.stoppedBy = 'budget';
    }
    this.layerStart = this.transitions;
  }

  /** True once every invariant is violated. */
  halted = false;
  private layerStart = 0;
  private get lastLayerTransitions(): number {
    return this.transitions - this.layerStart;
  }

  result(): ExhaustiveResult {
    return {
      depthDone: this.depthDone,
      depth: this.opts.depth,
      states: this.visited.size,
      statesPerDepth: this.statesPerDepth,
      transitions: this.transitions,
      violations: [...this.violations.values()],
      stoppedBy: this.stoppedBy,
      symmetry: this.space.symmetric,
      bytes: { visited: this.visited.bytes, store: this.store.bytes },
      ...(this.opts.shard ? { shard: { ...this.opts.shard, depth: Math.min(SHARD_DEPTH, this.opts.depth) } } : {}),
    };
  }
}

/**
 * Breadth-first search over every command sequence a world accepts, to a depth: states are
 * deduplicated by a 64-bit hash of their canonical fingerprint (with clients renamed to the
 * least fingerprint when the design is symmetric), a transition that violates an invariant ends
 * its path, and the first violation of each invariant is the shortest there is. Deterministic:
 * the same options give the same result, in any process and with any number of workers.
 */
export function exhaustiveSearch(design: Design, profile: ProfileName, config: WorldConfig, invariants: readonly Invariant[], opts: ExhaustiveOptions): ExhaustiveResult {
  const bfs = new BreadthFirst(new SearchSpace(design, profile, config, invariants, opts.symmetry ?? true), opts);
  while (bfs.going && !bfs.halted) {
    for (let row = bfs.layer.from; row < bfs.layer.to && !bfs.stoppedBy; row++) {
      if (opts.shouldStop?.()) {
        bfs.stoppedBy = 'stopped';
        break;
      }
      bfs.merge(row, expand(bfs.space, bfs.world(row), bfs.keep, bfs.open));
    }
    bfs.finishLayer();
  }
  return bfs.result();
}

/** How long the search in this thread runs between yields to the event loop. */
const YIELD_EVERY_MS = 50;

/**
 * `exhaustiveSearch` in this thread that gives the event loop a turn every few tens of
 * milliseconds, so that signals (SIGINT, SIGTERM), timers and stream events reach the process
 * while it searches: `shouldStop` can then see them. The same states, counts and findings as
 * `exhaustiveSearch`, whatever the timing (yields change only when a stop is seen).
 */
export async function exhaustiveSearchYielding(design: Design, profile: ProfileName, config: WorldConfig, invariants: readonly Invariant[], opts: ExhaustiveOptions): Promise<ExhaustiveResult> {
  const bfs = new BreadthFirst(new SearchSpace(design, profile, config, invariants, opts.symmetry ?? true), opts);
  let yielded = performance.now();
  while (bfs.going && !bfs.halted) {
    for (let row = bfs.layer.from; row < bfs.layer.to && !bfs.stoppedBy; row++) {
      if (performance.now() - yielded > YIELD_EVERY_MS) {
        await new Promise((r) => setImmediate(r));
        yielded = performance.now();
      }
      if (opts.shouldStop?.()) {
        bfs.stoppedBy = 'stopped';
        break;
      }
      bfs.merge(row, expand(bfs.space, bfs.world(row), bfs.keep, bfs.open));
    }
    bfs.finishLayer();
  }
  return bfs.result();
}
