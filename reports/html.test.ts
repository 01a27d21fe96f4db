import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { saveFinding } from '../counterexamples/index.ts';
import { KERNEL_BRANCHES } from '../model/index.ts';
import { check, PROPERTIES } from '../properties/index.ts';
import { coverageHtml, runRecordOf, tracePicture, verdictOf } from './index.ts';

test('the HTML report: violated cells link to their pictures, violated invariants say when, zero branch columns fold into a note', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fpcheck-htmlx-'));
  const result = check({ designs: ['direct-exact', 'per-task-proxy'], profiles: ['x2'], runs: 60, blockRuns: 25, seed: 4, certifyTransitions: 2000 });
  const record = runRecordOf(result, { fpcheck: '0.0.0', paranoid: false }, (f) => saveFinding(dir, f, '0.0.0'));
  const pictures = record.cells.flatMap((c) => c.findings.map((f) => tracePicture(f.file)));
  const html = coverageHtml(record, pictures);

  // Every in-page link names an anchor that exists, and every violated matrix cell has one.
  const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
  const hrefs = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
  expect(hrefs.length).toBeGreaterThan(0);
  for (const h of hrefs) expect(ids.has(h), h).toBe(true);
  const violatedCells = record.cells.flatMap((c) => PROPERTIES.filter((p) => verdictOf(c, p).kind === 'violated'));
  expect(violatedCells.length).toBeGreaterThan(0);
  expect([...html.matchAll(/<td class="v"[^>]*data-verdict="violated"[^>]*><a href="#cx-\d+">/g)].length).toBe(violatedCells.length);

  // A violated invariant's coverage cell says at which run of the cell, within its budget.
  const found = record.cells.flatMap((c) => c.findings);
  const at = [...html.matchAll(/data-violated-at="(\d+)"/g)].map((m) => Number(m[1]));
  expect(at.length).toBe(found.length);
  for (const k of at) expect(k).toBeGreaterThanOrEqual(1), expect(k).toBeLessThanOrEqual(60);
  expect(html).toMatch(/violated at run \d+/);

  // The kernel-branch table draws only branches some design took; the rest are named once.
  const head = /<table class="branches"><tr>(.*?)<\/tr>/.exec(html)![1]!;
  const columns = [...head.matchAll(/<th>([^<]+)<\/th>/g)].map((m) => m[1]).slice(1);
  const taken = KERNEL_BRANCHES.filter((b) => record.cells.some((c) => (c.stats.branches[b] ?? 0) > 0));
  expect(columns).toEqual(taken);
  if (taken.length < KERNEL_BRANCHES.length) expect(html).toMatch(/class="note untaken"/);
  // Every table sits in a box of its own that scrolls, so none widens the page.
  expect([...html.matchAll(/<table/g)].length).toBe([...html.matchAll(/<div class="scroll"><table/g)].length);
});
