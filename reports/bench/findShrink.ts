import { DEFAULT_CONFIG, DESIGNS, PROFILE_NAMES, type Design, type ProfileName } from '../../model/index.ts';
import { cellsOf, DEFAULT_CERTIFY_TRANSITIONS, DEFAULT_SEARCH, INVARIANTS, searchCell } from '../../properties/index.ts';
import { median } from './measure.ts';

export interface FindShrink {
  readonly violation: string;
  /** Seeds (of those tried) in which the search found it. */
  readonly foundIn: number;
  readonly seeds: number;
  /** Median milliseconds from the start of the search round to the first failing run. */
  readonly findMs: number;
  /** Median milliseconds from that failure to the 1-minimal counterexample (fast-check's shrinking, then ours). */
  readonly shrinkMs: number;
  /** Milliseconds the exhaustive search took to certify it the shortest (or to find a shorter one), with the default seed and budget. */
  readonly certifyMs: number;
}

/** Times each phase of one cell's search; the search reports its phases, the benchmark reads the clock. */
function timeCell(design: Design, profile: ProfileName, seed: number, runs: number, certifyTransitions: number): Map<string, { find: number; shrink: number; certify: number }> {
  const out = new Map<string, { find: number; shrink: number; certify: number }>();
  let roundStart = 0;
  let failedAt = 0;
  let minimizedAt = 0;
  searchCell(design, profile, DEFAULT_CONFIG, INVARIANTS, {
    ...DEFAULT_SEARCH,
    runs,
    seed,
    certifyTransitions,
    onPhase: (e) => {
      const now = performance.now();
      if (e.kind === 'round') roundStart = now;
      else if (e.kind === 'failed') failedAt = now;
      else if (e.kind === 'minimized') {
        minimizedAt = now;
        out.set(e.invariant, { find: failedAt - roundStart, shrink: now - failedAt, certify: 0 });
      } else if (e.kind === 'certified') out.set(e.invariant, { ...out.get(e.invariant)!, certify: now - minimizedAt });
    },
  });
  return out;
}

/**
 * Time to find and to shrink every violation the default run finds, as the median over
 * `seeds` seeds starting with the default one. Cells the default seed finds nothing in are skipped.
 */
export function findAndShrink(seeds: number, runs = DEFAULT_SEARCH.runs, certifyTransitions = DEFAULT_CERTIFY_TRANSITIONS, onCell?: (done: number, cells: number) => void): FindShrink[] {
  const cells = cellsOf(DESIGNS, PROFILE_NAMES);
  const samples = new Map<string, Array<{ find: number; shrink: number; certify: number }>>();
  for (const [i, { design, profile }] of cells.entries()) {
    onCell?.(i, cells.length);
    // Certification with the default budget on the default seed only: it costs far more than finding.
    const first = timeCell(design, profile, DEFAULT_SEARCH.seed, runs, certifyTransitions);
    if (first.size === 0) continue;
    const key = (inv: string) => `${design.name}/${profile} ${inv}`;
    for (const [inv, t] of first) samples.set(key(inv), [t]);
    for (let s = 1; s < seeds; s++) for (const [inv, t] of timeCell(design, profile, DEFAULT_SEARCH.seed + s, runs, 0)) samples.get(key(inv))?.push(t);
  }
  return [...samples].map(([violation, ts]) => ({ violation, foundIn: ts.length, seeds, findMs: median(ts.map((t) => t.find)), shrinkMs: median(ts.map((t) => t.shrink)), certifyMs: ts[0]!.certify }));
}
