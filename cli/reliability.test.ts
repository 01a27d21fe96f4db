/**
 * What a hostile or unlucky user meets, driven through real `fpcheck` processes where the
 * trouble is about processes, pipes or the file system: each case answers in one line with a
 * documented exit code, loses nothing already found, and never claims more than was searched.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, test, vi } from 'vitest';
import { listCounterexamples, loadCounterexample } from '../counterexamples/index.ts';
import { verifyPlan } from '../properties/index.ts';
import { loadRunRecord } from '../reports/index.ts';
import { EXIT } from './output.ts';

const LAUNCHER = fileURLToPath(new URL('./fpcheck.mjs', import.meta.url));
const COMMITTED = listCounterexamples(fileURLToPath(new URL('../counterexamples/', import.meta.url)));
const scratch = (what: string) => mkdtempSync(join(tmpdir(), `fpcheck-${what}-`));

// No test here waits for a length of time or asserts one: the bounds are for a child that hangs, far above what a loaded machine needs.
const BOUND = 240_000;
vi.setConfig({ testTimeout: 4 * BOUND });

/** Runs fpcheck to the end: exit code, and what it printed. */
function fpcheck(args: readonly string[], timeout = BOUND): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], { encoding: 'utf8', timeout, maxBuffer: 1 << 24 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A small, quick run into `dir`. */
const quick = (dir: string, extra: readonly string[] = []) => ['run', '--design', 'direct-exact', '--profile', 'x2', '--runs', '30', '--certify', '2000', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs'), ...extra];

// Colour is on wherever `CI` is set (picocolors' rule), so lines are compared without it.
const oneLine = (s: string) => stripVTControlCharacters(s).trim().split('\n').filter((l) => l.startsWith('fpcheck:'));

describe('hostile files', () => {
  test('a deeply nested file is refused in one line with exit 2, by replay and by report alike', () => {
    const dir = scratch('deep');
    const deep = join(dir, 'd.json');
    writeFileSync(deep, `${'['.repeat(5000)}${']'.repeat(5000)}`);
    const replay = fpcheck(['replay', deep]);
    expect(replay.code).toBe(EXIT.badInput);
    expect(oneLine(replay.err)).toEqual([expect.stringMatching(/^fpcheck: .*d\.json: \(top level\): .*expected object/)]);
    expect(replay.err).not.toMatch(/RangeError|at .*\.ts:\d+/);
    // A record that cites such a file: the report is written, the unreadable file named, and the exit says so.
    const ok = fpcheck(quick(dir));
    expect(ok.code).toBe(EXIT.ok);
    const record = JSON.parse(readFileSync(join(dir, 'runs', 'latest.json'), 'utf8'));
    record.cells[0].findings[0].file = deep;
    writeFileSync(join(dir, 'runs', 'latest.json'), JSON.stringify(record));
    const report = fpcheck(['report', '--runs-dir', join(dir, 'runs'), '--out', join(dir, 'out')]);
    expect(report.code).toBe(EXIT.badInput);
    expect(oneLine(report.err)).toEqual([expect.stringMatching(/^fpcheck: no trace picture: .*d\.json/)]);
    expect(existsSync(join(dir, 'out', 'index.html'))).toBe(true);
    // A record nested too deep to hold anything is refused like any other bad file.
    writeFileSync(join(dir, 'runs', 'deep.json'), `${'{"a":'.repeat(4000)}1${'}'.repeat(4000)}`);
    expect(fpcheck(['report', join(dir, 'runs', 'deep.json'), '--out', join(dir, 'out2')]).code).toBe(EXIT.badInput);
  });

  test('a hostile world size is refused in one line with exit 2, in a file (replay, report) or in flags (run, verify), before any world boots', () => {
    const dir = scratch('size');
    const good = COMMITTED.find((f) => f.includes('.pistachio.'))!;
    const hostile = join(dir, 'huge.json');
    const c = JSON.parse(readFileSync(good, 'utf8'));
    writeFileSync(hostile, JSON.stringify({ ...c, config: { ...c.config, memoryPages: 16777216, superpageOrder: 1 } }));
    const replay = fpcheck(['replay', hostile]);
    expect(replay.code).toBe(EXIT.badInput);
    expect(oneLine(replay.err)).toEqual([expect.stringMatching(/^fpcheck: .*huge\.json: config: describes no usable world: memoryPages 16777216 in superpages of 2\^1 pages \(superpageOrder 1\) makes 8388608 superpages, more than the bound of 16384/)]);
    for (const cmd of [['run', '--runs', '5'], ['verify', '--depth', '2']]) {
      const r = fpcheck([...cmd, '--memory', '16777216', '--superpage', '1', '--profile', 'fiasco', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]);
      expect(r.code, cmd[0]).toBe(EXIT.badInput);
      expect(oneLine(r.err), cmd[0]).toEqual([expect.stringMatching(/^fpcheck: bad world configuration: memoryPages 16777216 .* more than the bound of 16384/)]);
    }
    // The bound is the named kernels': x2 stores fpages as sent, and a world of that memory boots at once.
    expect(fpcheck(['verify', '--depth', '1', '--memory', '16777216', '--superpage', '1', '--profile', 'x2', '--design', 'direct-exact', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]).code).toBe(EXIT.ok);
    // A record citing the file: the report is written and names it.
    const ok = fpcheck(quick(dir));
    expect(ok.code).toBe(EXIT.ok);
    const record = JSON.parse(readFileSync(join(dir, 'runs', 'latest.json'), 'utf8'));
    record.cells[0].findings[0].file = hostile;
    writeFileSync(join(dir, 'runs', 'latest.json'), JSON.stringify(record));
    const report = fpcheck(['report', '--runs-dir', join(dir, 'runs'), '--out', join(dir, 'out')]);
    expect(report.code).toBe(EXIT.badInput);
    expect(oneLine(report.err)).toEqual([expect.stringMatching(/^fpcheck: no trace picture: .*huge\.json: config: .*bound of 16384/)]);
  });

  test('a record naming a file that is no counterexample never copies its bytes into the report or the error line', () => {
    const dir = scratch('leak');
    const secret = join(dir, 'environ');
    writeFileSync(secret, 'FPCHECK_SECRET=hunter2\0HOME=/root\0');
    expect(fpcheck(quick(dir)).code).toBe(EXIT.ok);
    const record = JSON.parse(readFileSync(join(dir, 'runs', 'latest.json'), 'utf8'));
    record.cells[0].findings[0].file = secret;
    writeFileSync(join(dir, 'runs', 'latest.json'), JSON.stringify(record));
    const report = fpcheck(['report', '--runs-dir', join(dir, 'runs'), '--out', join(dir, 'out')]);
    expect(report.code).toBe(EXIT.badInput);
    expect(oneLine(report.err)).toEqual([`fpcheck: no trace picture: ${secret}: is not valid JSON`]);
    for (const f of ['index.html', 'coverage.md', 'coverage.json']) expect(readFileSync(join(dir, 'out', f), 'utf8'), f).not.toMatch(/hunter2|FPCHECK_SECRET/);
    expect(fpcheck(['replay', secret]).err).not.toMatch(/hunter2|FPCHECK_SECRET/);
  });

  test('devices and FIFOs are refused without being read', () => {
    const dir = scratch('fifo');
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    for (const f of ['/dev/zero', '/dev/urandom', fifo, dir]) {
      // A read of the device or FIFO would never end: the bound kills it, and the exit code says so.
      const r = fpcheck(['replay', '-q', f]);
      expect(r.code, f).toBe(EXIT.badInput);
      expect(oneLine(r.err), f).toEqual([expect.stringMatching(/is not a regular file/)]);
    }
  });

  test('replay reports every file, past a broken one, and exits with the worst status', () => {
    const dir = scratch('many');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"format": "fpcheck-counterexample", "version": 2, "design": 3');
    const r = fpcheck(['replay', '-q', broken, COMMITTED[0]!, join(dir, 'gone.json'), COMMITTED[1]!]);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.out.split('\n').filter((l) => l.includes('reproduces'))).toHaveLength(2);
    expect(oneLine(r.err)).toEqual([expect.stringMatching(/broken\.json: is not valid JSON/), expect.stringMatching(/gone\.json: cannot be read \(no such file\)/)]);
  });
});

describe('outputs', () => {
  test('an output that is a file is refused before the search, in one line, and the last record is left alone', () => {
    const dir = scratch('out');
    expect(fpcheck(quick(dir)).code).toBe(EXIT.ok);
    const latest = readFileSync(join(dir, 'runs', 'latest.json'), 'utf8');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const [flag, args] of [
      ['--out', ['run', '--runs', '5', '--out', file, '--runs-dir', join(dir, 'runs')]],
      ['--runs-dir', ['run', '--runs', '5', '--out', join(dir, 'cx'), '--runs-dir', file]],
      ['--out', ['report', '--runs-dir', join(dir, 'runs'), '--out', file]],
      ['--out', ['verify', '--depth', '1', '--out', file, '--runs-dir', join(dir, 'runs')]],
    ] as const) {
      const r = fpcheck(args);
      expect(r.code, args.join(' ')).toBe(EXIT.badInput);
      expect(oneLine(r.err)).toEqual([`fpcheck: ${flag} ${file}: is not a directory`]);
      expect(r.out).not.toMatch(/Verdicts/);
    }
    expect(readFileSync(join(dir, 'runs', 'latest.json'), 'utf8')).toBe(latest);
  });

  test('a full disk during a run: one line per file it could not write, the matrix and the record still there, no temporary file left', (ctx) => {
    const dir = scratch('full');
    const full = join(dir, 'full');
    mkdirSync(full);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8k', 'tmpfs', full]).status !== 0) {
      ctx.skip(); // needs root (as in CI's container): a 8 KiB file system to fill
      return;
    }
    try {
      writeFileSync(join(full, 'filler'), Buffer.alloc(4096));
      const r = fpcheck(['run', '--design', 'direct-exact,shared-proxy', '--profile', 'x2,split', '--runs', '60', '--certify', '2000', '--workers', '1', '--out', full, '--runs-dir', join(dir, 'runs')]);
      expect(r.code).toBe(EXIT.badInput);
      expect(r.out).toMatch(/Verdicts/);
      expect(oneLine(r.err).length).toBeGreaterThan(0);
      for (const l of oneLine(r.err)) expect(l).toMatch(/^fpcheck: could not save counterexample .*: ENOSPC$/);
      expect(readdirSync(full).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      for (const f of listCounterexamples(full)) expect(() => loadCounterexample(f)).not.toThrow();
      const record = loadRunRecord(join(dir, 'runs', 'latest.json'));
      expect(record.cells.some((c) => c.findings.some((f) => f.file === ''))).toBe(true);
    } finally {
      spawnSync('umount', [full]);
    }
  });

  test('counterexamples are written as they are found: a run killed before its end keeps them', async () => {
    const dir = scratch('found');
    const child = spawn(process.execPath, [LAUNCHER, 'run', '--design', 'direct-exact', '--profile', 'x2,split', '--runs', '1000000', '--block-runs', '200', '--certify', '2000', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    const end = Date.now() + BOUND;
    while (listCounterexamples(join(dir, 'cx')).length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const saved = listCounterexamples(join(dir, 'cx'));
    expect(saved.length).toBeGreaterThan(0);
    for (const f of saved) expect(() => loadCounterexample(f)).not.toThrow();
    expect(existsSync(join(dir, 'runs', 'latest.json'))).toBe(false);
  });
});

describe('what a run and its reports claim', () => {
  test('a matrix with no cell is refused and leaves the last record alone', () => {
    const dir = scratch('empty');
    expect(fpcheck(quick(dir)).code).toBe(EXIT.ok);
    const latest = readFileSync(join(dir, 'runs', 'latest.json'), 'utf8');
    const r = fpcheck(['run', '--design', 'kernel-extension', '--profile', 'x2', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]);
    expect(r.code).toBe(EXIT.badInput);
    expect(oneLine(r.err)).toEqual(['fpcheck: no cell to search: kernel-extension runs on none of the profiles asked for (x2); kernel-extension runs on extended']);
    expect(readFileSync(join(dir, 'runs', 'latest.json'), 'utf8')).toBe(latest);
  });

  test('a time limit is recorded with the runs actually made, and every report says the search was incomplete', () => {
    const dir = scratch('limit');
    const r = fpcheck(['run', '--design', 'per-task-proxy', '--profile', 'x2', '--runs', '1000000', '--time-limit', '1', '--certify', '0', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]);
    expect(r.code).toBe(EXIT.ok);
    const record = loadRunRecord(join(dir, 'runs', 'latest.json'));
    expect(record.timeLimit).toBe(1);
    const made = record.cells[0]!.stats.runs;
    expect(made).toBeLessThan(1_000_000);
    expect(r.out).toContain(`budget 1,000,000 runs`);
    expect(r.out).toContain(`${made.toLocaleString('en-US')} runs made in every cell`);
    expect(r.out).toMatch(/INCOMPLETE \(time limit\)/);
    expect(fpcheck(['report', '--runs-dir', join(dir, 'runs'), '--out', join(dir, 'out')]).code).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'coverage.json'), 'utf8'))).toMatchObject({ complete: false, incomplete: ['time limit'] });
    expect(readFileSync(join(dir, 'out', 'coverage.md'), 'utf8').split('\n')[2]).toMatch(/^> \*\*INCOMPLETE \(time limit\)/);
    expect(readFileSync(join(dir, 'out', 'index.html'), 'utf8')).toMatch(/<h1>fpcheck report<\/h1><p class="incomplete"[^>]*><strong>INCOMPLETE \(time limit\)/);
  });

  test('verify --depth 0 checks nothing, so it is refused (exit 2), never printed verified; the library refuses it too', () => {
    const dir = scratch('depth0');
    const r = fpcheck(['verify', '--depth', '0', '--design', 'direct-exact', '--profile', 'x2', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.out).not.toMatch(/verified/);
    expect(stripVTControlCharacters(r.err)).toMatch(/--depth must be a whole number from 1 to 64, got "0"/);
    expect(existsSync(join(dir, 'runs', 'latest.json'))).toBe(false);
    expect(() => verifyPlan({ depth: 0 })).toThrow(/depth 0 checks nothing/);
  });

  test('one shard alone says it is one shard', () => {
    const dir = scratch('shard');
    const r = fpcheck([...quick(dir), '--shard', '1/2']);
    expect(r.out).toMatch(/INCOMPLETE \(shard 1 of 2\)/);
    expect(loadRunRecord(join(dir, 'runs', 'latest.json'))).toMatchObject({ complete: false, incomplete: ['shard 1 of 2'] });
  });

  test('--shard 1/1 is the whole search: complete', () => {
    const dir = scratch('shard11');
    const r = fpcheck([...quick(dir), '--shard', '1/1']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).not.toMatch(/INCOMPLETE/);
    expect(loadRunRecord(join(dir, 'runs', 'latest.json'))).toMatchObject({ complete: true, incomplete: [] });
  });

  test('a record that says complete but lacks a cell of its own matrix is refused by report, naming the field', () => {
    const dir = scratch('lacks');
    expect(fpcheck(['run', '--design', 'direct-exact', '--profile', 'x2,split', '--runs', '10', '--certify', '0', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]).code).toBe(EXIT.ok);
    const record = JSON.parse(readFileSync(join(dir, 'runs', 'latest.json'), 'utf8'));
    expect(record.complete).toBe(true);
    record.cells = record.cells.slice(0, 1);
    writeFileSync(join(dir, 'runs', 'latest.json'), JSON.stringify(record));
    const report = fpcheck(['report', '--runs-dir', join(dir, 'runs'), '--out', join(dir, 'out')]);
    expect(report.code).toBe(EXIT.badInput);
    expect(oneLine(report.err)).toEqual([expect.stringMatching(/latest\.json: complete: a complete record must hold every cell of its matrix; it lacks direct-exact\/x2/)]);
  });

  test('with more than 4 clients symmetry reduction is off, and verify, the record and the report say so', () => {
    const dir = scratch('sym5');
    const r = fpcheck(['verify', '--clients', '5', '--memory', '64', '--depth', '2', '--design', 'direct-exact', '--profile', 'x2', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]);
    expect(r.code).toBe(EXIT.ok);
    expect(stripVTControlCharacters(r.out)).toContain('Symmetry reduction is off: it is for worlds of at most 4 clients, and this one has 5');
    const record = loadRunRecord(join(dir, 'runs', 'latest.json'));
    expect(record.symmetry).toBe(false);
    expect(record.cells[0]!.exhaustive!.symmetry).toBe(false);
    expect(fpcheck(['report', '--runs-dir', join(dir, 'runs'), '--out', join(dir, 'out')]).code).toBe(EXIT.ok);
    expect(readFileSync(join(dir, 'out', 'coverage.md'), 'utf8')).toContain('(no symmetry reduction)');
  });

  test('a run of many seed blocks leaves only the files its matrix lists, one per cell and invariant, and keeps files that were there before', () => {
    const dir = scratch('blocks');
    const cx = join(dir, 'cx');
    mkdirSync(cx);
    const before = join(cx, 'direct-exact.x2.isolation.no-cross-task-flush.00000000.json');
    writeFileSync(before, readFileSync(COMMITTED.find((f) => f.includes('direct-exact.x2.isolation'))!, 'utf8'));
    const r = fpcheck(['run', '--design', 'direct-exact', '--profile', 'x2', '--runs', '200', '--block-runs', '10', '--certify', '0', '--workers', '1', '--out', cx, '--runs-dir', join(dir, 'runs')]);
    expect(r.code).toBe(EXIT.ok);
    const record = loadRunRecord(join(dir, 'runs', 'latest.json'));
    const listed = record.cells.flatMap((c) => c.findings.map((f) => f.file));
    expect(new Set(record.cells[0]!.findings.map((f) => f.invariant)).size).toBe(listed.length);
    expect(listCounterexamples(cx).sort()).toEqual([...new Set([before, ...listed])].sort());
  });

  test('report in a fresh directory says to run first', () => {
    const r = fpcheck(['report', '--runs-dir', join(scratch('fresh'), 'runs'), '--out', join(scratch('fresh-out'), 'out')]);
    expect(r.code).toBe(EXIT.badInput);
    expect(oneLine(r.err)).toEqual([expect.stringMatching(/^fpcheck: no run record at .*latest\.json: run `fpcheck run` \(or `fpcheck verify`\) first/)]);
  });

  test('more workers than cores: a warning, and the cores used', () => {
    const dir = scratch('workers');
    const r = fpcheck(['run', '--design', 'direct-exact', '--profile', 'x2', '--runs', '5', '--certify', '0', '--workers', '64', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toContain(`--workers 64 is more than the ${availableParallelism()} cores; using ${availableParallelism()}`);
  });

  test('progress in a log moves with every seed block, even blocks of one run', () => {
    const dir = scratch('progress');
    const r = fpcheck(['run', '--design', 'per-task-proxy', '--profile', 'x2', '--runs', '20', '--block-runs', '1', '--certify', '0', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]);
    const counts = [...r.err.matchAll(/\] (\d+)\/20 runs/g)].map((m) => Number(m[1]));
    expect(counts.at(-1)).toBe(20);
    expect(new Set(counts).size).toBeGreaterThan(2);
  });
});

describe('closed pipes', () => {
  test.each([
    ['replay', ['replay', ...COMMITTED.slice(0, 6)]],
    ['run', ['run', '--design', 'direct-exact', '--profile', 'x2', '--runs', '20', '--certify', '0', '--workers', '1']],
  ])('%s stops quietly when its reader goes away', async (_name, args) => {
    const dir = scratch('pipe');
    const full = args[0] === 'run' ? [...args, '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')] : args;
    const child = spawn(process.execPath, [LAUNCHER, ...full], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Read a little, then hang up, as `| head -2` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect([EXIT.closedPipe, EXIT.ok]).toContain(code);
    expect(err).not.toMatch(/EPIPE|Error:|at .*:\d+:\d+/);
  });
});
