import { UsageError } from '../../counterexamples/index.ts';
import { DESIGNS, PROFILE_NAMES } from '../../model/index.ts';
import { blocksPerCell, joinBlocks, type ExhaustiveSummary } from '../../properties/index.ts';
import { incompleteness, type RunRecord } from './record.ts';
import type { RecordedCell, RecordedFinding } from './verdicts.ts';

/** Where a cell sits in the matrix: registered designs in order, then profiles in order; unknown names last. */
const rank = (design: string, profile: string): number => {
  const d = DESIGNS.findIndex((x) => x.name === design);
  const p = PROFILE_NAMES.indexOf(profile as (typeof PROFILE_NAMES)[number]);
  return (d < 0 ? DESIGNS.length : d) * (PROFILE_NAMES.length + 1) + (p < 0 ? PROFILE_NAMES.length : p);
};

/** The options that must agree for shards to be parts of one run: everything but the shard and the cells. */
const optionsOf = (r: RunRecord) =>
  JSON.stringify({
    fpcheck: r.fpcheck,
    search: r.search,
    seed: r.seed,
    runs: r.runs,
    maxCommands: r.maxCommands,
    blockRuns: r.blockRuns,
    certifyTransitions: r.certifyTransitions,
    depth: r.depth,
    symmetry: r.symmetry,
    timeLimit: r.timeLimit,
    config: r.config,
    paranoid: r.paranoid ?? false,
  });

/**
 * Shards of an exhaustive search split the first commands: the cell is verified as deep as its
 * shallowest shard got, its states and transitions add up (a state reached under two first
 * commands counts twice), and of each invariant's counterexamples the shortest is kept.
 */
function joinExhaustive(cs: readonly RecordedCell[]): ExhaustiveSummary {
  const es = cs.map((c) => c.exhaustive!);
  const depth = Math.max(...es.map((e) => e.statesPerDepth.length));
  return {
    depth: es[0]!.depth,
    depthDone: Math.min(...es.map((e) => e.depthDone)),
    states: es.reduce((s, e) => s + e.states, 0),
    transitions: es.reduce((s, e) => s + e.transitions, 0),
    statesPerDepth: Array.from({ length: depth }, (_, d) => (d === 0 ? 1 : es.reduce((s, e) => s + (e.statesPerDepth[d] ?? 0), 0))),
    symmetry: es[0]!.symmetry,
    ...(cs.length > 1 ? { shards: es.reduce((s, e) => s + (e.shards ?? 1), 0) } : {}),
  };
}

const shortestFirst = (fs: readonly RecordedFinding[]): RecordedFinding[] => {
  const best = new Map<string, RecordedFinding>();
  for (const f of fs) {
    const b = best.get(f.invariant);
    if (!b || f.length < b.length) best.set(f.invariant, f);
  }
  return [...best.values()];
};

/**
 * Joins the run records of every shard of one run into the record the unsharded run writes.
 * Refuses records of different runs (options or matrix), a shard given twice, a missing shard,
 * and a seed block claimed twice or past its cell's end, naming the file.
 */
export function mergeRuns(parts: ReadonlyArray<{ readonly file: string; readonly record: RunRecord }>): RunRecord {
  const [first, ...rest] = parts;
  if (!first) throw new UsageError('no run records to merge');
  if (rest.length === 0) return first.record;
  const count = first.record.shard?.count;
  const seen = new Map<number, string>();
  for (const { file, record } of parts) {
    if (!record.shard) throw new UsageError(`${file}: is not a shard (run without --shard), so it cannot be merged with other records`);
    if (record.shard.count !== count) throw new UsageError(`${file}: shard ${record.shard.index}/${record.shard.count} belongs to a run of ${record.shard.count} shards, not ${count}`);
    if (optionsOf(record) !== optionsOf(first.record)) throw new UsageError(`${file}: was run with other options (search, seed, budget, configuration or version) than ${first.file}`);
    if (JSON.stringify(record.matrix) !== JSON.stringify(first.record.matrix)) {
      throw new UsageError(`${file}: searched another matrix (${record.matrix.designs.join(',')} on ${record.matrix.profiles.join(',')}) than ${first.file} (${first.record.matrix.designs.join(',')} on ${first.record.matrix.profiles.join(',')})`);
    }
    const twice = seen.get(record.shard.index);
    if (twice) throw new UsageError(`${file}: shard ${record.shard.index}/${count} is also in ${twice}`);
    seen.set(record.shard.index, file);
  }
  const missing = Array.from({ length: count! }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new UsageError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing from the records given`);
  const exhaustive = first.record.search === 'exhaustive';
  // A cell's seed blocks may be spread over several shards: join them as the unsharded run did.
  const blocks = blocksPerCell(first.record.runs, first.record.blockRuns);
  const byCell = new Map<string, RecordedCell[]>();
  const blockFrom = new Map<string, string>();
  for (const { file, record } of parts) {
    for (const c of record.cells) {
      const key = JSON.stringify([c.design, c.profile]);
      if (!exhaustive) {
        for (const b of c.blocks) {
          const where = `${c.design}/${c.profile} block ${b}`;
          if (b >= blocks) throw new UsageError(`${file}: ${where} is past the ${blocks} block${blocks > 1 ? 's' : ''} of ${record.runs} runs in blocks of ${record.blockRuns}`);
          const also = blockFrom.get(`${key}/${b}`);
          if (also) throw new UsageError(`${file}: ${where} is also in ${also}`);
          blockFrom.set(`${key}/${b}`, file);
        }
      }
      const same = byCell.get(key);
      if (same) same.push(c);
      else byCell.set(key, [c]);
    }
  }
  const cells = [...byCell.values()]
    .map((cs): RecordedCell => {
      const joined = joinBlocks(cs, (f) => f.invariant);
      if (exhaustive) {
        // Every shard searched every cell, each from its own first commands.
        const whole = cs.length === count;
        return { design: cs[0]!.design, profile: cs[0]!.profile, ...joined, blocks: [0], findings: shortestFirst(cs.flatMap((c) => c.findings)), interrupted: joined.interrupted || !whole, exhaustive: joinExhaustive(cs) };
      }
      return { design: cs[0]!.design, profile: cs[0]!.profile, ...joined, interrupted: joined.interrupted || joined.blocks.length < blocks };
    })
    .sort((a, b) => rank(a.design, a.profile) - rank(b.design, b.profile));
  const { shard: _shard, ...merged } = first.record;
  const interrupted = parts.some((p) => p.record.interrupted);
  const incomplete = incompleteness({ interrupted, matrix: merged.matrix, cells });
  // A cell searched in only some of its blocks (or shards) was not searched in full.
  if (cells.some((c) => c.interrupted) && !interrupted) incomplete.push('missing blocks');
  return { ...merged, interrupted, complete: incomplete.length === 0, incomplete, cells };
}
