/**
 * Property suites in vitest, imported as `fpcheck/vitest`: a design (or several) becomes one
 * test per design x profile x property, named `design on profile > property`, so that
 * `vitest -t` and the vitest UI pick them; saved counterexamples become one test each.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeRecord } from './cli/commands/record.ts';
import { VERSION } from './cli/version.ts';
import { describeStatus, listCounterexamples, makeDirs, replayFile, saveFinding, showTrace } from './counterexamples/index.ts';
import { designNamed, DESIGNS, type Design } from './model/index.ts';
import { check, planOf, PROPERTIES, resultOf, type CellResult, type CheckOptions, type CheckResult, type Plan, type Property } from './properties/index.ts';
import { runRecordOf, verdictOf, type RecordedCell } from './reports/index.ts';

export interface DesignSuiteOptions extends Omit<CheckOptions, 'designs' | 'onProgress' | 'onFinding'> {
  /** Where a failing test saves its counterexample (default `counterexamples`). */
  readonly out?: string;
  /** The properties to turn into tests (default: all). */
  readonly properties?: readonly Property[];
  /** Per-test timeout in milliseconds (default 120 s: a cell's search runs inside the first of its tests). */
  readonly timeout?: number;
  /**
   * Write a run record after the file's tests (`true`: under `reports/runs/`; a string: in that
   * directory), with every finding saved under `out`, so that `npx fpcheck report` gives the
   * coverage report and HTML page of these designs. Off by default.
   */
  readonly record?: boolean | string;
}

/** A JavaScript identifier for a design's name, as a user would likely have called its variable: `unmap-revoke` becomes `unmapRevoke`. */
export const identifierOf = (name: string): string => {
  const words = name.split(/[^A-Za-z0-9_$]+/).filter((w) => w.length > 0);
  const id = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return /^[A-Za-z_$]/.test(id) ? id : `design${id.charAt(0).toUpperCase()}${id.slice(1)}`;
};

/** How to replay a saved file, as code and commands that can be pasted as they are. */
export const replayHint = (design: Design, out: string, file: string): string =>
  designNamed(design.name) === design
    ? `npx fpcheck replay ${file}`
    : `replaySuite(${JSON.stringify(out)}, { designs: [${identifierOf(design.name)}] }); // in a vitest file, ${identifierOf(design.name)} being your design ${JSON.stringify(design.name)}; or, with the design in fpcheck.config.mjs: npx fpcheck replay ${file}`;

/**
 * Registers one test per design x profile x property. Each cell is searched once, by the first
 * of its tests that runs; a test fails on a violation (with the replay trace and the path of the
 * saved counterexample) and on too little evidence (with the coverage figure it fell short of).
 * @example
 * import { checkDesigns } from 'fpcheck/vitest';
 * checkDesigns(myDesign, { profiles: ['x2', 'fiasco'], runs: 300 });
 */
export function checkDesigns(designs: Design | readonly Design[], opts: DesignSuiteOptions = {}): void {
  const list: readonly Design[] = Array.isArray(designs) ? designs : [designs as Design];
  const { out = 'counterexamples', properties = PROPERTIES, timeout = 120_000, record, ...options } = opts;
  const plan = planOf({ ...options, designs: [...list] });
  const done = new Map<number, CellResult>();
  if (record) afterAll(() => writeSuiteRecord(plan, done, typeof record === 'string' ? record : join('reports', 'runs'), out, options.paranoid ?? false));
  for (const [index, { design, profile }] of plan.cells.entries()) {
    let result: CheckResult | null = null;
    const searched = () => {
      if (!result) {
        result = check({ ...options, designs: [design], profiles: [profile] });
        done.set(index, result.cells[0]!);
      }
      return result;
    };
    describe(`${design.name} on ${profile}`, () => {
      for (const property of properties) {
        test(property, { timeout }, () => {
          const c = searched().cells[0]!;
          const files = new Map(c.findings.map((f) => [f.violation.invariant, f]));
          const cell: RecordedCell = { ...c, findings: c.findings.map((f) => ({ invariant: f.violation.invariant, block: f.block, step: f.violation.step, length: f.commands.length, message: f.violation.message, file: '', shortest: f.shortest })) };
          const v = verdictOf(cell, property);
          if (v.kind === 'violated') {
            const file = saveFinding(out, files.get(v.finding.invariant)!, 'vitest');
            const how = replayHint(design, out, file);
            expect.fail(`${v.finding.invariant} violated after ${v.finding.length} steps${v.finding.shortest === true ? ' (shortest)' : ''}: ${v.finding.message}\n${showTrace(replayFile(file, [design]))}\nsaved as ${file}; replay with: ${how}`);
          }
          if (v.kind === 'insufficient-evidence') {
            expect.fail(`too little evidence for ${v.invariant}: its premise arose in ${Math.round(v.share * 100)}% of ${c.stats.runs} runs; the 95% lower bound ${Math.round(v.lowerBound * 100)}% is under the ${Math.round(v.required * 100)}% it needs`);
          }
        });
      }
    });
  }
}

/** The run record of the cells a suite searched (a cell filtered out by `vitest -t` leaves the record incomplete, and it says so). */
function writeSuiteRecord(plan: Plan, done: ReadonlyMap<number, CellResult>, dir: string, out: string, paranoid: boolean): void {
  if (done.size === 0) return;
  const cells = [...done].sort(([a], [b]) => a - b).map(([, c]) => c);
  const result = resultOf(plan, cells, cells.some((c) => c.interrupted));
  const rec = runRecordOf(result, { fpcheck: VERSION, paranoid }, (f) => saveFinding(out, f, 'vitest'));
  makeDirs(dir);
  const written = writeRecord(dir, 'vitest', rec);
  if (!written) throw new Error(`checkDesigns: could not write the run record in ${dir}`);
}

/**
 * One test per saved counterexample in `dir`: each must still replay to the violation it
 * records (or, with `expect: 'no-longer-fails'`, no longer fail: the regression suite of a
 * design whose bugs were fixed).
 * @example
 * import { replaySuite } from 'fpcheck/vitest';
 * replaySuite('counterexamples');
 */
export function replaySuite(dir: string, opts: { readonly expect?: 'reproduces' | 'no-longer-fails'; readonly designs?: readonly Design[] } = {}): void {
  const want = opts.expect ?? 'reproduces';
  const designs = [...DESIGNS, ...(opts.designs ?? [])];
  describe(`saved counterexamples in ${dir}`, () => {
    const files = listCounterexamples(dir);
    if (files.length === 0) test.skip('(none saved)', () => undefined);
    for (const file of files) {
      test(file, () => {
        const r = replayFile(file, designs);
        if (r.status.kind !== want) expect.fail(`${describeStatus(r.status)}\n${showTrace(r)}`);
      });
    }
  });
}

