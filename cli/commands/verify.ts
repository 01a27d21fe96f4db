import pc from 'picocolors';
import { UsageError } from '../../counterexamples/index.ts';
import type { ProfileName, WorldConfig } from '../../model/index.ts';
import { NotVerifiableError, verify, verifyPlan, type Shard } from '../../properties/index.ts';
import { PROPERTIES, runRecordOf, showVerdict, verdictOf } from '../../reports/index.ts';
import { EXIT, printMatrix, ProgressLine, workersFor, writableDir } from '../output.ts';
import { FindingSaver } from './findings.ts';
import { writeRecord } from './record.ts';
import { onInterrupt } from './signals.ts';

export interface VerifyFlags {
  design?: string[];
  profile?: ProfileName[];
  depth: number;
  timeLimit?: number;
  config: WorldConfig;
  out: string;
  runsDir: string;
  failOnViolation?: boolean;
  workers: number;
  shard?: Shard;
  symmetry: boolean;
  paranoid?: boolean;
}

/** `fpcheck verify`: the exhaustive search of every cell to a depth; prints each cell's answer as it comes, then the matrix. */
export async function verifyCommand(flags: VerifyFlags, version: string): Promise<number> {
  const options = {
    ...(flags.design ? { designs: flags.design } : {}),
    ...(flags.profile ? { profiles: flags.profile } : {}),
    config: flags.config,
    depth: flags.depth,
    symmetry: flags.symmetry,
    ...(flags.timeLimit ? { timeLimitMs: flags.timeLimit * 1000 } : {}),
    ...(flags.shard ? { shard: flags.shard } : {}),
    paranoid: flags.paranoid ?? false,
  };
  let plan;
  try {
    plan = verifyPlan(options);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  writableDir('--out', flags.out);
  writableDir('--runs-dir', flags.runsDir);
  const c = plan.config;
  console.log(pc.bold(`Exhaustive search to depth ${plan.depth} in a world of ${c.clients} clients, ${c.memoryPages} pages, quota ${c.quota}, client spaces of ${2 ** c.clientSpaceOrder} pages, blocks up to ${2 ** c.maxOrder}, proxy spaces of ${2 ** c.proxySpaceOrder}, superpages of ${2 ** c.superpageOrder}`));
  const saver = new FindingSaver(flags.out, version);
  const progress = new ProgressLine();
  const stop = onInterrupt();
  let result;
  try {
    result = await verify({
      ...options,
      workers: workersFor(flags.workers),
      shouldStop: () => stop.signal.aborted,
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
          : `depth ${e.depthDone} of ${e.depth} (${cell.timedOut ? 'time limit' : 'interrupted'})`;
    console.log(`${cell.design} on ${cell.profile}: ${line} (${e.states.toLocaleString('en-US')} states, ${e.transitions.toLocaleString('en-US')} transitions)`);
  }
  const written = writeRecord(flags.runsDir, `verify-${plan.depth}${flags.shard ? `-shard${flags.shard.index}of${flags.shard.count}` : ''}`, record);
  printMatrix(record);
  saver.report();
  if (written) console.log(`\nRun record: ${written} (read by \`fpcheck report\`)`);
  if (result.interrupted) return EXIT.interrupted;
  if (!written || saver.failures.length > 0) return EXIT.badInput;
  return flags.failOnViolation && record.cells.some((x) => x.findings.length > 0) ? EXIT.violation : EXIT.ok;
}
