import { sumStats, type CellStats } from './stats.ts';

/** What a search of some seed blocks of one cell left: the in-process result and the run record's cell both have this shape. */
export interface BlockPart<F> {
  /** The seed blocks covered, ascending. */
  readonly blocks: readonly number[];
  readonly findings: readonly F[];
  readonly stats: CellStats;
  /** A stop (interrupt) or a lost block left part of the budget unsearched. */
  readonly interrupted: boolean;
  /** The time limit cut a search round short, so fewer runs were made than budgeted. */
  readonly timedOut: boolean;
}

/**
 * Joins the results of seed blocks of one cell into one, whatever process or machine searched
 * each: counts add up, and of the findings of one invariant the lowest block's is kept (every
 * block searches every invariant, so later blocks often find again what block 0 found). The
 * join is associative and ignores the order of its parts, which is what makes a sharded run
 * merge into exactly the unsharded one.
 */
export function joinBlocks<F extends { readonly block: number }>(parts: ReadonlyArray<BlockPart<F>>, invariantOf: (f: F) => string): BlockPart<F> {
  const blocks = parts.flatMap((p) => p.blocks).sort((a, b) => a - b);
  const seen = new Set<string>();
  const findings: F[] = [];
  // A stable sort: one block's findings keep their order of discovery.
  for (const f of parts.flatMap((p) => p.findings).sort((a, b) => a.block - b.block)) {
    const inv = invariantOf(f);
    if (seen.has(inv)) continue;
    seen.add(inv);
    findings.push(f);
  }
  return { blocks, findings, stats: sumStats(parts.map((p) => p.stats)), interrupted: parts.some((p) => p.interrupted), timedOut: parts.some((p) => p.timedOut) };
}
