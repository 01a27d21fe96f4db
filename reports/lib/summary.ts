import { matrixCells, type RunRecord } from './record.ts';
import type { RecordedCell } from './verdicts.ts';
import { SHARD_DEPTH } from '../../properties/index.ts';

export const n = (x: number): string => x.toLocaleString('en-US');

/** One line on what the run searched: its kind and budget, and what was actually done. Pure. */
export function headline(run: RunRecord): string {
  if (run.search === 'exhaustive') {
    const done = run.cells.map((c) => c.exhaustive?.depthDone ?? 0);
    const [lo, hi] = [Math.min(...done), Math.max(...done)];
    const reached = done.length === 0 ? '' : lo === run.depth ? `, every cell to depth ${run.depth}` : lo === hi ? `, every cell to depth ${lo} of ${run.depth}` : `, cells to depth ${lo}..${hi}`;
    return `exhaustive search to depth ${run.depth}${run.symmetry === false ? ' (no symmetry reduction)' : ''}${run.timeLimit ? `, ${run.timeLimit} s a cell` : ''}: ${run.cells.length} of ${matrixCells(run.matrix, run.cells).length} cells${reached}`;
  }
  const made = run.cells.map((c) => c.stats.runs);
  const runs = made.length === 0 ? 'no cell searched' : Math.min(...made) === Math.max(...made) ? `${n(made[0]!)} runs made in every cell` : `${n(Math.min(...made))}..${n(Math.max(...made))} runs made per cell`;
  return `random search, seed ${run.seed}: budget ${n(run.runs)} runs of up to ${run.maxCommands} commands per cell${run.timeLimit ? `, ${run.timeLimit} s a round` : ''}; ${runs}`;
}

/** Null when every cell was searched in full, else a line saying it was not, and why. Pure. */
export function completeness(run: RunRecord): string | null {
  if (run.complete) return null;
  const short = run.cells.filter((c) => c.interrupted || c.timedOut || (c.exhaustive && c.exhaustive.depthDone < c.exhaustive.depth) || (run.search === 'random' && c.stats.runs < run.runs && c.findings.length < Object.keys(c.stats.invariants).length)).length;
  return `INCOMPLETE (${run.incomplete.join('; ')}): ${short} of ${run.cells.length} cells fell short of the budget${run.shard && run.shard.count > 1 ? `, and this record holds one shard: the other slices of the matrix were not searched here` : ''}`;
}

/** What was searched in one cell, for a matrix column. Pure. */
export function searched(c: RecordedCell): string {
  if (c.exhaustive) return `${n(c.exhaustive.states)} states, ${n(c.exhaustive.transitions)} transitions`;
  return `${n(c.stats.runs)} runs`;
}

/** What the states-per-depth table counts. Pure. */
export function statesNote(run: RunRecord): string {
  const sharded = Math.max(0, ...run.cells.map((c) => c.exhaustive?.shards ?? 0));
  const once = `each counted once${run.symmetry === false ? '' : ' (states equal up to renamed clients count once)'}`;
  return sharded > 1
    ? `States the exhaustive search reached, summed over ${sharded} shards, which search the first ${SHARD_DEPTH} commands alike and divide the states they reach: ${once} within a shard, but the states of the first commands count in each, and a state reached from the parts of two shards counts in both.`
    : `States the exhaustive search reached, ${once}.`;
}
