import pc from 'picocolors';
import { BadFileError, describeStatus, replayFile } from '../../counterexamples/index.ts';
import { EXIT } from '../output.ts';
import type { Design } from '../../model/index.ts';
import { showTrace } from '../../counterexamples/index.ts';

/** `fpcheck replay`: each file in turn, one line each; the exit code is the worst of them (a file that cannot be read counts as bad input). */
export function replayCommand(files: readonly string[], opts: { quiet?: boolean; designs?: readonly Design[] }): number {
  let worst: number = EXIT.ok;
  for (const f of files) {
    try {
      const r = replayFile(f, opts.designs);
      if (!opts.quiet) console.log(showTrace(r));
      const line = `${f}: ${describeStatus(r.status)}`;
      console.log(r.status.kind === 'reproduces' ? pc.green(line) : pc.red(line));
      if (r.status.kind !== 'reproduces') worst = Math.max(worst, EXIT.violation);
    } catch (e) {
      if (!(e instanceof BadFileError)) throw e;
      console.error(pc.red(`fpcheck: ${e.message}`));
      worst = EXIT.badInput;
    }
  }
  return worst;
}
