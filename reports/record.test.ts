import { describe, expect, test } from 'vitest';
import { BadFileError, UsageError } from '../counterexamples/index.ts';
import { check, type Shard } from '../properties/index.ts';
import { mergeRuns, parseRunRecord, RUN_VERSION, runRecordOf, type RunRecord } from './index.ts';

const SMALL = { designs: ['direct-exact', 'shared-proxy'], profiles: ['x2', 'split'] as const, runs: 12, maxCommands: 20, seed: 3 };
const recordOf = (blockRuns: number, shard?: Shard): RunRecord =>
  runRecordOf(check({ ...SMALL, profiles: [...SMALL.profiles], blockRuns, ...(shard ? { shard } : {}) }), { fpcheck: '0.0.0', paranoid: false, ...(shard ? { shard } : {}) }, (f) => `${f.design}.${f.profile}.${f.violation.invariant}.json`);

describe('run records', () => {
  test('older versions, and newer ones, are refused naming the file and field', () => {
    const now = recordOf(SMALL.runs);
    for (const [version, why] of [
      [RUN_VERSION - 1, new RegExp(`old\\.json: version: format version ${RUN_VERSION - 1} is no longer read; re-record it`)],
      [RUN_VERSION + 1, new RegExp(`old\\.json: version: format version ${RUN_VERSION + 1} is newer`)],
    ] as const) {
      const text = JSON.stringify({ ...now, version });
      expect(() => parseRunRecord(text, 'old.json')).toThrow(BadFileError);
      expect(() => parseRunRecord(text, 'old.json')).toThrow(why);
    }
    expect(() => parseRunRecord(JSON.stringify({ ...now, runs: 'many' }), 'now.json')).toThrow(/now\.json: runs: /);
  });

  test('merging refuses a seed block claimed by two shards or past the end of its cell, naming the file', () => {
    const [a, b] = [1, 2].map((index) => recordOf(5, { index, count: 2 }));
    const twice = { ...b!, cells: b!.cells.map((c, i) => (i === 0 ? { ...c, blocks: [...c.blocks, ...a!.cells[0]!.blocks] } : c)) };
    expect(() => mergeRuns([{ file: 'a.json', record: a! }, { file: 'b.json', record: twice }])).toThrow(UsageError);
    expect(() => mergeRuns([{ file: 'a.json', record: a! }, { file: 'b.json', record: twice }])).toThrow(/b\.json: direct-exact\/split block 0 is also in a\.json/);
    const past = { ...b!, cells: b!.cells.map((c, i) => (i === 0 ? { ...c, blocks: [7] } : c)) };
    expect(() => mergeRuns([{ file: 'a.json', record: a! }, { file: 'b.json', record: past }])).toThrow(/b\.json: direct-exact\/split block 7 is past the 3 blocks of 12 runs in blocks of 5/);
  });
});
