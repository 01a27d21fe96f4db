import { configProblems, DEFAULT_CONFIG, designNamed, DESIGNS, PROFILE_NAMES, type Design, type ProfileName, type WorldConfig } from '../model/index.ts';
import type { Invariant } from './invariant.ts';
import { INVARIANTS } from './invariants/index.ts';
import { paranoid } from './invariants/paranoid.ts';
import { joinBlocks } from './blocks.ts';
import { DEFAULT_SEARCH, searchCell, type CellResult, type Finding, type SearchOptions } from './search.ts';
import { DEFAULT_CERTIFY_TRANSITIONS } from './verify/certify.ts';
import { designFailure } from './workers/designs.ts';

/** What to check: designs (objects or registered names) on kernel profiles. */
export interface CheckOptions extends Partial<Omit<SearchOptions, 'onRun' | 'block' | 'deadline'>> {
  /** Each cell stops this many milliseconds after its first seed block started (results then depend on speed). */
  readonly timeLimitMs?: number;
  readonly designs?: ReadonlyArray<Design | string>;
  readonly profiles?: readonly ProfileName[];
  readonly config?: Partial<WorldConfig>;
  readonly invariants?: readonly Invariant[];
  /** Re-check the whole mapping database after every step instead of only what the step touched. */
  readonly paranoid?: boolean;
  /** A cell's runs are searched in seed blocks of this many runs, each with seeds of its own: the unit that workers and shards share out. */
  readonly blockRuns?: number;
  /** Search only this deterministic slice of the seed blocks of the matrix (1-based index of `count` slices). */
  readonly shard?: Shard;
  /** Called before each seed block and after each of its runs; `done` counts runs over the whole plan. */
  readonly onProgress?: (p: Progress) => void;
  /** Called with each finding as soon as its seed block is done (before the run ends: a caller can save it at once). */
  readonly onFinding?: (f: Finding) => void;
}

export interface Progress {
  readonly design: string;
  readonly profile: ProfileName;
  /** The block of the cell, 0-based, of `blocks`. */
  readonly block: number;
  readonly blocks: number;
  /** Runs done in this block. */
  readonly runs: number;
  /** Runs done, and planned, over every block of the plan. */
  readonly done: number;
  readonly total: number;
}

/** The budget a search had: runs of commands for the random search, a depth for the exhaustive one. */
export interface SearchBudget {
  readonly runs: number;
  readonly maxCommands: number;
  readonly seed: number;
  readonly blockRuns: number;
  readonly certifyTransitions: number;
  /** The exhaustive search's depth, and whether it counted states equal up to renamed clients once. */
  readonly depth?: number;
  readonly symmetry?: boolean;
  /** A time limit (per search round, or per cell for the exhaustive search), when one was set. */
  readonly timeLimitMs?: number;
}

export interface CheckResult {
  readonly search: 'random' | 'exhaustive';
  readonly config: WorldConfig;
  readonly options: SearchBudget;
  /** The matrix asked for: design names and profiles, in matrix order (what shards of one run must agree on). */
  readonly matrix: { readonly designs: readonly string[]; readonly profiles: readonly ProfileName[] };
  readonly shard?: Shard;
  readonly cells: readonly CellResult[];
  readonly interrupted: boolean;
}

/** One slice of the matrix: slice `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Up to this many runs of a cell share one seed block by default: the default run (300 runs a cell) is one block per cell. */
export const DEFAULT_BLOCK_RUNS = 10_000;
/** More blocks than this per cell would make run records long for no gain; a larger `blockRuns` is asked for instead. */
export const MAX_BLOCKS_PER_CELL = 10_000;

/** How many seed blocks a cell of `runs` runs has (at least one, so an empty budget still yields its cell). */
export const blocksPerCell = (runs: number, blockRuns: number): number => Math.max(1, Math.ceil(runs / blockRuns));

/** One seed block of one cell: the unit of work that threads and machines share out. */
export interface Unit {
  /** Index of the cell in the plan's (unsharded) cell list. */
  readonly cell: number;
  readonly design: Design;
  readonly profile: ProfileName;
  readonly block: number;
  readonly runs: number;
}

/**
 * The design x profile cells to search: every requested design on every requested profile it
 * supports, in matrix order (designs as given, profiles in registry order).
 */
export function cellsOf(designs: readonly Design[], profiles: readonly ProfileName[]): Array<{ design: Design; profile: ProfileName }> {
  // Profiles in registry order, whatever order they were asked in: shards and merges rely on one order.
  const ordered = PROFILE_NAMES.filter((p) => profiles.includes(p));
  return designs.flatMap((design) => ordered.filter((p) => design.supports(p)).map((profile) => ({ design, profile })));
}

