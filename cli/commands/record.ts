import { join } from 'node:path';
import pc from 'picocolors';
import { writeAllAtomic, writeFailure } from '../../counterexamples/index.ts';
import type { RunRecord } from '../../reports/index.ts';

/**
 * Writes a run record under a name of its own and as `latest.json`, both or neither (a short
 * write leaves the last `latest.json` as it was); returns the named path, or null after reporting
 * (one line) that it could not be written.
 */
export function writeRecord(dir: string, stem: string, record: RunRecord): string | null {
  const name = join(dir, `${stem}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  try {
    const text = `${JSON.stringify(record)}\n`;
    writeAllAtomic([
      [name, text],
      [join(dir, 'latest.json'), text],
    ]);
    return name;
  } catch (e) {
    process.stderr.write(pc.red(`fpcheck: could not write the run record ${name} (nor latest.json): ${writeFailure(e)}\n`));
    return null;
  }
}
