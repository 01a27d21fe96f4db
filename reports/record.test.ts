import { describe, expect, test } from 'vitest';
import { BadFileError, UsageError } from '../counterexamples/index.ts';
import { check, type Shard } from '../properties/index.ts';
import { mergeRuns, parseRunRecord, RUN_VERSION, runRecordOf, type RunRecord } from './index.ts';

const SMALL = { designs: ['direct-exact', 'shared-proxy'], profiles: ['x2', 'split'] as const, runs: 12, maxCommands: 20, seed: 3, certifyTransitions: 0 };
const recordOf = (blockRuns: number, shard?: Shard): RunRecord =>
  runRecordOf(check({ ...SMALL, profiles: [...SMALL.profiles], blockRuns, ...(shard ? { shard } : {}) }), { fpcheck: '0.0.0', paranoid: false }, (f) => `${f.design}.${f.profile}.${f.violation.invariant}.json`);

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

  test("a record's figures must agree with each other: a corrupt or hand-edited one is refused, naming the field", () => {
    const now = recordOf(SMALL.runs);
    const cell = now.cells[0]!;
    const inv = Object.keys(cell.stats.invariants)[0]!;
    const bad = (cells: unknown[]) => JSON.stringify({ ...now, cells });
    const overcount = { ...cell, stats: { ...cell.stats, invariants: { ...cell.stats.invariants, [inv]: { ...cell.stats.invariants[inv]!, runsNonVacuous: cell.stats.runs + 1 } } } };
    expect(() => parseRunRecord(bad([overcount]), 'r.json')).toThrow(new RegExp(`r\\.json: cells\\.0\\.stats\\.invariants\\.${inv.replaceAll('.', '\\.')}\\.runsNonVacuous: more runs with a non-vacuous check`));
    expect(() => parseRunRecord(bad([cell, cell]), 'r.json')).toThrow(/r\.json: cells\.1: cell direct-exact\/split appears twice/);
    expect(() => parseRunRecord(bad([{ ...cell, blocks: [1e9] }]), 'r.json')).toThrow(/r\.json: cells\.0\.blocks: block 1000000000 is past/);
    expect(() => parseRunRecord(JSON.stringify({ ...now, complete: false }), 'r.json')).toThrow(/r\.json: complete:/);
    // A profile is fpcheck's own: the reports look its kernel's rules up (found by the fuzz campaign, which crashed report on one).
    expect(() => parseRunRecord(bad([{ ...cell, profile: 'pistach2io' }]), 'r.json')).toThrow(/r\.json: cells\.0\.profile: .*value: "pistach2io"/);
    expect(() => parseRunRecord(JSON.stringify({ ...now, matrix: { ...now.matrix, profiles: ['x2', 'seL4'] } }), 'r.json')).toThrow(/r\.json: matrix\.profiles\.1: .*value: "seL4"/);
  });

  test('a shard says it is one, and shards of different matrices do not merge', () => {
    const [a, b] = [1, 2].map((index) => recordOf(5, { index, count: 2 }));
    expect(a!.complete).toBe(false);
    expect(a!.incomplete).toEqual(['shard 1 of 2']);
    expect(mergeRuns([{ file: 'a.json', record: a! }, { file: 'b.json', record: b! }]).complete).toBe(true);
    const other = { ...b!, matrix: { ...b!.matrix, profiles: ['x2'] } };
    expect(() => mergeRuns([{ file: 'a.json', record: a! }, { file: 'b.json', record: other }])).toThrow(/b\.json: searched another matrix/);
  });

  test('a run cut short by its time limit records the limit, the runs it made, and that it is incomplete', () => {
    const r = runRecordOf(check({ designs: ['per-task-proxy'], profiles: ['x2'], runs: 10_000_000, timeLimitMs: 300, certifyTransitions: 0 }), { fpcheck: '0.0.0', paranoid: false }, () => '');
    expect(r.timeLimit).toBe(0.3);
    expect(r.cells[0]!.stats.runs).toBeLessThan(10_000_000);
    expect(r.cells[0]!.timedOut).toBe(true);
    expect(r.incomplete).toEqual(['time limit']);
    expect(parseRunRecord(JSON.stringify(r), 'r.json')).toEqual(r);
  });
});

