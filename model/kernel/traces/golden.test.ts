/**
 * Differential tests against the real kernels: every sequence of the golden traces under
 * `../shared/kernels/<kernel>/` (made by running Fiasco's and Pistachio's own mapping code, see
 * each folder's FORMAT.md) is replayed op by op through the profile named after that kernel, and
 * the whole state after every op must equal the kernel's. The traces are read where they lie,
 * never copied here. Without the folder the tests are skipped, unless FPCHECK_REQUIRE_TRACES is
 * set (as CI sets it), which makes a missing folder a failure.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadTraceFile, traceFiles } from './load.ts';
import { constantChoices, KERNEL_RULES } from '../profiles.ts';
import { parseRights } from '../rights.ts';
import { kernelFor, replaySequence, showOp, type ReplayVerdict } from './replay.ts';

const ROOT = process.env.FPCHECK_KERNEL_TRACES ?? resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/kernels');
const REQUIRED = process.env.FPCHECK_REQUIRE_TRACES === '1';

const KERNELS = ['fiasco', 'pistachio'] as const;

describe.each(KERNELS)('the %s profile against %s\'s own code', (kernel) => {
  const dir = join(ROOT, kernel);
  const present = existsSync(dir);

  test.runIf(!present)(`traces of ${kernel} are at ${dir}`, () => {
    const why = `no golden traces at ${dir}: they come from running ${kernel}'s own mapping code (see FORMAT.md there); set FPCHECK_KERNEL_TRACES to their folder`;
    if (REQUIRED) throw new Error(why);
    console.warn(`skipped: ${why}`);
  });

  const files = present ? traceFiles(dir) : [];
  test.runIf(present)(`${dir} holds trace files`, () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test.each(files)('every sequence of %s agrees op by op', (file) => {
    const verdicts: Array<{ id: string; v: ReplayVerdict }> = loadTraceFile(file).map((s) => ({ id: s.id, v: replaySequence(s, kernel, kernel) }));
    const differing = verdicts.filter((x) => x.v.kind === 'differs');
    const report = differing.slice(0, 5).map(({ id, v }) =>
      v.kind === 'differs' ? `${id}: op ${v.at} ${showOp(v.op)}${v.refused ? ` (fpcheck refused: ${v.refused})` : ''}\n    ${v.diff.join('\n    ')}` : id,
    );
    expect(report.join('\n'), `${differing.length} of ${verdicts.length} sequences differ`).toBe('');
    expect(verdicts.length).toBeGreaterThan(0);
  });
});

/**
 * `pistachio-fixed` switches off exactly the rules marked `bug`: on every sequence where the
 * kernel's code took none of their branches (as the `pistachio` profile replays it), it must
 * agree with the kernel op by op as well.
 */
describe('pistachio-fixed against Pistachio\'s own code where no bug path was taken', () => {
  const dir = join(ROOT, 'pistachio');
  const files = existsSync(dir) ? traceFiles(dir) : [];
  const bugBranches = new Set(KERNEL_RULES.pistachio.filter((r) => r.bug).flatMap((r) => r.branches));
  test.each(files)('%s', (file) => {
    let clean = 0;
    const differing: string[] = [];
    for (const s of loadTraceFile(file)) {
      const k = kernelFor(s, 'pistachio');
      const bug = s.ops.some((op) => {
        const e = op.op === 'unmap' ? k.unmap(op.t, op.fp, op.flush, constantChoices()) : (op.op === 'map' ? k.map : k.grant).call(k, op.s, op.send, op.r, op.rcvBase, parseRights(op.rights), constantChoices());
        return e.branches.some((b) => bugBranches.has(b));
      });
      if (bug) continue;
      clean++;
      const v = replaySequence(s, 'pistachio-fixed', 'pistachio');
      if (v.kind === 'differs') differing.push(`${s.id}: op ${v.at} ${showOp(v.op)}\n    ${v.diff.join('\n    ')}`);
    }
    expect(differing.slice(0, 5).join('\n'), `${differing.length} of ${clean} bug-free sequences differ`).toBe('');
    expect(clean).toBeGreaterThan(0);
  });
});
