import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test, vi } from 'vitest';
import { loadConfig } from './config.ts';
import { EXIT, main } from './main.ts';

/** Console output of the calls so far, one string. */
const captured = () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return () => lines.join('\n');
};

const model = pathToFileURL(join(import.meta.dirname, '../model/index.ts')).href;
const index = pathToFileURL(join(import.meta.dirname, '../index.ts')).href;

/** A project of its own: a design module (one that never revokes: violations at once), and a config naming it. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fpcheck-config-'));
  writeFileSync(
    join(dir, 'leaky.mjs'),
    `import { stateless, serveFromPhysmem } from ${JSON.stringify(model)};
export default {
  name: 'leaky', summary: 'never revokes', supports: (p) => p === 'x2', symmetric: true,
  start: stateless((ctx) => ({ serve: serveFromPhysmem(ctx), revoke: () => undefined, free: () => undefined })),
};
`,
  );
  writeFileSync(join(dir, 'fpcheck.config.mjs'), `import { defineConfig } from ${JSON.stringify(index)};\nimport leaky from './leaky.mjs';\nexport default defineConfig({ designs: [leaky], runs: 20, depth: 2 });\n`);
  return dir;
}

describe('fpcheck.config and --design', () => {
  test('the config in the working directory is found, and its designs are the default matrix', async () => {
    const dir = project();
    const { file, config } = await loadConfig(undefined, dir);
    expect(file).toBe(join(dir, 'fpcheck.config.mjs'));
    expect(config.designs!.map((d) => d.name)).toEqual(['leaky']);
    expect((await loadConfig(undefined, mkdtempSync(join(tmpdir(), 'fpcheck-noconfig-')))).file).toBeNull();
  });

  test('run (two workers), replay, verify (two workers) and report of a design named only in the config', async () => {
    const out = captured();
    const dir = project();
    const at = (p: string) => join(dir, p);
    const cfg = ['--config', at('fpcheck.config.mjs'), '--out', at('cx'), '--runs-dir', at('runs')];
    expect(await main(['run', ...cfg, '--workers', '2', '--certify', '200', '--max-commands', '12'])).toBe(EXIT.ok);
    const record = JSON.parse(readFileSync(at('runs/latest.json'), 'utf8'));
    // runs: 20 from the config; the matrix is the config's design alone.
    expect(record.cells.map((c: { design: string; stats: { runs: number } }) => [c.design, c.stats.runs])).toEqual([['leaky', 20]]);
    const saved = readdirSync(at('cx')).filter((f) => f.startsWith('leaky.'));
    expect(saved.length).toBeGreaterThan(0);
    expect(await main(['replay', '-q', '--config', at('fpcheck.config.mjs'), at(`cx/${saved[0]}`)])).toBe(EXIT.ok);
    expect(out()).toMatch(/reproduces/);
    // Without the config, the file's design is unknown: bad input, not a crash.
    writeFileSync(at('empty.mjs'), 'export default {};\n');
    expect(await main(['replay', '-q', '--config', at('empty.mjs'), at(`cx/${saved[0]}`)])).toBe(EXIT.badInput);
    expect(out()).toMatch(/unknown design "leaky"/);
    expect(await main(['replay', '-q', '--design', at('leaky.mjs'), '--config', at('fpcheck.config.mjs'), at(`cx/${saved[0]}`)])).toBe(EXIT.ok);
    expect(await main(['report', '--config', at('fpcheck.config.mjs'), '--runs-dir', at('runs'), '--out', at('html')])).toBe(EXIT.ok);
    expect(readFileSync(at('html/index.html'), 'utf8')).toMatch(/leaky/);
    expect(await main(['verify', ...cfg, '--workers', '2', '--clients', '2', '--memory', '8', '--quota', '4'])).toBe(EXIT.ok);
    expect(out()).toMatch(/leaky on x2: (VIOLATED|verified to depth 2)/);
    expect(out()).toMatch(/Exhaustive search to depth 2 /);
  });

  test('--design names a module directly, beside built-in designs by name', async () => {
    const out = captured();
    const dir = project();
    const at = (p: string) => join(dir, p);
    expect(await main(['run', '--config', at('none.mjs'), '--design', at('leaky.mjs')])).toBe(EXIT.badInput);
    expect(await main(['run', '--config', at('fpcheck.config.mjs'), '--design', 'no-such', '--out', at('cx'), '--runs-dir', at('runs')])).toBe(EXIT.badInput);
    expect(out()).toMatch(/unknown design "no-such"; choose from leaky, direct-exact/);
    expect(await main(['run', '--config', at('fpcheck.config.mjs'), '--design', `${at('leaky.mjs')},direct-exact`, '--profile', 'x2', '--runs', '5', '--certify', '0', '--workers', '2', '--out', at('cx'), '--runs-dir', at('runs')])).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(at('runs/latest.json'), 'utf8')).matrix.designs).toEqual(['direct-exact', 'leaky']);
  });

  test('a TypeScript config is loaded (here through the loader the tests run under; in a project, tsx or a Node that strips types)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fpcheck-tsconfig-'));
    writeFileSync(join(dir, 'fpcheck.config.ts'), `const runs: number = 7;\nexport default { runs, profiles: ['x2'] as const };\n`);
    writeFileSync(join(dir, 'fpcheck.config.mjs'), `export default { runs: 8 };\n`);
    const { file, config } = await loadConfig(undefined, dir);
    expect(file).toBe(join(dir, 'fpcheck.config.ts'));
    expect(config.runs).toBe(7);
  });

  test('a bad config is refused with exit 2, naming the file and what is wrong', async () => {
    const out = captured();
    const dir = mkdtempSync(join(tmpdir(), 'fpcheck-badconfig-'));
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cases: Array<[string, RegExp]> = [
      [write('a.mjs', 'export default { designs: [42] };'), /a\.mjs: designs\.0: is not a design/],
      [write('b.mjs', 'export default { runs: "many" };'), /b\.mjs: runs:/],
      [write('c.mjs', 'export default { colour: "red" };'), /c\.mjs: .*colour/],
      [write('d.mjs', 'export const designs = [];'), /d\.mjs: has no default export/],
      [write('e.mjs', 'export default {;'), /e\.mjs: could not be loaded/],
      [write('f.mjs', 'export default { world: { clients: 40 } };'), /f\.mjs: world:/],
      [join(dir, 'missing.mjs'), /--config .*missing\.mjs: no such file/],
    ];
    for (const [file, why] of cases) {
      expect(await main(['run', '--config', file, '--runs', '1'])).toBe(EXIT.badInput);
      expect(out()).toMatch(why);
    }
    mkdirSync(join(dir, 'm'));
    expect(await main(['run', '--config', join(dir, 'a.mjs'), '--design', './m/none.mjs'])).toBe(EXIT.badInput);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  });
});
