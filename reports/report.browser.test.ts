import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { EXIT, main } from '../cli/main.ts';
import { DESIGNS } from '../model/index.ts';
import { PROPERTIES } from '../properties/index.ts';
import { loadRunRecord, verdictOf } from './index.ts';

/** Debian's chromium; FPCHECK_CHROMIUM names another. CI (which installs it) sets FPCHECK_REQUIRE_BROWSER so a missing browser fails. */
const CHROMIUM = process.env.FPCHECK_CHROMIUM ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present && process.env.FPCHECK_REQUIRE_BROWSER) throw new Error(`no browser at ${CHROMIUM}; install Debian's chromium or set FPCHECK_CHROMIUM`);

describe.skipIf(!present)(`index.html in headless Chromium (${CHROMIUM})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fpcheck-html-'));
  let browser: Browser;

  beforeAll(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    // Every design, on a spec-level, a named-kernel and the extended profile (kernel-extension runs there only).
    expect(await main(['run', '--profile', 'x2,pistachio,extended', '--runs', '40', '--certify', '20000', '--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')])).toBe(EXIT.ok);
    expect(await main(['report', '--runs-dir', join(dir, 'runs'), '--out', join(dir, 'out')])).toBe(EXIT.ok);
    vi.restoreAllMocks();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  }, 120_000);
  afterAll(async () => browser?.close());

  test('renders the matrix, the cost charts and the trace pictures, offline and without console errors', async () => {
    const record = loadRunRecord(join(dir, 'runs', 'latest.json'));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(join(dir, 'out', 'index.html')).href);

    // The matrix: a row per cell, every design present, every verdict the run record's.
    const rows = page.locator('table.matrix tr[data-design]');
    expect(await rows.count()).toBe(record.cells.length);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => ({ design: tr.getAttribute('data-design'), profile: tr.getAttribute('data-profile'), verdicts: [...tr.querySelectorAll('td[data-verdict]')].map((td) => td.getAttribute('data-verdict')) })));
    expect(new Set(shown.map((r) => r.design))).toEqual(new Set(DESIGNS.map((d) => d.name)));
    expect(shown).toEqual(record.cells.map((c) => ({ design: c.design, profile: c.profile, verdicts: PROPERTIES.map((p) => verdictOf(c, p).kind) })));
    expect((await rows.first().boundingBox())!.height).toBeGreaterThan(0);

    // Cost charts: four per design, drawn with bars and a visible size.
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(4 * DESIGNS.length);
    expect(await charts.first().locator('rect').count()).toBeGreaterThan(0);
    expect((await charts.first().boundingBox())!.width).toBeGreaterThan(0);

    // A trace picture per counterexample, with the nodes the violating step removed, created or left extant marked.
    const findings = record.cells.flatMap((c) => c.findings);
    expect(findings.length).toBeGreaterThan(0);
    expect(await page.locator('section.counterexample').count()).toBe(findings.length);
    const marked = page.locator('svg.trace g.node.removed, svg.trace g.node.extant, svg.trace g.node.created');
    expect(await marked.count()).toBeGreaterThan(0);
    await marked.first().scrollIntoViewIfNeeded();
    expect(await marked.first().isVisible()).toBe(true);

    // The page fits a 1,400 px screen: wide tables scroll in boxes of their own, not the page.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1400);
    // Every violated matrix cell links to its counterexample's picture on the page, and the link lands there.
    const links = page.locator('table.matrix td[data-verdict="violated"] a[href^="#"]');
    expect(await links.count()).toBe(await page.locator('table.matrix td[data-verdict="violated"]').count());
    const targets = await page.locator('a[href^="#"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!.slice(1)));
    expect(targets.length).toBeGreaterThan(0);
    for (const id of new Set(targets)) expect(await page.locator(`[id="${id}"] svg.trace`).count(), id).toBeGreaterThan(0);
    await links.first().click();
    const target = (await links.first().getAttribute('href'))!.slice(1);
    const box = (await page.locator(`[id="${target}"]`).boundingBox())!;
    // After the jump the picture's section is in the viewport (boundingBox is relative to it).
    expect(box.y).toBeGreaterThanOrEqual(-1);
    expect(box.y).toBeLessThan(900);
    // A violated invariant's coverage bar says at which run, instead of looking empty.
    expect(await page.locator('table.coverage td[data-violated-at] svg.bar.violated').first().textContent()).toMatch(/violated at run \d+/);

    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    // The numbers drawn are the run's own.
    const coverage = JSON.parse(readFileSync(join(dir, 'out', 'coverage.json'), 'utf8'));
    const first = await page.locator('table.coverage td[data-invariant]').first().getAttribute('data-runs-non-vacuous');
    expect(Number(first)).toBe(coverage.cells[0].invariants[Object.keys(coverage.cells[0].invariants)[0]!].runsNonVacuous);
    await page.close();
  }, 60_000);
});
