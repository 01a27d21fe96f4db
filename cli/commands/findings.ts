import { existsSync, rmSync } from 'node:fs';
import pc from 'picocolors';
import { fileNameFor, loadCounterexample, saveFinding, toFile, writeFailure } from '../../counterexamples/index.ts';
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

  /** Files this saver created (none was there before): the only ones `prune` may remove. */
  private readonly created = new Set<string>();
  /** Per cell and invariant, the lowest seed block whose finding was saved as found. */
  private readonly lowest = new Map<string, number>();

  /**
   * Saves a finding as the search reports it, unless a lower seed block of its cell already gave
   * one of the same invariant: of a cell's blocks the matrix lists the lowest block's finding, so
   * a higher block's is not worth a file.
   */
  saveFound(f: Finding): string {
    const key = `${f.design}/${f.profile}/${f.violation.invariant}`;
    const low = this.lowest.get(key);
    if (low !== undefined && low <= f.block) return '';
    this.lowest.set(key, f.block);
    return this.save(f);
  }

  /**
   * Saves `f` and returns its path, or '' when it could not be written. A file of the same name
   * holds the same trace; of two seed blocks that found it, the file keeps the lower block's
   * finding, whichever finished first: a worker's or another shard's into the same directory.
   */
  save(f: Finding): string {
    const name = fileNameFor(toFile(f, this.version));
    const path = join(this.dir, name);
    const known = this.saved.get(name);
    if (known === '') return '';
    const there = existsSync(path) ? this.blockThere(path) : null;
    const lower = there !== null && f.provenance.search === 'random' && f.block < there;
    if (known !== undefined && !lower) return known;
    if (known === undefined && there !== null && there < f.block) {
      this.saved.set(name, path);
      return path;
    }
    try {
      const fresh = !existsSync(path);
      saveFinding(this.dir, f, this.version);
      if (fresh) this.created.add(path);
      this.saved.set(name, path);
      return path;
    } catch (e) {
      this.failures.push(`${path}: ${writeFailure(e)}`);
      this.saved.set(name, '');
      return '';
    }
  }

  /** The seed block of the random-search finding in the file there, as this fpcheck wrote it; null for any other file. */
  private blockThere(path: string): number | null {
    try {
      const there = loadCounterexample(path).provenance;
      return there.search === 'random' && there.fpcheck === this.version ? there.block : null;
    } catch {
      return null;
    }
  }

  /**
   * Removes the files this saver created that the run record does not list (a higher seed
   * block's finding, saved before a lower block found one of the same invariant). A file that
   * was there before the run is never removed.
   */
  prune(listed: Iterable<string>): void {
    const keep = new Set(listed);
    for (const path of this.created) {
      if (keep.has(path)) continue;
      rmSync(path, { force: true });
      this.created.delete(path);
      for (const [name, p] of this.saved) if (p === path) this.saved.delete(name);
    }
  }

  /** One line per failed write, on standard error. */
  report(): void {
    for (const f of this.failures) process.stderr.write(pc.red(`fpcheck: could not save counterexample ${f}\n`));
  }
}
