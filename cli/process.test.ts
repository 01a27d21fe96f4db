import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { listCounterexamples, loadCounterexample, replayFile } from '../counterexamples/index.ts';
import { loadRunRecord } from '../reports/index.ts';
import { EXIT } from './main.ts';

/** These tests drive the real executable in its own process, as a user's shell would. */
const LAUNCHER = fileURLToPath(new URL('./fpcheck.mjs', import.meta.url));

interface Spawned {
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: () => string;
  kill(signal: NodeJS.Signals): void;
}

function fpcheck(args: readonly string[]): Spawned {
  const child = spawn(process.execPath, [LAUNCHER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
    stderr: () => err,
    kill: (s) => child.kill(s),
  };
}

const filesOf = (d: string): Record<string, string> => Object.fromEntries(listCounterexamples(d).map((f) => [f, readFileSync(f, 'utf8')]));

const until = async (cond: () => boolean, what: string, ms = 30_000) => {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
};


describe('fpcheck as a process', () => {
  test('SIGINT stops a long run promptly, saves what it found, writes the record marked interrupted, exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fpcheck-int-'));
    const run = fpcheck(['run', '--design', 'direct-exact', '--profile', 'x2,split', '--runs', '10000000', '--workers', '1', '--certify', '0', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')]);
    await until(() => run.stderr().includes('runs; direct-exact'), 'the search to start');
    // Long enough for the search to find the cell's first violations, far short of its budget.
    await new Promise((r) => setTimeout(r, 1500));
    const sent = Date.now();
    run.kill('SIGINT');
    const { code } = await run.exit;
    const took = Date.now() - sent;
    expect(code).toBe(EXIT.interrupted);
    expect(took).toBeLessThan(10_000);
    const record = loadRunRecord(join(dir, 'runs', 'latest.json'));
    expect(record.interrupted).toBe(true);
    expect(record.cells.some((c) => c.interrupted)).toBe(true);
    const found = record.cells.flatMap((c) => c.findings);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(replayFile(f.file).status.kind).toBe('reproduces');
    expect(listCounterexamples(join(dir, 'cx')).sort()).toEqual(found.map((f) => f.file).sort());
  });

  test('SIGKILL at moments spread over a run never leaves a torn counterexample file or run record; a later process writes the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fpcheck-kill-'));
    const args = ['run', '--design', 'direct-exact,shared-proxy', '--profile', 'x2,split', '--runs', '40', '--workers', '1', '--certify', '20000', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')];
    const start = Date.now();
    expect((await fpcheck(args).exit).code).toBe(EXIT.ok);
    const whole = Date.now() - start;
    const checkFiles = () => {
      for (const f of listCounterexamples(join(dir, 'cx'))) expect(() => loadCounterexample(f)).not.toThrow();
      for (const f of readdirSync(join(dir, 'runs')).filter((n) => n.endsWith('.json') && !n.startsWith('.'))) expect(() => loadRunRecord(join(dir, 'runs', f))).not.toThrow();
    };
    checkFiles();
    const firstRun = filesOf(join(dir, 'cx'));
    expect(Object.keys(firstRun).length).toBeGreaterThan(0);
    // The later kill points fall in the phase where files are (re)written over complete ones.
    for (const share of [0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1]) {
      const run = fpcheck(args);
      await new Promise((r) => setTimeout(r, Math.round(whole * share)));
      run.kill('SIGKILL');
      await run.exit;
      checkFiles();
    }
    expect(existsSync(join(dir, 'runs', 'latest.json'))).toBe(true);
    // Another process with the same options writes the same bytes (into an emptied directory).
    rmSync(join(dir, 'cx'), { recursive: true, force: true });
    expect((await fpcheck(args).exit).code).toBe(EXIT.ok);
    expect(filesOf(join(dir, 'cx'))).toEqual(firstRun);
  });
});