/**
 * The seed blocks of every cell, cell by cell. A shard takes every `count`-th block from its
 * `index`: the slices are disjoint, cover the matrix and every cell's seeds, and balance designs
 * across machines. Each block's seeds derive from the run seed, its cell and its number, so it
 * gives the same result in any slice, thread or order.
 */
export function unitsOf(cells: ReadonlyArray<{ design: Design; profile: ProfileName }>, runs: number, blockRuns: number, shard?: Shard): Unit[] {
  const blocks = blocksPerCell(runs, blockRuns);
  const all = cells.flatMap(({ design, profile }, cell) => Array.from({ length: blocks }, (_, block) => ({ cell, design, profile, block, runs: Math.min(blockRuns, runs - block * blockRuns) })));
  return shard ? all.filter((_, i) => i % shard.count === shard.index - 1) : all;
}

export type Plan = ReturnType<typeof planOf>;

/** The full check options with defaults filled in and designs resolved; throws RangeError on bad input. */
export function planOf(opts: CheckOptions) {
  const config: WorldConfig = { ...DEFAULT_CONFIG, ...opts.config };
  const problems = configProblems(config, []);
  if (problems.length > 0) throw new RangeError(`bad world configuration: ${problems.join('; ')}`);
  if (opts.shard && !(Number.isInteger(opts.shard.count) && opts.shard.count >= 1 && Number.isInteger(opts.shard.index) && opts.shard.index >= 1 && opts.shard.index <= opts.shard.count)) {
    throw new RangeError(`bad shard ${opts.shard.index}/${opts.shard.count}: want i/n with 1 <= i <= n`);
  }
  const search = {
    runs: opts.runs ?? DEFAULT_SEARCH.runs,
    maxCommands: opts.maxCommands ?? DEFAULT_SEARCH.maxCommands,
    seed: opts.seed ?? DEFAULT_SEARCH.seed,
    blockRuns: opts.blockRuns ?? DEFAULT_BLOCK_RUNS,
    certifyTransitions: opts.certifyTransitions ?? DEFAULT_CERTIFY_TRANSITIONS,
  };
  if (!(Number.isSafeInteger(search.certifyTransitions) && search.certifyTransitions >= 0)) throw new RangeError(`bad certifyTransitions ${search.certifyTransitions}: want a whole number of transitions, 0 or more`);
  if (!(Number.isInteger(search.blockRuns) && search.blockRuns >= 1)) throw new RangeError(`bad blockRuns ${search.blockRuns}: want a whole number of runs, at least 1`);
  const blocks = blocksPerCell(search.runs, search.blockRuns);
  if (blocks > MAX_BLOCKS_PER_CELL) throw new RangeError(`${search.runs} runs in blocks of ${search.blockRuns} make ${blocks} blocks a cell, over ${MAX_BLOCKS_PER_CELL}; raise blockRuns (--block-runs)`);
  const designs = (opts.designs ?? DESIGNS).map((d) => {
    if (typeof d !== 'string') return d;
    const found = designNamed(d);
    if (!found) throw new RangeError(`unknown design ${d}`);
    return found;
  });
  const invariants = opts.invariants ?? INVARIANTS;
  const profiles = PROFILE_NAMES.filter((p) => (opts.profiles ?? PROFILE_NAMES).includes(p));
  const cells = cellsOf(designs, profiles);
  // Sizes bounded for the profiles of the cells only: x2's fpages do not care about superpages.
  const sized = configProblems(config, [...new Set(cells.map((c) => c.profile))]);
  if (sized.length > 0) throw new RangeError(`bad world configuration: ${sized.join('; ')}`);
  if (cells.length === 0) {
    const names = designs.map((d) => d.name).join(', ');
    throw new RangeError(`no cell to search: ${names || 'no design'} ${designs.length === 1 ? 'runs' : 'run'} on none of the profiles asked for (${profiles.join(', ') || 'none'})${designs.length === 1 ? `; ${names} runs on ${PROFILE_NAMES.filter((p) => designs[0]!.supports(p)).join(', ')}` : ''}`);
  }
  return {
    config,
    search: { ...search, ...(opts.timeLimitMs ? { timeLimitMs: opts.timeLimitMs } : {}) },
    matrix: { designs: designs.map((d) => d.name), profiles },
    ...(opts.shard ? { shard: opts.shard } : {}),
    cells,
    units: unitsOf(cells, search.runs, search.blockRuns, opts.shard),
    invariants: opts.paranoid ? paranoid(invariants) : invariants,
  };
}

