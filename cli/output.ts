import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import { makeDirs, UsageError } from '../counterexamples/index.ts';
import { PROPERTIES } from '../properties/index.ts';
import { completeness, headline, missingCells, searched, showVerdict, verdictOf, type RunRecord } from '../reports/index.ts';

/** Exit codes: 0 analysis completed, 1 a violation under --fail-on-violation (or a replay that did not reproduce), 2 bad input or an output that could not be written (a file, or standard output itself, as on /dev/full), 130 interrupted, 141 the reader of standard output went away. */
export const EXIT = { ok: 0, violation: 1, badInput: 2, interrupted: 130, closedPipe: 141 } as const;

/**
 * Makes sure `dir` is a directory fpcheck can write to, before any search starts: created if
 * missing, refused (one line naming the option) if it is a file or cannot take a new file.
 */
export function writableDir(option: string, dir: string): void {
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${option} ${dir}: is not a directory`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    try {
      makeDirs(dir);
    } catch (m) {
      throw new UsageError(`${option} ${dir}: cannot be created (${(m as NodeJS.ErrnoException).code ?? (m as Error).message})`);
    }
  }
  const probe = join(dir, `.fpcheck-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
  } catch (e) {
    throw new UsageError(`${option} ${dir}: cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** The worker count to use: at most the cores, with a warning when more were asked for. */
export function workersFor(asked: number): number {
  const cores = availableParallelism();
  if (asked <= cores) return asked;
  process.stderr.write(pc.yellow(`fpcheck: --workers ${asked} is more than the ${cores} cores; using ${cores} (more threads would only add memory and contention)\n`));
  return cores;
}

/** Writes what the terminal shows as the search goes: one rewritten line on a terminal, a line per tenth of the work in a log. */
export class ProgressLine {
  private readonly tty = process.stderr.isTTY === true;
  private tenth = -1;
  private shown = false;

  show(done: number, total: number, what: string): void {
    const line = `[${Math.floor((100 * done) / Math.max(1, total))}%] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${what}`;
    if (this.tty) {
      this.shown = true;
      writeErr(`\r${line.slice(0, 100).padEnd(100)}`);
      return;
    }
    const tenth = Math.floor((10 * done) / Math.max(1, total));
    if (tenth > this.tenth) {
      this.tenth = tenth;
      writeErr(`${line}\n`);
    }
  }

  /** A line of its own, kept above the progress line. */
  note(line: string): void {
    this.clear();
    writeErr(`${line}\n`);
  }

  clear(): void {
    if (this.tty && this.shown) writeErr(`\r${' '.repeat(100)}\r`);
    this.shown = false;
  }
}

/** Writes to standard error unless it has gone (a closed pipe there must not stop a search). */
export function writeErr(text: string): void {
  if (!process.stderr.destroyed && process.stderr.writable) process.stderr.write(text);
}

/** Prints the verdict matrix of a run record, with what each cell searched and whether the run covered everything. */
export function printMatrix(run: RunRecord): void {
  const props = [...PROPERTIES];
  const header = ['design', 'profile', 'searched', ...props];
  const cells = run.cells.map((c) => {
    const vs = props.map((p) => verdictOf(c, p));
    return { vs, cols: [c.design, c.profile, searched(c), ...vs.map(showVerdict)] };
  });
  // Cells of the matrix never started (an interrupt came first) keep their rows, as not run.
  for (const key of missingCells(run)) {
    const [design, profile] = key.split('/') as [string, string];
    cells.push({ vs: [], cols: [design, profile, 'not run', ...props.map(() => 'not run')] });
  }
  // Each column as wide as its widest entry, so that long verdicts and state counts stay aligned.
  const w = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c.cols[i]!.length)));
  const row = (cols: string[], paint: (s: string, i: number) => string = (s) => s) => console.log(cols.map((c, i) => paint(i === cols.length - 1 ? c : c.padEnd(w[i]!), i)).join('  '));
  console.log(pc.bold(`\nVerdicts: ${headline(run)}`));
  const partial = completeness(run);
  if (partial) console.log(pc.yellow(partial));
  row(header, (s) => pc.bold(s));
  for (const { vs, cols } of cells) {
    row(cols, (s, i) => {
      const v = vs[i - 3];
      if (!v) return i >= 2 && s === 'not run' ? pc.yellow(s) : s;
      return v.kind === 'violated' ? pc.red(s) : v.kind === 'holds' || v.kind === 'verified' ? pc.green(s) : pc.yellow(s);
    });
  }
  const files = run.cells.flatMap((c) => c.findings.map((f) => `  ${c.design}/${c.profile} ${f.invariant} (${f.length} steps${f.shortest === true ? ', shortest' : f.notCertified ? `, not certified shortest (${f.notCertified})` : ''}): ${f.file || '(not saved)'}`));
  if (files.length > 0) console.log(`\nCounterexamples (replay with \`fpcheck replay FILE\`):\n${files.join('\n')}`);
}
