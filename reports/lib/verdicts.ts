import { match } from 'ts-pattern';
import { INVARIANTS, PROPERTIES, type BlockPart, type ExhaustiveSummary, type Property, type Shortest } from '../../properties/index.ts';

/** One counterexample as the run record keeps it. */
export interface RecordedFinding {
  readonly invariant: string;
  /** The seed block of the cell that found it. */
  readonly block: number;
  readonly step: number;
  readonly length: number;
  readonly message: string;
  readonly file: string;
  readonly shortest: Shortest;
  /** Why it is not certified shortest: the certification stopped at the time limit or an interrupt. */
  readonly notCertified?: 'time limit' | 'interrupted';
  /** The run of its seed block (1-based) that met it, for the random search. */
  readonly run?: number;
}

/** One design x profile cell as the run record keeps it. */
export interface RecordedCell extends BlockPart<RecordedFinding> {
  readonly design: string;
  readonly profile: string;
  /** How deep an exhaustive search got (absent for the random search). */
  readonly exhaustive?: ExhaustiveSummary;
}

/** The verdict of one property in one design x profile cell. */
export type CellVerdict =
  | { readonly kind: 'violated'; readonly finding: RecordedFinding }
  /** The random search found nothing in `runs` runs, and every invariant was put to the test often enough. */
  | { readonly kind: 'holds'; readonly nonVacuousChecks: number; readonly runs: number }
  /** No counterexample, but the invariant was too rarely put to the test to call it holding (`share` 0: never, in any run). */
  | { readonly kind: 'insufficient-evidence'; readonly invariant: string; readonly share: number; readonly lowerBound: number; readonly required: number }
  /** The exhaustive search judged every command sequence of up to `depth` commands and found no violation. */
  | { readonly kind: 'verified'; readonly depth: number; readonly states: number; readonly transitions: number }
  /** The exhaustive search stopped at `depthDone` of `depth`: no violation up to there. */
  | { readonly kind: 'depth-limited'; readonly depthDone: number; readonly depth: number; readonly reason: string };

/** Lower end of the 95% Wilson score interval for `k` successes in `n` trials. Pure. */
export function wilsonLower(k: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = p + (z * z) / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return Math.max(0, (centre - margin) / d);
}

/**
 * Judges one property of one cell: violated if any of its invariants was. Otherwise, for an
 * exhaustive search, verified to its depth (or to the depth it reached); for the random search,
 * holds only if every invariant met its coverage requirement with 95% confidence (QuickCheck's
 * `checkCoverage` idea), else insufficient evidence.
 */
export function verdictOf(cell: RecordedCell, property: Property): CellVerdict {
  const invs = INVARIANTS.filter((i) => i.property === property);
  // Of the property's findings the shortest stands for it (the first found of equal length).
  const f = cell.findings.filter((x) => invs.some((i) => i.name === x.invariant)).reduce<RecordedFinding | undefined>((best, x) => (best === undefined || x.length < best.length ? x : best), undefined);
  if (f) return { kind: 'violated', finding: f };
  const e = cell.exhaustive;
  if (e) {
    if (e.depthDone >= e.depth) return { kind: 'verified', depth: e.depth, states: e.states, transitions: e.transitions };
    return { kind: 'depth-limited', depthDone: e.depthDone, depth: e.depth, reason: cell.timedOut ? 'time limit' : cell.interrupted ? 'interrupted' : e.memoryLimited ? 'memory limit' : 'stopped' };
  }
  let checks = 0;
  for (const inv of invs) {
    const c = cell.stats.invariants[inv.name];
    if (!c) continue;
    checks += c.holds;
    const lower = wilsonLower(c.runsNonVacuous, cell.stats.runs);
    // Never checked non-vacuously in runs that were made: whatever its required share, that is no evidence it holds.
    if ((inv.minNonVacuousShare > 0 && lower < inv.minNonVacuousShare) || (cell.stats.runs > 0 && c.runsNonVacuous === 0)) {
      return { kind: 'insufficient-evidence', invariant: inv.name, share: cell.stats.runs ? c.runsNonVacuous / cell.stats.runs : 0, lowerBound: lower, required: inv.minNonVacuousShare };
    }
  }
  return { kind: 'holds', nonVacuousChecks: checks, runs: cell.stats.runs };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** Short text of a verdict for the terminal matrix. */
export const showVerdict = (v: CellVerdict): string =>
  match(v)
    .with({ kind: 'violated' }, (x) => `VIOLATED (${x.finding.length} steps${x.finding.shortest === true ? ', shortest' : ''})`)
    .with({ kind: 'holds' }, (x) => `holds (${x.nonVacuousChecks})`)
    // The bound compared, not the share seen: a share of 100% in 3 runs still falls short of 50%.
    .with({ kind: 'insufficient-evidence', share: 0 }, (x) => `vacuous (${x.invariant} never checked)`)
    .with({ kind: 'insufficient-evidence' }, (x) => `thin (≥${pct(x.lowerBound)} < ${pct(x.required)})`)
    .with({ kind: 'verified' }, (x) => `verified to depth ${x.depth}`)
    .with({ kind: 'depth-limited' }, (x) => `depth ${x.depthDone} of ${x.depth} (${x.reason})`)
    .exhaustive();

export { PROPERTIES };
