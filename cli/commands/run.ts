import pc from 'picocolors';
import { UsageError } from '../../counterexamples/index.ts';
import type { ProfileName, WorldConfig } from '../../model/index.ts';
import { checkInWorkers, planOf, type Shard } from '../../properties/index.ts';
import { runRecordOf } from '../../reports/index.ts';
import { EXIT, printMatrix, ProgressLine, workersFor, writableDir } from '../output.ts';
import { FindingSaver } from './findings.ts';
import { writeRecord } from './record.ts';
import { onInterrupt } from './signals.ts';

export interface RunFlags {
  design?: string[];
  profile?: ProfileName[];
  runs: number;
  maxCommands: number;
  seed: number;
  timeLimit?: number;
  config: WorldConfig;
  out: string;
  runsDir: string;
  failOnViolation?: boolean;
  workers: number;
  blockRuns: number;
  certify: number;
  shard?: Shard;
  paranoid?: boolean;
}

/** `fpcheck run`: the random search of every cell, each finding saved as found and searched for a shorter one; prints the matrix. */
export async function runCommand(flags: RunFlags, version: string): Promise<number> {
  const options = {
    ...(flags.design ? { designs: flags.design } : {}),
    ...(flags.profile ? { profiles: flags.profile } : {}),
    config: flags.config,
    runs: flags.runs,
    maxCommands: flags.maxCommands,
    seed: flags.seed,
    blockRuns: flags.blockRuns,
    certifyTransitions: flags.certify,
    ...(flags.timeLimit ? { timeLimitMs: flags.timeLimit * 1000 } : {}),
    ...(flags.shard ? { shard: flags.shard } : {}),
    paranoid: flags.paranoid ?? false,
  };
  // Refuse a configuration, budget or output that makes no sense before any thread starts.
  try {
    planOf(options);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  writableDir('--out', flags.out);
  writableDir('--runs-dir', flags.runsDir);
  const saver = new FindingSaver(flags.out, version);
  const progress = new ProgressLine();
  const stop = onInterrupt();
  let result;
  try {
    result = await checkInWorkers({
      ...options,
      workers: workersFor(flags.workers),
      signal: stop.signal,
      onFinding: (f) => void saver.save(f),
      onProgress: (p) => progress.show(p.done, p.total, `runs; ${p.design} on ${p.profile}${p.blocks > 1 ? ` block ${p.block + 1}/${p.blocks}` : ''}`),
    });
  } finally {
    progress.clear();
    stop.dispose();
  }
  const record = runRecordOf(result, { fpcheck: version, paranoid: flags.paranoid ?? false }, (f) => saver.save(f));
  const written = writeRecord(flags.runsDir, `run-${flags.seed}${flags.shard ? `-shard${flags.shard.index}of${flags.shard.count}` : ''}`, record);
  printMatrix(record);
  saver.report();
  if (written) console.log(`\nRun record: ${written} (read by \`fpcheck report\`)`);
  if (result.interrupted) {
    console.log(pc.yellow('Interrupted: the matrix above covers only what was searched so far.'));
    return EXIT.interrupted;
  }
  if (!written || saver.failures.length > 0) return EXIT.badInput;
  return flags.failOnViolation && record.cells.some((c) => c.findings.length > 0) ? EXIT.violation : EXIT.ok;
}
