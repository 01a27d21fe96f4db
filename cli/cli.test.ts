import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { loadRunRecord, mergeRuns } from '../reports/index.ts';
import { EXIT, main } from './main.ts';

const quiet = () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
};

const scratch = (what: string) => mkdtempSync(join(tmpdir(), `fpcheck-${what}-`));

/** Every file a run wrote to `dir`, by name. */
const filesIn = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

/** A run record with the directory part of each counterexample path dropped, so runs into different directories compare. */
const recordOf = (runsDir: string, file = 'latest.json') => {
  const r = JSON.parse(readFileSync(join(runsDir, file), 'utf8'));
  for (const c of r.cells) for (const f of c.findings) f.file = basename(f.file);
  return r;
};

// Three seed blocks a cell (30, 30 and 20 runs), so workers and shards split cells as well as the matrix.
// Certification is covered by the run-twice test; here it would only repeat itself per worker and shard.
const SMALL = ['--design', 'direct-exact,shared-proxy', '--profile', 'x2,split', '--runs', '45', '--block-runs', '15', '--seed', '9', '--certify', '0'];

describe('fpcheck CLI', () => {
  test('bad arguments and bad configurations exit 2', async () => {
    quiet();
    expect(await main(['run', '--runs', 'many'])).toBe(EXIT.badInput);
    expect(await main(['run', '--design', 'no-such-design'])).toBe(EXIT.badInput);
    expect(await main(['run', '--clients', '40'])).toBe(EXIT.badInput);
    expect(await main(['run', '--shard', '3/2'])).toBe(EXIT.badInput);
    expect(await main(['run', '--design', 'kernel-extension', '--profile', 'x2'])).toBe(EXIT.badInput);
    expect(await main(['verify', '--depth', '99'])).toBe(EXIT.badInput);
    expect(await main(['run', '--workers', '0'])).toBe(EXIT.badInput);
    expect(await main(['frobnicate'])).toBe(EXIT.badInput);
  });

  test('a corrupted counterexample file exits 2 with one line naming the file', async () => {
    quiet();
    const f = join(scratch('cli'), 'broken.json');
    writeFileSync(f, '{"format": "fpcheck-counterexample", "version": 1, "design": 3');
    expect(await main(['replay', f])).toBe(EXIT.badInput);
    expect(vi.mocked(console.error).mock.calls.flat().join('\n')).toMatch(/broken\.json: is not valid JSON/);
  });

  test('run twice with the same seed writes identical counterexample files, and each replays', async () => {
    quiet();
    const dirs = [0, 1].map(() => scratch('run'));
    for (const d of dirs) {
      const code = await main(['run', '--design', 'direct-exact', '--profile', 'x2', '--runs', '120', '--seed', '5', '--certify', '20000', '--out', join(d, 'cx'), '--runs-dir', join(d, 'runs'), '--fail-on-violation']);
      expect(code).toBe(EXIT.violation);
    }
    const [a, b] = dirs.map((d) => filesIn(join(d, 'cx')));
    expect(Object.keys(a!).length).toBeGreaterThan(0);
    expect(a).toEqual(b);
    expect(await main(['replay', '-q', ...Object.keys(a!).map((f) => join(dirs[0]!, 'cx', f))])).toBe(EXIT.ok);
    expect(await main(['report', '--runs-dir', join(dirs[0]!, 'runs'), '--out', join(dirs[0]!, 'out')])).toBe(EXIT.ok);
    const cov = JSON.parse(readFileSync(join(dirs[0]!, 'out', 'coverage.json'), 'utf8'));
    const rec = JSON.parse(readFileSync(join(dirs[0]!, 'runs', 'latest.json'), 'utf8'));
    // Every figure of the report is the run's own count, cell by cell.
    expect(cov.cells.length).toBe(rec.cells.length);
    for (const [i, c] of cov.cells.entries()) {
      const { stats, findings } = rec.cells[i];
      expect({ runs: c.runs, steps: c.steps, invariants: c.invariants, commands: c.commands, reach: c.reach, refusals: c.refusals, branches: c.branches, cost: c.cost }).toEqual(stats);
      expect(c.findings).toEqual(findings);
    }
    const md = readFileSync(join(dirs[0]!, 'out', 'coverage.md'), 'utf8');
    const release = rec.cells[0].stats.commands.release;
    expect(md).toContain(`| ${rec.cells[0].design} | ${rec.cells[0].profile} |`);
    expect(md).toContain(` ${release.applied}/${release.generated} `);
  });

  test('--workers 2 gives the same verdicts, counts and files as --workers 1', async () => {
    quiet();
    const dirs = [1, 2].map((w) => ({ w, d: scratch(`workers${w}`) }));
    for (const { w, d } of dirs) expect(await main(['run', ...SMALL, '--workers', String(w), '--out', join(d, 'cx'), '--runs-dir', join(d, 'runs')])).toBe(EXIT.ok);
    const [one, two] = dirs.map(({ d }) => ({ files: filesIn(join(d, 'cx')), record: recordOf(join(d, 'runs')) }));
    expect(Object.keys(one!.files).length).toBeGreaterThan(0);
    expect(two).toEqual(one);
  });

  test('merging the run records of --shard 1/2 and --shard 2/2 gives the unsharded run', async () => {
    quiet();
    const whole = scratch('whole');
    expect(await main(['run', ...SMALL, '--out', join(whole, 'cx'), '--runs-dir', join(whole, 'runs')])).toBe(EXIT.ok);
    const parts = scratch('shards');
    for (const i of [1, 2]) expect(await main(['run', ...SMALL, '--shard', `${i}/2`, '--out', join(parts, 'cx'), '--runs-dir', join(parts, `runs${i}`)])).toBe(EXIT.ok);
    // Each shard searched a real, disjoint part of the seed blocks, and some cell is split between them.
    const blocksOf = (i: number) => recordOf(join(parts, `runs${i}`)).cells.flatMap((c: { design: string; profile: string; blocks: number[] }) => c.blocks.map((b) => `${c.design}/${c.profile}/${b}`));
    expect(blocksOf(1).length).toBeGreaterThan(0);
    expect(blocksOf(2).length).toBeGreaterThan(0);
    expect(blocksOf(1).filter((b: string) => blocksOf(2).includes(b))).toEqual([]);
    expect(blocksOf(1).length + blocksOf(2).length).toBe(4 * 3);
    const cellOf = (b: string) => b.replace(/\/\d+$/, '');
    expect(blocksOf(1).some((b: string) => blocksOf(2).map(cellOf).includes(cellOf(b)))).toBe(true);
    const shardFiles = [1, 2].map((i) => join(parts, `runs${i}`, 'latest.json'));
    // The merged record is the unsharded one, and every file it cites has the unsharded run's bytes.
    const merged = mergeRuns(shardFiles.map((file) => ({ file, record: loadRunRecord(file) })));
    for (const c of merged.cells) for (const f of c.findings) expect(readFileSync(f.file, 'utf8')).toBe(readFileSync(join(whole, 'cx', basename(f.file)), 'utf8'));
    const { shard: _, ...wholeRecord } = loadRunRecord(join(whole, 'runs', 'latest.json'));
    const cited = (r: typeof merged) => ({ ...r, cells: r.cells.map((c) => ({ ...c, findings: c.findings.map((f) => ({ ...f, file: basename(f.file) })) })) });
    expect(cited(merged)).toEqual(cited(wholeRecord));
    // A later block may save a file the merge does not cite (an earlier block found that invariant first); the unsharded files are all there.
    expect(filesIn(join(parts, 'cx'))).toMatchObject(filesIn(join(whole, 'cx')));
    const out = join(parts, 'out');
    expect(await main(['report', ...shardFiles.reverse(), '--out', out])).toBe(EXIT.ok);
    expect(await main(['report', '--runs-dir', join(whole, 'runs'), '--out', join(whole, 'out')])).toBe(EXIT.ok);
    const coverage = readFileSync(join(out, 'coverage.json'), 'utf8').replaceAll(join(parts, 'cx'), 'CX');
    expect(coverage).toBe(readFileSync(join(whole, 'out', 'coverage.json'), 'utf8').replaceAll(join(whole, 'cx'), 'CX'));
    // One shard alone, or the same shard twice, is not the whole run.
    expect(await main(['report', shardFiles[0]!, shardFiles[0]!, '--out', out])).toBe(EXIT.badInput);
  });

  test('verify --shard 1/2 and 2/2 merged: the same depth, verdicts and shortest counterexamples as the unsharded search, states counted per shard', async () => {
    quiet();
    const TINY = ['--memory', '8', '--clients', '2', '--quota', '4', '--client-space', '1', '--proxy-space', '1', '--max-order', '1', '--superpage', '2'];
    const args = ['verify', '--design', 'direct-exact,per-task-proxy', '--profile', 'x2,split', '--depth', '3', ...TINY, '--workers', '1'];
    const whole = scratch('verify-whole');
    expect(await main([...args, '--out', join(whole, 'cx'), '--runs-dir', join(whole, 'runs')])).toBe(EXIT.ok);
    const parts = scratch('verify-shards');
    for (const i of [1, 2]) expect(await main([...args, '--shard', `${i}/2`, '--out', join(parts, 'cx'), '--runs-dir', join(parts, `runs${i}`)])).toBe(EXIT.ok);
    const merged = mergeRuns([1, 2].map((i) => join(parts, `runs${i}`, 'latest.json')).map((file) => ({ file, record: loadRunRecord(file) })));
    const unsharded = loadRunRecord(join(whole, 'runs', 'latest.json'));
    const verdicts = (r: typeof merged) => r.cells.map((c) => ({ cell: `${c.design}/${c.profile}`, depthDone: c.exhaustive!.depthDone, found: c.findings.map((f) => `${f.invariant}@${f.length}`).sort() }));
    expect(verdicts(unsharded).some((c) => c.found.length > 0)).toBe(true);
    expect(verdicts(merged)).toEqual(verdicts(unsharded));
    for (const [i, c] of merged.cells.entries()) {
      expect(c.exhaustive!.shards).toBe(2);
      expect(c.exhaustive!.states).toBeGreaterThanOrEqual(unsharded.cells[i]!.exhaustive!.states);
    }
    expect(merged.complete).toBe(true);
    const out = join(parts, 'out');
    expect(await main(['report', ...[1, 2].map((i) => join(parts, `runs${i}`, 'latest.json')), '--out', out])).toBe(EXIT.ok);
    expect(readFileSync(join(out, 'coverage.md'), 'utf8')).toContain('summed over 2 shards, which search the first 3 commands alike');
  });
  test('verify --max-memory stops a cell cleanly at its last whole depth and says so', async () => {
    quiet();
    const printed = vi.mocked(console.log);
    const dir = scratch('verify-memory');
    const args = ['verify', '--design', 'per-task-proxy', '--profile', 'x2', '--depth', '4', '--max-memory', '1', '--workers', '1'];
    expect(await main([...args, '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')])).toBe(EXIT.ok);
    const cell = loadRunRecord(join(dir, 'runs', 'latest.json')).cells[0]!;
    expect(cell.exhaustive!.depthDone).toBeLessThan(4);
    expect(cell.exhaustive!.memoryLimited).toBe(true);
    expect(printed.mock.calls.flat().join('\n')).toContain(`depth ${cell.exhaustive!.depthDone} of 4 (memory limit)`);
  });
});
