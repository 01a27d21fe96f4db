import { configProblems, designNamed, DESIGNS, PROFILE_NAMES, VERIFY_CONFIG, type Design, type ProfileName, type WorldConfig } from '../../model/index.ts';
import { cellsOf, type CheckResult, type Shard } from '../check.ts';
import type { Invariant } from '../invariant.ts';
import { INVARIANTS } from '../invariants/index.ts';
import { paranoid as fullChecks } from '../invariants/paranoid.ts';
import { emptyStats } from '../stats.ts';
import type { CellResult, Finding } from '../search.ts';
import { totalmem } from 'node:os';
import { MAX_SYMMETRIC_CLIENTS, type DepthProgress, type ExhaustiveViolation } from './bfs.ts';
import { designFailure } from '../workers/designs.ts';
import { exhaustiveSearchPooled } from './pool.ts';

/** The depth `verify` searches to unless told otherwise: every sequence of four commands. */
export const DEFAULT_VERIFY_DEPTH = 4;

export interface VerifyOptions {
  readonly designs?: ReadonlyArray<Design | string>;
  readonly profiles?: readonly ProfileName[];
  readonly config?: Partial<WorldConfig>;
  readonly depth?: number;
  /** Stops each cell's search after this many milliseconds (the cell then says how deep it got). */
  readonly timeLimitMs?: number;
  /** Count states equal up to renamed clients once (default on, for designs declared symmetric). */
  readonly symmetry?: boolean;
  /** Search only slice `index` of `count` of each cell's first commands (for several machines; `report` merges them). */
  readonly shard?: Shard;
  /** Worker threads sharing each layer (registered designs only). */
  readonly workers?: number;
  readonly invariants?: readonly Invariant[];
  readonly paranoid?: boolean;
  /** Polled between states; true stops every search (interrupts). */
  readonly shouldStop?: () => boolean;
  /** Each cell stops cleanly at its last whole depth before its fingerprint table and stored states pass this many bytes (default `DEFAULT_VERIFY_BYTES`). */
  readonly maxBytes?: number;
  /** Told of each finding as the search finds it (before the cell ends), so that it can be saved at once. */
  readonly onFinding?: (f: Finding) => void;
  readonly onCell?: (p: { readonly design: string; readonly profile: ProfileName; readonly cell: number; readonly cells: number }) => void;
  readonly onDepth?: (p: DepthProgress & { readonly design: string; readonly profile: ProfileName }) => void;
}

/** The verify plan: options with defaults filled in and designs resolved; throws RangeError on bad input. */
export function verifyPlan(opts: VerifyOptions) {
  const config: WorldConfig = { ...VERIFY_CONFIG, ...opts.config };
  const problems = configProblems(config, []);
  if (problems.length > 0) throw new RangeError(`bad world configuration: ${problems.join('; ')}`);
  const depth = opts.depth ?? DEFAULT_VERIFY_DEPTH;
  // Depth 0 judges no transition: it would verify everything while checking nothing.
  if (!(Number.isInteger(depth) && depth >= 1 && depth <= 64)) throw new RangeError(`bad depth ${depth}: want a whole number from 1 to 64 (depth 0 checks nothing)`);
  const designs = (opts.designs ?? DESIGNS).map((d) => {
    if (typeof d !== 'string') return d;
    const found = designNamed(d);
    if (!found) throw new RangeError(`unknown design ${d}`);
    return found;
  });
  const profiles = PROFILE_NAMES.filter((p) => (opts.profiles ?? PROFILE_NAMES).includes(p));
  const cells = cellsOf(designs, profiles);
  // Sizes bounded for the profiles of the cells only: x2's fpages do not care about superpages.
  const sized = configProblems(config, [...new Set(cells.map((c) => c.profile))]);
  if (sized.length > 0) throw new RangeError(`bad world configuration: ${sized.join('; ')}`);
  if (cells.length === 0) throw new RangeError(`no cell to search: ${designs.map((d) => d.name).join(', ')} on none of ${profiles.join(', ')}`);
  const invariants = opts.invariants ?? INVARIANTS;
  return { config, depth, designs, profiles, cells, invariants: opts.paranoid ? fullChecks(invariants) : invariants };
}

