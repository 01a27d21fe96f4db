import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { listCounterexamples, loadCounterexample, replayFile } from '../counterexamples/index.ts';
import { coverageMarkdown, loadRunRecord } from '../reports/index.ts';
import { EXIT } from './main.ts';

/**
 * These tests drive the real executable in its own process, as a user's shell would. Nothing here
 * waits for a length of time: each moment (a signal, a kill) is chosen by what the child has
 * printed or written, so a slow or loaded machine only makes the tests slower, never wrong. The
 * bounds below are for a child that hangs, far above what any machine needs.
 */
const LAUNCHER = fileURLToPath(new URL('./fpcheck.mjs', import.meta.url));
const BOUND = 240_000;

interface Spawned {
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly exited: () => boolean;
  readonly stderr: () => string;
  kill(signal: NodeJS.Signals): void;
}

function fpcheck(args: readonly string[]): Spawned {
  const child = spawn(process.execPath, [LAUNCHER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  let done = false;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  return { exit, exited: () => done, stderr: () => err, kill: (s) => child.kill(s) };
}

const filesOf = (d: string): Record<string, string> => Object.fromEntries(listCounterexamples(d).map((f) => [f, readFileSync(f, 'utf8')]));
const inode = (f: string): number => {
  try {
    return statSync(f).ino;
  } catch {
    return -1;
  }
};

/** Waits until `cond` holds (polled), or the child has exited; a hung child fails the test at the bound. */
const until = async (cond: () => boolean, what: string, child?: Spawned, ms = BOUND) => {
  for (const end = Date.now() + ms; !cond() && !child?.exited(); await new Promise((r) => setTimeout(r, 5))) if (Date.now() > end) throw new Error(`waited ${ms / 1000} s for ${what}`);
};

describe('fpcheck as a process', () => {
  test(
    'SIGINT stops a long run, saves what it found, writes the record marked interrupted, exits 130',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fpcheck-int-'));
      const run = fpcheck(['run', '--design', 'direct-exact', '--profile', 'x2,split', '--runs', '10000000', '--workers', '1', '--certify', '0', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]);
      // Signalled once the first violation is saved: far short of its budget, whatever the machine's speed.
      await until(() => listCounterexamples(join(dir, 'cx')).length > 0, 'the first counterexample', run);
      expect(run.exited()).toBe(false);
      run.kill('SIGINT');
      const { code } = await run.exit;
      expect(code).toBe(EXIT.interrupted);
      const record = loadRunRecord(join(dir, 'runs', 'latest.json'));
      expect(record.interrupted).toBe(true);
      expect(record.complete).toBe(false);
      expect(record.cells.some((c) => c.interrupted)).toBe(true);
      const found = record.cells.flatMap((c) => c.findings);
      expect(found.length).toBeGreaterThan(0);
      for (const f of found) expect(replayFile(f.file).status.kind).toBe('reproduces');
      expect(listCounterexamples(join(dir, 'cx')).sort()).toEqual(found.map((f) => f.file).sort());
    },
    BOUND,
  );

  test(
    'SIGKILL at each stage of a run never leaves a torn counterexample file or run record; a later process writes the same bytes',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fpcheck-kill-'));
      const cx = join(dir, 'cx');
      const runs = join(dir, 'runs');
      const args = ['run', '--design', 'direct-exact', '--profile', 'x2,split', '--runs', '20', '--workers', '1', '--certify', '2000', '--out', cx, '--runs-dir', runs];
      expect((await fpcheck(args).exit).code).toBe(EXIT.ok);
      const records = () => readdirSync(runs).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
      const checkFiles = () => {
        for (const f of listCounterexamples(cx)) expect(() => loadCounterexample(f)).not.toThrow();
        for (const f of records()) expect(() => loadRunRecord(join(runs, f))).not.toThrow();
      };
      checkFiles();
      const firstRun = filesOf(cx);
      const names = Object.keys(firstRun);
      expect(names.length).toBeGreaterThan(1);
      // Each kill waits for a stage of the child's work: its first progress line, each counterexample
      // (re)written over a complete one (a rename gives the file a new inode), its named record, latest.json.
      const inodes = () => new Map(names.map((f) => [f, inode(f)]));
      const replaced = (before: Map<string, number>) => names.filter((f) => inode(f) !== before.get(f)).length;
      const stages: Array<{ what: string; reached: (child: Spawned, before: Map<string, number>, recordsBefore: number, latest: number) => boolean }> = [
        { what: 'the first progress line', reached: (c) => c.stderr().includes('runs; direct-exact') },
        ...names.map((_, k) => ({ what: `counterexample ${k + 1} rewritten`, reached: (_c: Spawned, before: Map<string, number>) => replaced(before) > k })),
        { what: 'the named run record', reached: (_c, _b, n) => records().length > n },
        { what: 'latest.json rewritten', reached: (_c, _b, _n, latest) => inode(join(runs, 'latest.json')) !== latest },
      ];
      let killedAlive = 0;
      for (const stage of stages) {
        const before = inodes();
        const recordsBefore = records().length;
        const latest = inode(join(runs, 'latest.json'));
        const run = fpcheck(args);
        await until(() => stage.reached(run, before, recordsBefore, latest), stage.what, run);
        if (!run.exited()) killedAlive++;
        run.kill('SIGKILL');
        await run.exit;
        checkFiles();
        // No temporary file is ever mistaken for a counterexample or a record; none is left but the one a kill cut short.
        expect(readdirSync(cx).filter((n) => n.endsWith('.tmp')).length).toBeLessThanOrEqual(1);
      }
      // Most kills must land while the child is still at work, or the test tests nothing.
      expect(killedAlive).toBeGreaterThan(stages.length / 2);
      expect(existsSync(join(runs, 'latest.json'))).toBe(true);
      // Another process with the same options writes the same bytes (into an emptied directory).
      rmSync(cx, { recursive: true, force: true });
      expect((await fpcheck(args).exit).code).toBe(EXIT.ok);
      expect(filesOf(cx)).toEqual(firstRun);
    },
    BOUND * 2,
  );
});

