import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test, vi } from 'vitest';
import { EXIT, main } from './cli/main.ts';
import { identifierOf, replayHint } from './suites.ts';
import { DESIGNS, type Design } from './model/index.ts';

describe('fpcheck/vitest', () => {
  test('the replay hint of a design of your own is code that parses as it is printed', () => {
    const mine = { ...DESIGNS[0]!, name: 'unmap-revoke' } as Design;
    expect(identifierOf('unmap-revoke')).toBe('unmapRevoke');
    expect(identifierOf('2-step')).toBe('design2Step');
    const hint = replayHint(mine, "it's here", 'cx/a.json');
    const code = hint.slice(0, hint.indexOf('//'));
    expect(code).toContain('unmapRevoke');
    expect(() => new Function('replaySuite', 'unmapRevoke', code)).not.toThrow();
    expect(replayHint(DESIGNS[0]!, 'cx', 'cx/a.json')).toBe('npx fpcheck replay cx/a.json');
  });

  test('checkDesigns with record: true writes a run record that fpcheck report turns into the HTML page', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fpcheck-suite-'));
    const suites = pathToFileURL(join(import.meta.dirname, 'suites.ts')).href;
    const model = pathToFileURL(join(import.meta.dirname, 'model/index.ts')).href;
    writeFileSync(
      join(dir, 'leaky.test.ts'),
      `import { checkDesigns } from ${JSON.stringify(suites)};
import { serveFromPhysmem, stateless } from ${JSON.stringify(model)};
checkDesigns({ name: 'my-leaky', summary: 'never revokes', supports: (p) => p === 'x2', start: stateless((ctx) => ({ serve: serveFromPhysmem(ctx), revoke: () => undefined, free: () => undefined })) }, { profiles: ['x2'], runs: 40, certifyTransitions: 0, record: true });
`,
    );
    const vitest = join(import.meta.dirname, 'node_modules/vitest/vitest.mjs');
    const r = spawnSync(process.execPath, [vitest, 'run', '--root', dir, '--reporter', 'verbose'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    const out = `${r.stdout}${r.stderr}`;
    // The suite fails (the design is broken), prints a hint of valid code, and still writes the record.
    expect(r.status, out).toBe(1);
    expect(out).toContain('replaySuite("counterexamples", { designs: [myLeaky] });');
    const runs = readdirSync(join(dir, 'reports/runs'));
    expect(runs).toContain('latest.json');
    const record = JSON.parse(readFileSync(join(dir, 'reports/runs/latest.json'), 'utf8'));
    expect(record.matrix.designs).toEqual(['my-leaky']);
    expect(record.cells[0].findings.length).toBeGreaterThan(0);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const leaky = join(dir, 'leaky.mjs');
    writeFileSync(leaky, `import { serveFromPhysmem, stateless } from ${JSON.stringify(model)};\nexport const myLeaky = { name: 'my-leaky', summary: 'never revokes', supports: (p) => p === 'x2', start: stateless((ctx) => ({ serve: serveFromPhysmem(ctx), revoke: () => undefined, free: () => undefined })) };\n`);
    const cwd = process.cwd();
    const findings = record.cells[0].findings.map((f: { file: string }) => f.file);
    expect(findings.every((f: string) => f.length > 0)).toBe(true);
    // The record's files are relative to the suite's working directory.
    process.chdir(dir);
    try {
      expect(await main(['report', '--design', leaky, '--out', 'html'])).toBe(EXIT.ok);
    } finally {
      process.chdir(cwd);
    }
    const html = readFileSync(join(dir, 'html/index.html'), 'utf8');
    expect(html).toContain('my-leaky');
    expect(html).toContain('class="counterexample"');
  });
});