/** Searches one seed block of a plan (shared by `check` and the worker threads). */
export function checkUnit(plan: Plan, unit: Unit, opts: Pick<CheckOptions, 'weights' | 'shouldStop'> & { readonly deadline?: number }, onRun?: (runs: number) => void): CellResult {
  return searchCell(unit.design, unit.profile, plan.config, plan.invariants, {
    runs: unit.runs,
    maxCommands: plan.search.maxCommands,
    seed: plan.search.seed,
    block: unit.block,
    certifyTransitions: plan.search.certifyTransitions,
    ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
    ...(opts.weights ? { weights: opts.weights } : {}),
    ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
    ...(onRun ? { onRun } : {}),
  });
}

/**
 * Joins seed-block results into the plan's cells as they arrive, in any order: the join does
 * not depend on order or grouping, so each cell keeps one running result and a run of many
 * blocks holds one result per cell, not one per block.
 */
export class CellJoin {
  private readonly cells = new Map<number, { planned: number; done: number; joined: CellResult | null }>();

  constructor(private readonly plan: Plan) {
    for (const u of plan.units) {
      const entry = this.cells.get(u.cell) ?? { planned: 0, done: 0, joined: null };
      entry.planned++;
      this.cells.set(u.cell, entry);
    }
  }

  /** Adds the result of `plan.units[unit]`. */
  add(unit: number, r: CellResult): void {
    const entry = this.cells.get(this.plan.units[unit]!.cell)!;
    entry.done++;
    const joined = joinBlocks(entry.joined ? [entry.joined, r] : [r], (f) => f.violation.invariant);
    entry.joined = { design: r.design, profile: r.profile, ...joined };
  }

  /** The cells in matrix order. A cell some of whose blocks never ran is marked interrupted; a cell none of whose blocks ran is left out. */
  result(): { cells: CellResult[]; interrupted: boolean } {
    const cells: CellResult[] = [];
    let interrupted = false;
    for (const [, { planned, done, joined }] of [...this.cells].sort(([a], [b]) => a - b)) {
      const partial = done < planned;
      interrupted ||= partial || (joined?.interrupted ?? false);
      if (joined) cells.push(partial ? { ...joined, interrupted: true } : joined);
    }
    return { cells, interrupted };
  }
}

/** Each cell's deadline: its time limit after its first seed block started. */
export class CellDeadlines {
  private readonly at = new Map<number, number>();
  constructor(private readonly limitMs: number | undefined) {}
  of(cell: number): number | undefined {
    if (this.limitMs === undefined) return undefined;
    let d = this.at.get(cell);
    if (d === undefined) this.at.set(cell, (d = Date.now() + this.limitMs));
    return d;
  }
}

/** The runs planned over every unit, and a progress reporter that adds up runs done. */
export function progressOf(plan: Plan, onProgress?: (p: Progress) => void): (unit: number, runs: number) => void {
  const total = plan.units.reduce((n, u) => n + u.runs, 0);
  const blocks = blocksPerCell(plan.search.runs, plan.search.blockRuns);
  const doneIn = new Map<number, number>();
  let done = 0;
  return (unit, runs) => {
    const u = plan.units[unit]!;
    done += runs - (doneIn.get(unit) ?? 0);
    doneIn.set(unit, runs);
    onProgress?.({ design: u.design.name, profile: u.profile, block: u.block, blocks, runs, done, total });
  };
}

/**
 * Searches every design on every profile and returns the findings and counts; writes nothing.
 * @example
 * const r = check({ designs: [myDesign], profiles: ['x2'], runs: 200 });
 * expect(r.cells.flatMap((c) => c.findings)).toEqual([]);
 */
export function check(opts: CheckOptions = {}): CheckResult {
  const plan = planOf(opts);
  const join = new CellJoin(plan);
  const progress = progressOf(plan, opts.onProgress);
  const deadlines = new CellDeadlines(opts.timeLimitMs);
  for (const [i, unit] of plan.units.entries()) {
    if (opts.shouldStop?.()) break;
    progress(i, 0);
    const deadline = deadlines.of(unit.cell);
    let r: CellResult;
    try {
      r = checkUnit(plan, unit, { ...opts, ...(deadline !== undefined ? { deadline } : {}) }, (runs) => progress(i, runs));
    } catch (e) {
      throw designFailure(unit.design.name, e);
    }
    for (const f of r.findings) opts.onFinding?.(f);
    join.add(i, r);
    if (r.interrupted) break;
  }
  const { cells, interrupted } = join.result();
  return resultOf(plan, cells, interrupted);
}

/** The result of a random search of `plan`. */
export const resultOf = (plan: Plan, cells: readonly CellResult[], interrupted: boolean): CheckResult => ({
  search: 'random',
  config: plan.config,
  options: plan.search,
  matrix: plan.matrix,
  ...(plan.shard ? { shard: plan.shard } : {}),
  cells,
  interrupted,
});