/** Runs fpcheck to its end under `bash -c` with `limits` (such as `ulimit -f 1`) and redirections `redirect` (such as `>/dev/full`). */
function shell(limits: string, args: readonly string[], redirect = ''): { code: number | null; out: string; err: string } {
  const quoted = [process.execPath, LAUNCHER, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${limits}; exec ${quoted} ${redirect}`], { encoding: 'utf8', timeout: BOUND, maxBuffer: 1 << 24 });
  return { code: r.status, out: r.stdout, err: stripVTControlCharacters(r.stderr) };
}
const errorLines = (err: string) => err.split('\n').filter((l) => l.startsWith('fpcheck:'));
const snapshot = (dir: string): Record<string, string> => (existsSync(dir) ? Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')])) : {});

describe('short writes', () => {
  test(
    'under `ulimit -f` no partial file is renamed into place: run and report keep the old files, name each file they could not write, and exit 2',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'fpcheck-ulimit-'));
      const [cx, runs, out] = ['cx', 'runs', 'out'].map((d) => join(dir, d)) as [string, string, string];
      const args = ['run', '--design', 'direct-exact', '--profile', 'x2', '--runs', '30', '--certify', '2000', '--workers', '1', '--out', cx, '--runs-dir', runs];
      expect(shell('true', args).code).toBe(EXIT.ok);
      expect(shell('true', ['report', '--runs-dir', runs, '--out', out]).code).toBe(EXIT.ok);
      const before = { cx: snapshot(cx), runs: snapshot(runs), out: snapshot(out) };
      expect(Object.keys(before.cx).length).toBeGreaterThan(0);
      // 1 KiB: every counterexample and the record are larger, so each write is cut short.
      const limited = shell('ulimit -f 1', args);
      expect(limited.code).toBe(EXIT.badInput);
      expect(limited.out).toMatch(/Verdicts/);
      const lines = errorLines(limited.err);
      expect(lines).toContainEqual(expect.stringMatching(/^fpcheck: could not write the run record .*\.json \(nor latest\.json\): EFBIG$/));
      for (const name of Object.keys(before.cx)) expect(lines).toContain(`fpcheck: could not save counterexample ${join(cx, name)}: EFBIG`);
      expect(lines).toHaveLength(Object.keys(before.cx).length + 1);
      expect(snapshot(cx)).toEqual(before.cx);
      expect(snapshot(runs)).toEqual(before.runs);
      // The report: a limit that takes coverage.json and coverage.md but not index.html, and all three stay as they were.
      const size = (f: string) => Buffer.byteLength(before.out[f]!);
      const kib = Math.ceil(Math.max(size('coverage.json'), size('coverage.md')) / 1024);
      expect(kib * 1024).toBeLessThan(size('index.html'));
      const report = shell(`ulimit -f ${kib}`, ['report', '--runs-dir', runs, '--out', out]);
      expect(report.code).toBe(EXIT.badInput);
      expect(errorLines(report.err)).toEqual([`fpcheck: could not write ${join(out, 'index.html')} (the report in ${out} is left as it was): EFBIG`]);
      expect(snapshot(out)).toEqual(before.out);
    },
    BOUND,
  );
});

describe('full standard streams', () => {
  const committed = listCounterexamples(fileURLToPath(new URL('../counterexamples/', import.meta.url))).slice(0, 2);
  test(
    'replay > /dev/full: one line on standard error, no stack trace, exit 2',
    () => {
      const r = shell('true', ['replay', ...committed], '> /dev/full');
      expect(r.code).toBe(EXIT.badInput);
      expect(r.err.trim().split('\n')).toEqual(['fpcheck: could not write to standard output (ENOSPC): what it should have shown is lost']);
    },
    BOUND,
  );

  test.each([
    ['2> /dev/full', EXIT.ok],
    ['> /dev/full', EXIT.badInput],
    ['> /dev/full 2>&1', EXIT.badInput],
  ])(
    'a search with %s keeps going and saves its counterexamples and record',
    (redirect, code) => {
      const dir = mkdtempSync(join(tmpdir(), 'fpcheck-full-'));
      const r = shell('true', ['run', '--design', 'direct-exact', '--profile', 'x2', '--runs', '30', '--certify', '2000', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')], redirect);
      expect(r.code).toBe(code);
      if (redirect === '> /dev/full') expect(errorLines(r.err)).toEqual(['fpcheck: could not write to standard output (ENOSPC): what it should have shown is lost']);
      const record = loadRunRecord(join(dir, 'runs', 'latest.json'));
      expect(record.complete).toBe(true);
      const found = record.cells.flatMap((c) => c.findings);
      expect(found.length).toBeGreaterThan(0);
      for (const f of found) expect(replayFile(f.file).status.kind).toBe('reproduces');
    },
    BOUND,
  );
});

describe('signals to a search in one thread', () => {
  test.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops `verify --workers 1 --depth 6` once it has printed progress: recorded as interrupted, its findings saved, exit 130',
    async (signal) => {
      const dir = mkdtempSync(join(tmpdir(), 'fpcheck-vint-'));
      const run = fpcheck(['verify', '--design', 'direct-exact', '--profile', 'x2,split', '--depth', '6', '--workers', '1', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]);
      // The first findings come at depth 4; depth 6 is far beyond what the search gets through before the signal.
      await until(() => /depth of direct-exact/.test(run.stderr()) && listCounterexamples(join(dir, 'cx')).length > 0, 'progress and a first counterexample saved', run);
      expect(run.exited()).toBe(false);
      run.kill(signal);
      // Before the fix the search held the main thread and this waited for the whole search (or the bound).
      const { code } = await run.exit;
      expect(code).toBe(EXIT.interrupted);
      const record = loadRunRecord(join(dir, 'runs', 'latest.json'));
      expect(record).toMatchObject({ interrupted: true, complete: false });
      expect(record.cells[0]!.interrupted).toBe(true);
      expect(record.cells[0]!.exhaustive!.depthDone).toBeLessThan(6);
      // The cell never started keeps its place in the matrix, as not run, and the record says it is missing.
      expect(record.cells.map((c) => c.profile)).toEqual(['split']);
      expect(record.incomplete).toContain('1 of 2 cells not run');
      expect(coverageMarkdown(record)).toMatch(/\| direct-exact \| x2 \| not run \| not run \|/);
      const found = record.cells.flatMap((c) => c.findings);
      expect(found.length).toBeGreaterThan(0);
      for (const f of found) expect(replayFile(f.file).status.kind).toBe('reproduces');
    },
    BOUND,
  );
});
