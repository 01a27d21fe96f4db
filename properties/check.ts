import { configProblems, DEFAULT_CONFIG, designNamed, DESIGNS, PROFILE_NAMES, type Design, type ProfileName, type WorldConfig } from '../model/index.ts';
import type { Invariant } from './invariant.ts';
import { INVARIANTS } from './invariants/index.ts';
import { paranoid } from './invariants/paranoid.ts';
import { DEFAULT_SEARCH, searchCell, type CellResult, type SearchOptions } from './search.ts';

/** What to check: designs (objects or registered names) on kernel profiles. */
export interface CheckOptions extends Partial<Omit<SearchOptions, 'onRun'>> {
  readonly designs?: ReadonlyArray<Design | string>;
  readonly profiles?: readonly ProfileName[];
  readonly config?: Partial<WorldConfig>;
  readonly invariants?: readonly Invariant[];
  /** Re-check the whole mapping database after every step instead of only what the step touched. */
  readonly paranoid?: boolean;
  /** Search only this deterministic slice of the matrix (1-based index of `count` slices). */
  readonly shard?: Shard;
  /** Called before each cell and after each of its runs. */
  readonly onProgress?: (p: { cell: number; cells: number; design: string; profile: ProfileName; runs: number }) => void;
}

export interface CheckResult {
  readonly config: WorldConfig;
  readonly options: { readonly runs: number; readonly maxCommands: number; readonly seed: number };
  readonly cells: readonly CellResult[];
  readonly interrupted: boolean;
}

/** One slice of the matrix: slice `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * The design x profile cells to search: every requested design on every requested profile it
 * supports, in matrix order (designs as given, profiles in registry order). A shard takes every `count`-th cell from its `index`: the slices
 * are disjoint, cover the matrix, and balance designs across machines. Each cell's seed
 * derives from the run seed and its own name, so it gives the same result in any slice.
 */
export function cellsOf(designs: readonly Design[], profiles: readonly ProfileName[], shard?: Shard): Array<{ design: Design; profile: ProfileName }> {
  // Profiles in registry order, whatever order they were asked in: shards and merges rely on one order.
  const ordered = PROFILE_NAMES.filter((p) => profiles.includes(p));
  const all = designs.flatMap((design) => ordered.filter((p) => design.supports(p)).map((profile) => ({ design, profile })));
  return shard ? all.filter((_, i) => i % shard.count === shard.index - 1) : all;
}

/** The full check options with defaults filled in and designs resolved; throws RangeError on bad input. */
export function planOf(opts: CheckOptions): { config: WorldConfig; search: { runs: number; maxCommands: number; seed: number }; cells: Array<{ design: Design; profile: ProfileName }>; invariants: readonly Invariant[] } {
  const config: WorldConfig = { ...DEFAULT_CONFIG, ...opts.config };
  const problems = configProblems(config);
  if (problems.length > 0) throw new RangeError(`bad world configuration: ${problems.join('; ')}`);
  if (opts.shard && !(Number.isInteger(opts.shard.count) && opts.shard.count >= 1 && Number.isInteger(opts.shard.index) && opts.shard.index >= 1 && opts.shard.index <= opts.shard.count)) {
    throw new RangeError(`bad shard ${opts.shard.index}/${opts.shard.count}: want i/n with 1 <= i <= n`);
  }
  const designs = (opts.designs ?? DESIGNS).map((d) => {
    if (typeof d !== 'string') return d;
    const found = designNamed(d);
    if (!found) throw new RangeError(`unknown design ${d}`);
    return found;
  });
  const invariants = opts.invariants ?? INVARIANTS;
  return {
    config,
    search: { runs: opts.runs ?? DEFAULT_SEARCH.runs, maxCommands: opts.maxCommands ?? DEFAULT_SEARCH.maxCommands, seed: opts.seed ?? DEFAULT_SEARCH.seed },
    cells: cellsOf(designs, opts.profiles ?? PROFILE_NAMES, opts.shard),
    invariants: opts.paranoid ? paranoid(invariants) : invariants,
  };
}

/** Searches one cell of a plan (shared by `check` and the worker threads). */
export function checkCell(plan: ReturnType<typeof planOf>, design: Design, profile: ProfileName, opts: Pick<CheckOptions, 'timeLimitMs' | 'weights' | 'shouldStop'>, onRun?: (runs: number) => void): CellResult {
  return searchCell(design, profile, plan.config, plan.invariants, {
    ...plan.search,
    ...(opts.timeLimitMs ? { timeLimitMs: opts.timeLimitMs } : {}),
    ...(opts.weights ? { weights: opts.weights } : {}),
    ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
    ...(onRun ? { onRun } : {}),
  });
}

/**
 * Searches every design on every profile and returns the findings and counts; writes nothing.
 * @example
 * const r = check({ designs: [myDesign], profiles: ['x2'], runs: 200 });
 * expect(r.cells.flatMap((c) => c.findings)).toEqual([]);
 */
export function check(opts: CheckOptions = {}): CheckResult {
  const plan = planOf(opts);
  const results: CellResult[] = [];
  let interrupted = false;
  for (const [i, { design, profile }] of plan.cells.entries()) {
    if (opts.shouldStop?.()) {
      interrupted = true;
      break;
    }
    const progress = (runs: number) => opts.onProgress?.({ cell: i, cells: plan.cells.length, design: design.name, profile, runs });
    progress(0);
    const r = checkCell(plan, design, profile, opts, progress);
    results.push(r);
    if (r.interrupted) {
      interrupted = true;
      break;
    }
  }
  return { config: plan.config, options: plan.search, cells: results, interrupted };
}
