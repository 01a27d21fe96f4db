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

  /** Saves `f` (once) and returns its path, or '' when it could not be written. */
  save(f: Finding): string {
    const name = fileNameFor(toFile(f, this.version));
    const known = this.saved.get(name);
    if (known !== undefined) return known;
    let path = '';
    try {
      const fresh = !existsSync(join(this.dir, name));
      if (!fresh && this.lowerBlockThere(join(this.dir, name), f)) {
        this.saved.set(name, join(this.dir, name));
        return join(this.dir, name);
      }
      path = saveFinding(this.dir, f, this.version);
      if (fresh) this.created.add(path);
    } catch (e) {
      this.failures.push(`${join(this.dir, name)}: ${writeFailure(e)}`);
    }
    this.saved.set(name, path);
    return path;
  }

  /**
   * Whether the file already there holds this finding (same name: same commands, configuration and
   * invariant) as a lower seed block of the same fpcheck found it: another shard's run into the same
   * directory. Of a cell's blocks the lowest one's finding is the cell's, whichever shard ran last.
   */
  private lowerBlockThere(path: string, f: Finding): boolean {
    if (f.provenance.search !== 'random') return false;
    try {
      const there = loadCounterexample(path).provenance;
      return there.search === 'random' && there.fpcheck === this.version && there.block !== undefined && there.block < f.block;
    } catch {
      return false;
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
