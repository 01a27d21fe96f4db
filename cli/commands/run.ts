import pc from 'picocolors';
import { checkInWorkers, planOf } from '../../properties/index.ts';
import { runRecordOf } from '../../reports/index.ts';
import { ProgressLine, workersFor } from '../output.ts';
import { FindingSaver } from './findings.ts';
import { finish, matrixOptions, planned, type SearchFlags } from './search.ts';
import { onInterrupt } from './signals.ts';

export interface RunFlags extends SearchFlags {
  runs: number;
  maxCommands: number;
  seed: number;
  blockRuns: number;
  certify: number;
}

/** `fpcheck run`: the random search of every cell, each finding saved as found and searched for a shorter one; prints the matrix. */
export async function runCommand(flags: RunFlags, version: string): Promise<number> {
  const options = {
    ...matrixOptions(flags),
    runs: flags.runs,
    maxCommands: flags.maxCommands,
    seed: flags.seed,
    blockRuns: flags.blockRuns,
    certifyTransitions: flags.certify,
  };
  planned(flags, () => planOf(options));
  const saver = new FindingSaver(flags.out, version);
  const progress = new ProgressLine();
  const stop = onInterrupt();
  let result;
  try {
    result = await checkInWorkers({
      ...options,
      workers: workersFor(flags.workers),
      signal: stop.signal,
      onFinding: (f) => void saver.saveFound(f),
      onProgress: (p) => progress.show(p.done, p.total, `runs; ${p.design} on ${p.profile}${p.blocks > 1 ? ` block ${p.block + 1}/${p.blocks}` : ''}`),
    });
  } finally {
    progress.clear();
    stop.dispose();
  }
  const record = runRecordOf(result, { fpcheck: version, paranoid: flags.paranoid ?? false }, (f) => saver.save(f));
  // The matrix lists one finding per cell and invariant: files of other blocks' findings go.
  saver.prune(record.cells.flatMap((c) => c.findings.map((f) => f.file)));
  return finish(flags, record, saver, `run-${flags.seed}`, result.interrupted);
}
