import pc from 'picocolors';
import { fileNameFor, saveFinding, toFile, writeFailure } from '../../counterexamples/index.ts';
import type { Finding } from '../../properties/index.ts';
import { join } from 'node:path';

/**
 * Saves counterexamples as soon as they are found (so a killed run keeps them), each once, and
 * remembers a failed write instead of losing the run over it: the run record then names no file
 * for that finding, and the failure is reported in one line.
 */
export class FindingSaver {
  private readonly saved = new Map<string, string>();
  readonly failures: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly version: string,
  ) {}

  /** Saves `f` (once) and returns its path, or '' when it could not be written. */
  save(f: Finding): string {
    const name = fileNameFor(toFile(f, this.version));
    const known = this.saved.get(name);
    if (known !== undefined) return known;
    let path = '';
    try {
      path = saveFinding(this.dir, f, this.version);
    } catch (e) {
      this.failures.push(`${join(this.dir, name)}: ${writeFailure(e)}`);
    }
    this.saved.set(name, path);
    return path;
  }

  /** One line per failed write, on standard error. */
  report(): void {
    for (const f of this.failures) process.stderr.write(pc.red(`fpcheck: could not save counterexample ${f}\n`));
  }
}
