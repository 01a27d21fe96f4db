/**
 * Property suites in vitest, imported as `fpcheck/vitest`: a design (or several) becomes one
 * test per design x profile x property, named `design on profile > property`, so that
 * `vitest -t` and the vitest UI pick them; saved counterexamples become one test each.
 */
import { describe, expect, test } from 'vitest';
import { describeStatus, listCounterexamples, replayFile, saveFinding, showTrace } from './counterexamples/index.ts';
import { designNamed, DESIGNS, type Design } from './model/index.ts';
import { check, planOf, PROPERTIES, type CheckOptions, type CheckResult, type Property } from './properties/index.ts';
import { verdictOf, type RecordedCell } from './reports/index.ts';

export interface DesignSuiteOptions extends Omit<CheckOptions, 'designs' | 'onProgress' | 'onFinding'> {
  /** Where a failing test saves its counterexample (default `counterexamples`). */
  readonly out?: string;
  /** The properties to turn into tests (default: all). */
  readonly properties?: readonly Property[];
  /** Per-test timeout in milliseconds (default 120 s: a cell's search runs inside the first of its tests). */
  readonly timeout?: number;
}

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
  const { out = 'counterexamples', properties = PROPERTIES, timeout = 120_000, ...options } = opts;
  const plan = planOf({ ...options, designs: [...list] });
  for (const { design, profile } of plan.cells) {
    let result: CheckResult | null = null;
    const searched = () => (result ??= check({ ...options, designs: [design], profiles: [profile] }));
    describe(`${design.name} on ${profile}`, () => {
      for (const property of properties) {
        test(property, { timeout }, () => {
          const c = searched().cells[0]!;
          const files = new Map(c.findings.map((f) => [f.violation.invariant, f]));
          const cell: RecordedCell = { ...c, findings: c.findings.map((f) => ({ invariant: f.violation.invariant, block: f.block, step: f.violation.step, length: f.commands.length, message: f.violation.message, file: '', shortest: f.shortest })) };
          const v = verdictOf(cell, property);
          if (v.kind === 'violated') {
            const file = saveFinding(out, files.get(v.finding.invariant)!, 'vitest');
            const how = designNamed(design.name) === design ? `npx fpcheck replay ${file}` : `replaySuite('${out}', { designs: [${design.name}] }) in a vitest file`;
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

