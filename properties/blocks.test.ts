import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { joinBlocks, type BlockPart } from './blocks.ts';
import { INVARIANTS } from './invariants/index.ts';
import { emptyStats, type CellStats } from './stats.ts';

type F = { readonly block: number; readonly invariant: string; readonly tag: number };

const names = INVARIANTS.map((i) => i.name);

/** The result of one seed block: some findings (distinct invariants, in discovery order) and arbitrary counts. */
const blockResult = (block: number): fc.Arbitrary<BlockPart<F>> =>
  fc
    .record({
      found: fc.shuffledSubarray(names),
      runs: fc.nat(50),
      holds: fc.nat(500),
      refusals: fc.dictionary(fc.constantFrom('map: a', 'unmap: b', 'alloc: c', 'dealloc: d'), fc.nat(9)),
      nodes: fc.dictionary(fc.constantFrom('1', '2', '7', '16', '64'), fc.nat(9)),
      interrupted: fc.boolean(),
      timedOut: fc.boolean(),
    })
    .map(({ found, runs, holds, refusals, nodes, interrupted, timedOut }) => {
      const stats: CellStats = emptyStats(INVARIANTS);
      stats.runs = runs;
      stats.invariants[names[0]!]!.holds = holds;
      stats.refusals = refusals;
      stats.cost.nodes = nodes;
      return { blocks: [block], findings: found.map((invariant, tag) => ({ block, invariant, tag })), stats, interrupted, timedOut };
    });

describe('joining seed blocks', () => {
  test.prop([
    fc.integer({ min: 1, max: 6 }).chain((n) =>
      fc.tuple(
        fc.tuple(...Array.from({ length: n }, (_, b) => blockResult(b))),
        // Which shard each block went to, and the order the shards are merged in.
        fc.array(fc.nat(3), { minLength: n, maxLength: n }),
        fc.func(fc.integer()),
      ),
    ),
  ])('any split of the blocks over shards, joined in any order, equals the join of all blocks in order', ([blocks, shardOf, order]) => {
    const of = (f: F) => f.invariant;
    const whole = joinBlocks(blocks, of);
    const shards = [0, 1, 2, 3].map((s) => blocks.filter((_, b) => shardOf[b] === s)).filter((xs) => xs.length > 0);
    const partials = shards.map((xs) => joinBlocks([...xs].reverse(), of)).sort((a, b) => order(a.blocks[0]!) - order(b.blocks[0]!));
    // Bytes, not only values: equal records must serialize alike.
    expect(JSON.stringify(joinBlocks(partials, of))).toBe(JSON.stringify(whole));
  });

  test('keeps the lowest block finding of each invariant and adds up the counts', () => {
    const stats = (runs: number): CellStats => ({ ...emptyStats(INVARIANTS), runs });
    const [a, b] = names;
    const parts: Array<BlockPart<F>> = [
      { blocks: [2], findings: [{ block: 2, invariant: b!, tag: 0 }, { block: 2, invariant: a!, tag: 1 }], stats: stats(5), interrupted: false, timedOut: true },
      { blocks: [0], findings: [{ block: 0, invariant: a!, tag: 2 }], stats: stats(7), interrupted: true, timedOut: false },
    ];
    const j = joinBlocks(parts, (f) => f.invariant);
    expect(j.blocks).toEqual([0, 2]);
    expect(j.findings.map((f) => f.tag)).toEqual([2, 0]);
    expect(j.stats.runs).toBe(12);
    expect(j.interrupted).toBe(true);
    expect(j.timedOut).toBe(true);
  });
});
