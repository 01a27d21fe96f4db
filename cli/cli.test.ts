import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { EXIT, main } from './main.ts';

const quiet = () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
};

describe('fpcheck CLI', () => {
  test('bad arguments and bad configurations exit 2', () => {
    quiet();
    expect(main(['run', '--runs', 'many'])).toBe(EXIT.badInput);
    expect(main(['run', '--design', 'no-such-design'])).toBe(EXIT.badInput);
    expect(main(['run', '--clients', '40'])).toBe(EXIT.badInput);
    expect(main(['frobnicate'])).toBe(EXIT.badInput);
  });

  test('a corrupted counterexample file exits 2 with one line naming the file', () => {
    quiet();
    const dir = mkdtempSync(join(tmpdir(), 'fpcheck-cli-'));
    const f = join(dir, 'broken.json');
    writeFileSync(f, '{"format": "fpcheck-counterexample", "version": 1, "design": 3');
    expect(main(['replay', f])).toBe(EXIT.badInput);
    expect(vi.mocked(console.error).mock.calls.flat().join('\n')).toMatch(/broken\.json: is not valid JSON/);
  });

  test('run twice with the same seed writes identical counterexample files, and each replays', () => {
    quiet();
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'fpcheck-run-')));
    for (const d of dirs) {
      const code = main(['run', '--design', 'direct-exact', '--profile', 'x2', '--runs', '120', '--seed', '5', '--out', join(d, 'cx'), '--runs-dir', join(d, 'runs'), '--fail-on-violation']);
      expect(code).toBe(EXIT.violation);
    }
    const [a, b] = dirs.map((d) => readdirSync(join(d, 'cx')).sort());
    expect(a).toEqual(b);
    expect(a!.length).toBeGreaterThan(0);
    for (const f of a!) expect(readFileSync(join(dirs[0]!, 'cx', f), 'utf8')).toBe(readFileSync(join(dirs[1]!, 'cx', f), 'utf8'));
    expect(main(['replay', '-q', ...a!.map((f) => join(dirs[0]!, 'cx', f))])).toBe(EXIT.ok);
    expect(main(['report', '--runs-dir', join(dirs[0]!, 'runs'), '--out', join(dirs[0]!, 'out')])).toBe(EXIT.ok);
    const cov = JSON.parse(readFileSync(join(dirs[0]!, 'out', 'coverage.json'), 'utf8'));
    const rec = JSON.parse(readFileSync(join(dirs[0]!, 'runs', 'latest.json'), 'utf8'));
    expect(cov.cells[0].invariants).toEqual(rec.cells[0].stats.invariants);
  });
});