/**
 * Whether the search counts states equal up to renamed clients once: as asked (default on), but
 * never for more than `MAX_SYMMETRIC_CLIENTS` clients (the renamings would outnumber the savings),
 * so that the record and the reports never say on when it was off.
 */
export function symmetryIn(config: WorldConfig, asked: boolean | undefined): boolean {
  return (asked ?? true) && config.clients <= MAX_SYMMETRIC_CLIENTS;
}

/** The memory a cell's search may hold by default: a quarter of this machine's, at most 4 GiB. */
export const DEFAULT_VERIFY_BYTES = Math.min(4 * 2 ** 30, Math.floor(totalmem() / 4));

/** The finding of one violation an exhaustive search met: the shortest counterexample of its invariant. */
function findingOf(design: string, profile: ProfileName, config: WorldConfig, checked: readonly Invariant[], v: ExhaustiveViolation): Finding {
  return {
    design,
    profile,
    config,
    checked: checked.map((i) => i.name),
    violation: v.violation,
    commands: v.commands,
    block: 0,
    shortest: true,
    certified: { depth: v.commands.length - 1, transitions: v.found.transitions },
    provenance: { search: 'exhaustive', states: v.found.states, transitions: v.found.transitions },
  };
}

/**
 * Searches every design x profile cell exhaustively to a depth, one cell after another (each
 * cell's layers shared over the workers). Every cell answers verified to the depth, violated
 * with the shortest counterexample of each invariant, or the depth it reached when stopped.
 */
export async function verify(opts: VerifyOptions = {}): Promise<CheckResult> {
  const plan = verifyPlan(opts);
  const cells: CellResult[] = [];
  let interrupted = false;
  for (const [i, { design, profile }] of plan.cells.entries()) {
    if (opts.shouldStop?.()) {
      interrupted = true;
      break;
    }
    opts.onCell?.({ design: design.name, profile, cell: i, cells: plan.cells.length });
    const started = opts.timeLimitMs ? Date.now() : 0;
    let timedOut = false;
    const r = await exhaustiveSearchPooled(design, profile, plan.config, plan.invariants, {
      depth: plan.depth,
      workers: opts.workers ?? 1,
      paranoid: opts.paranoid ?? false,
      ...(opts.symmetry === undefined ? {} : { symmetry: opts.symmetry }),
      ...(opts.shard ? { shard: opts.shard } : {}),
      maxBytes: opts.maxBytes ?? DEFAULT_VERIFY_BYTES,
      ...(opts.onFinding ? { onViolation: (v: ExhaustiveViolation) => opts.onFinding!(findingOf(design.name, profile, plan.config, plan.invariants, v)) } : {}),
      shouldStop: () => {
        if (opts.shouldStop?.()) return true;
        timedOut ||= opts.timeLimitMs !== undefined && Date.now() - started > opts.timeLimitMs;
        return timedOut;
      },
      ...(opts.onDepth ? { onDepth: (p: DepthProgress) => opts.onDepth!({ ...p, design: design.name, profile }) } : {}),
    }).catch((e: unknown) => {
      throw designFailure(design.name, e);
    });
    const stopped = r.stoppedBy === 'stopped' && !timedOut;
    interrupted ||= stopped;
    cells.push({
      design: design.name,
      profile,
      blocks: [0],
      findings: r.violations.map((v) => findingOf(design.name, profile, plan.config, plan.invariants, v)),
      stats: emptyStats(plan.invariants),
      interrupted: stopped,
      timedOut,
      exhaustive: { depth: plan.depth, depthDone: r.depthDone, states: r.states, statesPerDepth: r.statesPerDepth, transitions: r.transitions, symmetry: r.symmetry, ...(r.stoppedBy === 'memory' ? { memoryLimited: true as const } : {}) },
    });
    if (stopped) break;
  }
  return {
    search: 'exhaustive',
    config: plan.config,
    options: { runs: 0, maxCommands: plan.depth, seed: 0, blockRuns: 1, certifyTransitions: 0, depth: plan.depth, symmetry: symmetryIn(plan.config, opts.symmetry), ...(opts.timeLimitMs ? { timeLimitMs: opts.timeLimitMs } : {}) },
    matrix: { designs: plan.designs.map((d) => d.name), profiles: plan.profiles },
    ...(opts.shard ? { shard: opts.shard } : {}),
    cells,
    interrupted,
  };
}
