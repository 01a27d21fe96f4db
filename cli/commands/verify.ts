import pc from 'picocolors';
import { UsageError } from '../../counterexamples/index.ts';
import { MAX_SYMMETRIC_CLIENTS, NotVerifiableError, symmetryIn, verify, verifyPlan } from '../../properties/index.ts';
import { PROPERTIES, runRecordOf, showVerdict, verdictOf } from '../../reports/index.ts';
import { ProgressLine, workersFor } from '../output.ts';
import { FindingSaver } from './findings.ts';
import { finish, matrixOptions, planned, type SearchFlags } from './search.ts';
import { onInterrupt } from './signals.ts';

export interface VerifyFlags extends SearchFlags {
  depth: number;
  symmetry: boolean;
  /** The memory bound of each cell, in MiB. */
  maxMemory: number;
}

/** `fpcheck verify`: the exhaustive search of every cell to a depth; prints each cell's answer as it comes, then the matrix. */
export async function verifyCommand(flags: VerifyFlags, version: string): Promise<number> {
  const options = { ...matrixOptions(flags), depth: flags.depth, symmetry: flags.symmetry, maxBytes: flags.maxMemory * 2 ** 20 };
  const plan = planned(flags, () => verifyPlan(options));
  const c = plan.config;
  console.log(pc.bold(`Exhaustive search to depth ${plan.depth} in a world of ${c.clients} clients, ${c.memoryPages} pages, quota ${c.quota}, client spaces of ${2 ** c.clientSpaceOrder} pages, blocks up to ${2 ** c.maxOrder}, proxy spaces of ${2 ** c.proxySpaceOrder}, superpages of ${2 ** c.superpageOrder}`));
  if (flags.symmetry && !symmetryIn(c, flags.symmetry)) console.log(pc.yellow(`Symmetry reduction is off: it is for worlds of at most ${MAX_SYMMETRIC_CLIENTS} clients, and this one has ${c.clients}; the record and reports say so`));
  const saver = new FindingSaver(flags.out, version);
  const progress = new ProgressLine();
  const stop = onInterrupt();
  let result;
  try {
    result = await verify({
      ...options,
      workers: workersFor(flags.workers),
      shouldStop: () => stop.signal.aborted,
      // Saved as found: a search killed later keeps what it found.
      onFinding: (f) => void saver.save(f),
      onCell: (p) => progress.show(p.cell, p.cells, `cells; ${p.design} on ${p.profile}`),
      onDepth: (p) => progress.show(p.depth, plan.depth, `depth of ${p.design} on ${p.profile}: ${p.states.toLocaleString('en-US')} states, ${p.transitions.toLocaleString('en-US')} transitions`),
    });
  } catch (e) {
    if (e instanceof NotVerifiableError) throw new UsageError(e.message);
    throw e;
  } finally {
    progress.clear();
    stop.dispose();
  }
  const record = runRecordOf(result, { fpcheck: version, paranoid: flags.paranoid ?? false }, (f) => saver.save(f));
  for (const cell of record.cells) {
    const e = cell.exhaustive!;
    const bad = PROPERTIES.map((p) => ({ p, v: verdictOf(cell, p) })).filter(({ v }) => v.kind === 'violated');
    const line =
      bad.length > 0
        ? `VIOLATED ${bad.map(({ p, v }) => `${p} ${showVerdict(v).replace('VIOLATED ', '')}`).join(', ')}`
        : e.depthDone >= e.depth
          ? `verified to depth ${e.depth}`
          : `depth ${e.depthDone} of ${e.depth} (${cell.timedOut ? 'time limit' : e.memoryLimited ? 'memory limit' : 'interrupted'})`;
    console.log(`${cell.design} on ${cell.profile}: ${line} (${e.states.toLocaleString('en-US')} states, ${e.transitions.toLocaleString('en-US')} transitions)`);
  }
  return finish(flags, record, saver, `verify-${plan.depth}`, result.interrupted);
}
