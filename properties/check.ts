import { designNamed, DESIGNS, PROFILE_NAMES, type Design, type ProfileName, type WorldConfig, DEFAULT_CONFIG, configProblems } from '../model/index.ts';
import type { Invariant } from './invariant.ts';
import { INVARIANTS } from './invariants/index.ts';
import { DEFAULT_SEARCH, searchCell, type CellResult, type SearchOptions } from './search.ts';

/** What to check: designs (objects or registered names) on kernel profiles. */
export interface CheckOptions extends Partial<Omit<SearchOptions, 'onRun'>> {
  readonly designs?: ReadonlyArray<Design | string>;
  readonly profiles?: readonly ProfileName[];
  readonly config?: Partial<WorldConfig>;
  readonly invariants?: readonly Invariant[];
  /** Called before each cell and after each of its runs. */
  readonly onProgress?: (p: { cell: number; cells: number; design: string; profile: ProfileName; runs: number }) => void;
}

export interface CheckResult {
  readonly config: WorldConfig;
  readonly options: { readonly runs: number; readonly maxCommands: number; readonly seed: number };
  readonly cells: readonly CellResult[];
  readonly interrupted: boolean;
}

/** The design x profile cells to search: every requested design on every requested profile it supports. */
export function cellsOf(designs: readonly Design[], profiles: readonly ProfileName[]): Array<{ design: Design; profile: ProfileName }> {
  return designs.flatMap((design) => profiles.filter((p) => design.supports(p)).map((profile) => ({ design, profile })));
}

/**
 * Searches every design on every profile and returns the findings and counts; writes nothing.
 * @example
 * const r = check({ designs: [myDesign], profiles: ['x2'], runs: 200 });
 * expect(r.cells.flatMap((c) => c.findings)).toEqual([]);
 */
export function check(opts: CheckOptions = {}): CheckResult {
  const config: WorldConfig = { ...DEFAULT_CONFIG, ...opts.config };
  const problems = configProblems(config);
  if (problems.length > 0) throw new RangeError(`bad world configuration: ${problems.join('; ')}`);
  const designs = (opts.designs ?? DESIGNS).map((d) => {
    if (typeof d !== 'string') return d;
    const found = designNamed(d);
    if (!found) throw new RangeError(`unknown design ${d}`);
    return found;
  });
  const cells = cellsOf(designs, opts.profiles ?? PROFILE_NAMES);
  const search = { runs: opts.runs ?? DEFAULT_SEARCH.runs, maxCommands: opts.maxCommands ?? DEFAULT_SEARCH.maxCommands, seed: opts.seed ?? DEFAULT_SEARCH.seed };
  const results: CellResult[] = [];
  let interrupted = false;
  for (const [i, { design, profile }] of cells.entries()) {
    if (opts.shouldStop?.()) {
      interrupted = true;
      break;
    }
    opts.onProgress?.({ cell: i, cells: cells.length, design: design.name, profile, runs: 0 });
    const r = searchCell(design, profile, config, opts.invariants ?? INVARIANTS, {
      ...search,
      ...(opts.timeLimitMs ? { timeLimitMs: opts.timeLimitMs } : {}),
      ...(opts.weights ? { weights: opts.weights } : {}),
      ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
      onRun: (runs) => opts.onProgress?.({ cell: i, cells: cells.length, design: design.name, profile, runs }),
    });
    results.push(r);
    if (r.interrupted) {
      interrupted = true;
      break;
    }
  }
  return { config, options: search, cells: results, interrupted };
}
