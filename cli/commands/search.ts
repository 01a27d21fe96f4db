import pc from 'picocolors';
import { UsageError } from '../../counterexamples/index.ts';
import type { Design, ProfileName, WorldConfig } from '../../model/index.ts';
import type { Shard } from '../../properties/index.ts';
import type { RunRecord } from '../../reports/index.ts';
import { EXIT, printMatrix, writableDir } from '../output.ts';
import type { FindingSaver } from './findings.ts';
import { writeRecord } from './record.ts';

/** The flags `run` and `verify` share: which cells, in which world, and where the results go. */
export interface SearchFlags {
  /** The designs to check, resolved (default: every built-in). */
  designs?: readonly Design[];
  profile?: ProfileName[];
  timeLimit?: number;
  config: WorldConfig;
  out: string;
  runsDir: string;
  failOnViolation?: boolean;
  workers: number;
  shard?: Shard;
  paranoid?: boolean;
}

/** The options of both searches that come straight from the shared flags. */
export function matrixOptions(flags: SearchFlags) {
  return {
    ...(flags.designs ? { designs: flags.designs } : {}),
    ...(flags.profile ? { profiles: flags.profile } : {}),
    config: flags.config,
    ...(flags.timeLimit ? { timeLimitMs: flags.timeLimit * 1000 } : {}),
    ...(flags.shard ? { shard: flags.shard } : {}),
    paranoid: flags.paranoid ?? false,
  };
}

/**
 * Plans the search and checks the outputs before any thread starts: a configuration, budget or
 * output that makes no sense is refused in one line.
 */
export function planned<T>(flags: SearchFlags, plan: () => T): T {
  let p: T;
  try {
    p = plan();
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  writableDir('--out', flags.out);
  writableDir('--runs-dir', flags.runsDir);
  return p;
}

/** Writes the run record, prints the matrix and what was saved, and gives the exit code. */
export function finish(flags: SearchFlags, record: RunRecord, saver: FindingSaver, name: string, interrupted: boolean): number {
  const written = writeRecord(flags.runsDir, `${name}${flags.shard ? `-shard${flags.shard.index}of${flags.shard.count}` : ''}`, record);
  printMatrix(record);
  saver.report();
  if (written) console.log(`\nRun record: ${written} (read by \`fpcheck report\`)`);
  if (interrupted) {
    console.log(pc.yellow('Interrupted: the matrix above covers only what was searched so far.'));
    return EXIT.interrupted;
  }
  if (!written || saver.failures.length > 0) return EXIT.badInput;
  return flags.failOnViolation && record.cells.some((c) => c.findings.length > 0) ? EXIT.violation : EXIT.ok;
}
