import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { BadFileError, UsageError, failedPath, writeAllAtomic, writeFailure } from '../../counterexamples/index.ts';
import { coverageHtml, coverageJson, coverageMarkdown, loadRunRecord, mergeRuns, tracePicture, type TracePicture } from '../../reports/index.ts';
import { EXIT, writableDir } from '../output.ts';
import type { Design } from '../../model/index.ts';

/** `fpcheck report`: coverage.json, coverage.md and index.html for the latest record, a named one, or the merged shards of one run. */
export function reportCommand(runs: readonly string[], opts: { runsDir: string; out: string; designs?: readonly Design[] }): number {
  const latest = join(opts.runsDir, 'latest.json');
  if (runs.length === 0 && !existsSync(latest)) throw new UsageError(`no run record at ${latest}: run \`fpcheck run\` (or \`fpcheck verify\`) first, or name a record`);
  const paths = runs.length > 0 ? runs : [latest];
  writableDir('--out', opts.out);
  const record = mergeRuns(paths.map((file) => ({ file, record: loadRunRecord(file) })));
  // Pictures come from replaying the saved files; a file that has gone or changed is named, not fatal.
  const pictures: TracePicture[] = [];
  const unreadable: Array<{ file: string; reason: string }> = [];
  for (const f of record.cells.flatMap((c) => c.findings)) {
    if (!f.file) continue;
    try {
      pictures.push(tracePicture(f.file, opts.designs));
    } catch (e) {
      if (!(e instanceof BadFileError)) throw e;
      unreadable.push({ file: f.file, reason: e.message });
    }
  }
  const written = ['coverage.json', 'coverage.md', 'index.html'].map((f) => join(opts.out, f));
  try {
    // All three or none: a short write leaves the last report as it was.
    writeAllAtomic([
      [written[0]!, `${JSON.stringify(coverageJson(record), null, 2)}\n`],
      [written[1]!, coverageMarkdown(record)],
      [written[2]!, coverageHtml(record, pictures, unreadable)],
    ]);
  } catch (e) {
    console.error(pc.red(`fpcheck: could not write ${failedPath(e) || opts.out} (the report in ${opts.out} is left as it was): ${writeFailure(e)}`));
    return EXIT.badInput;
  }
  console.log(`Wrote ${written.join(', ')} from ${paths.join(', ')}`);
  if (!record.complete) console.log(pc.yellow(`The record does not cover the whole matrix (${record.incomplete.join('; ')}); the reports say so at the top.`));
  // The reports are written whatever happens; a cited file that cannot be read is bad input all the same.
  for (const u of unreadable) console.error(pc.yellow(`fpcheck: no trace picture: ${u.reason}`));
  return unreadable.length > 0 ? EXIT.badInput : EXIT.ok;
}
