import { join } from 'node:path';
import pc from 'picocolors';
import { writeAtomic, writeFailure } from '../../counterexamples/index.ts';
import type { RunRecord } from '../../reports/index.ts';

/**
 * Writes a run record under a name of its own and as `latest.json`; returns the named path, or
 * null after reporting (one line) that it could not be written.
 */
export function writeRecord(dir: string, stem: string, record: RunRecord): string | null {
  const name = join(dir, `${stem}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  try {
    writeAtomic(name, `${JSON.stringify(record)}\n`);
    writeAtomic(join(dir, 'latest.json'), `${JSON.stringify(record)}\n`);
    return name;
  } catch (e) {
    process.stderr.write(pc.red(`fpcheck: could not write the run record in ${dir}: ${writeFailure(e)}\n`));
    return null;
  }
}
