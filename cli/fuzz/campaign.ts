import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BadFileError, counterexampleSchema, FORMAT_NAME, FORMAT_VERSION, listCounterexamples, parseValidated, replayCounterexample, describeStatus, UsageError } from '../../counterexamples/index.ts';
import { DESIGNS, PROFILE_NAMES } from '../../model/index.ts';
import { check } from '../../properties/index.ts';
import { coverageJson, coverageMarkdown, mergeRuns, parseRunRecord, RUN_FORMAT, RUN_VERSION, runRecordOf, type RunRecord } from '../../reports/index.ts';
import { EXIT, main } from '../main.ts';
import { showTrace } from '../../counterexamples/index.ts';
import { arbitraryJsonText, mutantsOf } from './mutate.ts';

/** How one input ended: a result, a typed refusal, or a crash (any other exception, a bad exit code, or too slow). */
type Outcome = 'accepted' | 'rejected';

interface Target<T> {
  readonly name: string;
  readonly weight: number;
  readonly input: fc.Arbitrary<T>;
  run(input: T): Promise<Outcome> | Outcome;
}

export interface TargetCounts {
  tried: number;
  accepted: number;
  rejected: number;
  crashed: number;
  slowestMs: number;
}

export interface FuzzReport {
  readonly seed: number;
  tried: number;
  crashes: number;
  readonly targets: Record<string, TargetCounts>;
  /** The first few crashing inputs of each target, for a bug report. */
  readonly examples: Array<{ target: string; input: string; error: string }>;
}

export interface FuzzOptions {
  readonly cases: number;
  readonly seed: number;
  /** An input answered later than this counts as a crash (a hang, for practical purposes). */
  readonly timeBoundMs: number;
  readonly onProgress?: (r: FuzzReport) => void;
  /** Appends each input to this file before trying it, so an input that hangs can be found. */
  readonly traceFile?: string;
  /** Weights of targets by name, in place of their own (a short campaign gives the rare real-process targets more). */
  readonly weights?: Readonly<Record<string, number>>;
}

const typed = (e: unknown): boolean => e instanceof BadFileError || e instanceof UsageError;

/** Run records whose own figures disagree: what a hand edit or a corrupt copy gives. Each must be refused, never reported. */
function inconsistent(r: RunRecord): fc.Arbitrary<string> {
  const cell = r.cells[0]!;
  const inv = Object.keys(cell.stats.invariants)[0]!;
  const kind = Object.keys(cell.stats.commands)[0]!;
  const variants: unknown[] = [
    { ...r, cells: [cell, cell] },
    { ...r, cells: [{ ...cell, blocks: [1e9] }] },
    { ...r, cells: [{ ...cell, stats: { ...cell.stats, invariants: { ...cell.stats.invariants, [inv]: { ...cell.stats.invariants[inv]!, runsNonVacuous: cell.stats.runs + 1 } } } }] },
    { ...r, cells: [{ ...cell, stats: { ...cell.stats, commands: { ...cell.stats.commands, [kind]: { ...cell.stats.commands[kind as keyof typeof cell.stats.commands], generated: 1e6 } } } }] },
    { ...r, cells: [{ ...cell, stats: { ...cell.stats, runs: r.runs + 1 } }] },
    { ...r, complete: !r.complete },
    { ...r, search: 'exhaustive' },
    { ...r, cells: [{ ...cell, exhaustive: { depth: 2, depthDone: 3, states: 1, statesPerDepth: [1], transitions: 0, symmetry: true } }] },
  ];
  return fc.constantFrom(...variants.map((v) => JSON.stringify(v)));
}

const guard = (f: () => void): Outcome => {
  try {
    f();
    return 'accepted';
  } catch (e) {
    if (typed(e)) return 'rejected';
    throw e;
  }
};

/** Valid files to mutate: the committed counterexamples, and run records of a small real check (whole, and in two shards that split cells). */
function seeds(): { counterexamples: unknown[]; counterexampleFiles: string[]; runs: RunRecord[]; shards: [RunRecord, RunRecord] } {
  const dir = new URL('../../counterexamples/', import.meta.url).pathname;
  const counterexamples = listCounterexamples(dir)
    .slice(0, 8)
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as unknown);
  if (counterexamples.length === 0) throw new Error(`no counterexample files in ${dir} to start from`);
  const small = { runs: 3, maxCommands: 12, seed: 1, blockRuns: 2, certifyTransitions: 2000 };
  const fileOf = (f: { design: string; profile: string; violation: { invariant: string } }) => `counterexamples/${f.design}.${f.profile}.${f.violation.invariant}.json`;
  const runs = [undefined, { index: 1, count: 2 }, { index: 2, count: 2 }].map((shard) =>
    runRecordOf(check({ ...small, ...(shard ? { shard } : {}) }), { fpcheck: '0.0.0', paranoid: false }, fileOf),
  );
  return { counterexamples, counterexampleFiles: listCounterexamples(dir), runs, shards: [runs[1]!, runs[2]!] };
}

export function targets(scratch: string): Array<Target<never>> {
  const s = seeds();
  // Valid files whose world is hostile in size (issue 23 item 4): each must be refused at once, or replayed within the bound.
  const hugeWorld = fc
    .tuple(fc.constantFrom(...s.counterexamples), fc.constantFrom(2 ** 24, 2 ** 22, 2 ** 20, 2 ** 16, 2 ** 14), fc.constantFrom(1, 2, 3, 6, 10), fc.constantFrom('pistachio', 'fiasco', 'x2'), fc.constantFrom(2, 3, 20, 24))
    .map(([c, memoryPages, superpageOrder, profile, maxOrder]) => {
      const o = c as { config: Record<string, number> };
      return JSON.stringify({ ...o, profile, config: { ...o.config, memoryPages, superpageOrder, ...(maxOrder > 3 ? { maxOrder, clientSpaceOrder: maxOrder, proxySpaceOrder: maxOrder, quota: 2 ** maxOrder } : {}) } });
    });
  const cxText = fc.oneof({ arbitrary: fc.constantFrom(...s.counterexamples).chain(mutantsOf), weight: 4 }, { arbitrary: arbitraryJsonText(FORMAT_NAME, FORMAT_VERSION), weight: 1 }, { arbitrary: hugeWorld, weight: 1 });
  const runText = fc.oneof(
    { arbitrary: fc.constantFrom(...s.runs).chain(mutantsOf), weight: 4 },
    { arbitrary: arbitraryJsonText(RUN_FORMAT, RUN_VERSION), weight: 1 },
    { arbitrary: fc.constantFrom(...s.runs).chain(inconsistent), weight: 1 },
  );
  // Paths that are no regular file: devices, a FIFO with no writer, a directory.
  const fifo = join(scratch, 'fifo.json');
  spawnSync('mkfifo', [fifo]);
  const notFiles = fc.constantFrom('/dev/null', '/dev/zero', '/dev/urandom', fifo, scratch);
  // Outputs fpcheck cannot write: an existing file, a path under one, a directory it may not create.
  const aFile = join(scratch, 'a-file');
  writeFileSync(aFile, 'x');
  const badOut = fc.constantFrom(aFile, join(aFile, 'below'), '/proc/fpcheck-out', '/dev/null');
  const loadCx = (text: string, file: string) => {
    const c = parseValidated(text, file, counterexampleSchema, { format: FORMAT_NAME, version: FORMAT_VERSION });
    const r = replayCounterexample(c, file);
    showTrace(r);
    describeStatus(r.status);
  };
  const report = (r: RunRecord) => {
    coverageJson(r);
    coverageMarkdown(r);
  };
  let files = 0;
  const write = (text: string) => {
    const p = join(scratch, `in${files++ % 16}.json`);
    writeFileSync(p, text);
    return p;
  };
  const num = fc.constantFrom('0', '1', '2', '3', '-1', '64', '65', '256', '49152', '99999999999999999999', '1.5', '1e3', 'abc', '', ' 7', '0x10');
  const small = fc.constantFrom('1', '2', '0', '-4', 'x', '', '1e9', '3.0');
  const names = (all: readonly string[]) => fc.array(fc.oneof(fc.constantFrom(...all), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(','));
  const runArgs = fc.array(
    fc.oneof(
      fc.tuple(fc.constantFrom('--runs', '--max-commands', '--block-runs'), small),
      fc.tuple(fc.constantFrom('--seed', '--memory', '--clients', '--quota', '--proxy-space', '--time-limit'), num),
      fc.tuple(fc.constantFrom('--memory', '--superpage', '--max-order'), fc.constantFrom('16777216', '1', '2', '65536', '10', '24')),
      fc.tuple(fc.constant('--design'), names(DESIGNS.map((d) => d.name))),
      fc.tuple(fc.constant('--profile'), names(PROFILE_NAMES)),
      fc.tuple(fc.constant('--shard'), fc.constantFrom('1/2', '2/2', '3/2', '0/1', '1/0', 'a/b', '1', '/', '9999/9999')),
      fc.tuple(fc.constant('--workers'), fc.constantFrom('1', '0', '-1', 'many', '300')),
      fc.constantFrom(['--paranoid'], ['--fail-on-violation'], ['--help'], ['--bogus'], ['-x'], ['--']),
    ),
    { maxLength: 5 },
  );
  const argv: fc.Arbitrary<string[]> = fc.oneof(
    // A search always starts from a tiny budget; what the fuzzer adds can only keep it tiny or make it invalid.
    runArgs.map((xs) => ['run', '--runs', '1', '--max-commands', '4', '--workers', '1', '--certify', '200', '--out', join(scratch, 'cx'), '--runs-dir', join(scratch, 'runs'), ...xs.flat()]),
    fc.tuple(fc.array(cxText, { minLength: 1, maxLength: 2 }), fc.boolean(), fc.boolean()).map(([texts, quiet, missing]) => ['replay', ...(quiet ? ['-q'] : []), ...texts.map(write), ...(missing ? [join(scratch, 'no-such.json')] : [])]),
    fc.tuple(fc.array(notFiles, { minLength: 1, maxLength: 2 }), fc.constantFrom('replay', 'report')).map(([paths, cmd]) => [cmd, ...paths, ...(cmd === 'report' ? ['--out', join(scratch, 'out')] : [])]),
    fc.array(runText, { maxLength: 2 }).map((texts) => ['report', ...texts.map(write), '--out', join(scratch, 'out'), '--runs-dir', join(scratch, 'no-runs')]),
    fc.tuple(badOut, fc.constantFrom('run', 'verify', 'report'), fc.boolean()).map(([out, cmd, asRuns]) =>
      cmd === 'report'
        ? ['report', '--runs-dir', join(scratch, 'no-runs'), '--out', out]
        : [cmd, ...(cmd === 'run' ? ['--runs', '1', '--max-commands', '4'] : ['--depth', '1']), '--design', 'direct-exact', '--profile', 'x2', '--workers', '1', ...(asRuns ? ['--out', join(scratch, 'cx'), '--runs-dir', out] : ['--out', out, '--runs-dir', join(scratch, 'runs')])],
    ),
    // Free-form vectors leave out `run` and `report`: with their default budget and directories they would search for minutes and write into the working tree.
    fc.array(fc.oneof(fc.constantFrom('replay', 'help', '--help', '-V', '--version', '-h', 'frobnicate', '--', '-', '-q'), fc.string({ maxLength: 10 })), { maxLength: 4 }).filter((xs) => !xs.some((x) => x === 'run' || x === 'report')),
  );
  const list: Array<Target<any>> = [
    { name: 'counterexample file', weight: 450, input: cxText, run: (t: string) => guard(() => loadCx(t, 'fuzz.json')) },
    { name: 'run record', weight: 350, input: runText, run: (t: string) => guard(() => report(mergeRuns([{ file: 'fuzz.json', record: parseRunRecord(t, 'fuzz.json') }]))) },
    {
      name: 'shard records to merge',
      weight: 100,
      // Mostly the two shards of one run, each mutated, in either order; sometimes any two records.
      input: fc.oneof(
        { arbitrary: fc.tuple(mutantsOf(s.shards[0]), mutantsOf(s.shards[1]), fc.boolean()).map(([a, b, swap]): [string, string] => (swap ? [b, a] : [a, b])), weight: 3 },
        { arbitrary: fc.tuple(runText, runText), weight: 1 },
      ),
      run: ([a, b]: [string, string]) => guard(() => report(mergeRuns([{ file: 'a.json', record: parseRunRecord(a, 'a.json') }, { file: 'b.json', record: parseRunRecord(b, 'b.json') }]))),
    },
    {
      name: 'command line',
      weight: 40,
      input: argv,
      run: async (args: string[]) => {
        const code = await main(args);
        if (!(Object.values(EXIT) as number[]).includes(code)) throw new Error(`exit code ${code} is not one fpcheck documents`);
        return code === EXIT.badInput ? 'rejected' : 'accepted';
      },
    },
  ];
  // A real process whose reader hangs up after the first output, as `| head -1` does: it must stop quietly.
  const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
  if (existsSync(bin)) {
    list.push({
      name: 'closed pipe',
      weight: 1,
      input: fc.constantFrom<string[]>(['replay', ...s.counterexampleFiles.slice(0, 4)], ['replay', '-q', ...s.counterexampleFiles.slice(0, 8)], ['replay', '-q', ...s.counterexampleFiles.slice(0, 3), '/dev/null'], ['run', '--design', 'direct-exact', '--profile', 'x2', '--runs', '5', '--certify', '0', '--workers', '1', '--out', join(scratch, 'cx'), '--runs-dir', join(scratch, 'runs')], ['--help']),
      run: (args: string[]) => closedPipe(bin, args),
    });
  }
  if (existsSync(bin)) {
    const small = ['run', '--design', 'direct-exact', '--profile', 'x2', '--runs', '5', '--certify', '200', '--workers', '1'];
    // Standard streams that cannot take what is written (/dev/full), and files cut short by a file-size limit (ulimit -f): one line, a documented code, nothing torn.
    list.push({
      name: 'full stream or file-size limit',
      weight: 1,
      input: fc.record({
        args: fc.constantFrom<string[]>(['replay', ...s.counterexampleFiles.slice(0, 2)], ['replay', '-q', ...s.counterexampleFiles.slice(0, 3)], small, ['report'], ['--help']),
        redirect: fc.constantFrom('> /dev/full', '2> /dev/full', '> /dev/full 2>&1', ''),
        limit: fc.constantFrom('', 'ulimit -f 0', 'ulimit -f 1', 'ulimit -f 4'),
      }),
      run: (i: { args: string[]; redirect: string; limit: string }) => limitedRun(bin, scratch, i),
    });
  }
  return list as Array<Target<never>>;
}

/** Runs `bin` under `bash -c` with a file-size limit and redirections; judges the exit code, standard error and the files left. */
function limitedRun(bin: string, scratch: string, i: { args: string[]; redirect: string; limit: string }): Outcome {
  const dir = mkdtempSync(join(scratch, 'lim-'));
  const dirs = i.args[0] === 'run' ? ['--out', join(dir, 'cx'), '--runs-dir', join(dir, 'runs')] : i.args[0] === 'report' ? ['--runs-dir', join(dir, 'runs'), '--out', join(dir, 'out')] : [];
  const quoted = [process.execPath, bin, ...i.args, ...dirs].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${i.limit || 'true'}; exec ${quoted} ${i.redirect}`], { encoding: 'utf8', timeout: 120_000 });
  if (r.status === null) throw new Error(`no exit code (signal ${r.signal}) under ${i.limit} ${i.redirect}`);
  if (!(Object.values(EXIT) as number[]).includes(r.status)) throw new Error(`exit code ${r.status} is not one fpcheck documents, under ${i.limit} ${i.redirect}`);
  if (/Error:|at .*:\d+:\d+/.test(r.stderr)) throw new Error(`a stack trace under ${i.limit} ${i.redirect}: ${r.stderr.slice(0, 500)}`);
  // What was written is whole or absent: every counterexample and record there loads.
  for (const f of listCounterexamples(join(dir, 'cx'))) parseValidated(readFileSync(f, 'utf8'), f, counterexampleSchema, { format: FORMAT_NAME, version: FORMAT_VERSION });
  for (const f of listCounterexamples(join(dir, 'runs'))) parseRunRecord(readFileSync(f, 'utf8'), f);
  const cut = i.limit !== '' || i.redirect.startsWith('>');
  if (cut && i.args[0] !== '--help' && r.status === EXIT.ok && i.redirect.startsWith('>')) throw new Error(`exit 0 though standard output was ${i.redirect}`);
  rmSync(dir, { recursive: true, force: true });
  return r.status === EXIT.ok ? 'accepted' : 'rejected';
}

/** Runs `bin` with `args`, hangs up its standard output at the first data, and judges how it ended. */
function closedPipe(bin: string, args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('exit', (code) => {
      if (/Error:|at .*:\d+:\d+/.test(err)) reject(new Error(`a stack trace after the reader went away: ${err.slice(0, 500)}`));
      else if (code === null || !(Object.values(EXIT) as number[]).includes(code)) reject(new Error(`exit code ${code} after the reader went away`));
      else resolve(code === EXIT.badInput ? 'rejected' : 'accepted');
    });
  });
}

/**
 * Feeds generated hostile inputs to the file loaders, the report builders and the CLI, and
 * counts crashes instead of stopping at the first: a campaign reports how robust the whole
 * surface is. Reproducible from its seed.
 */
export async function fuzzCampaign(opts: FuzzOptions): Promise<FuzzReport> {
  const scratch = mkdtempSync(join(tmpdir(), 'fpcheck-fuzz-'));
  const all = targets(scratch);
  const report: FuzzReport = { seed: opts.seed, tried: 0, crashes: 0, targets: Object.fromEntries(all.map((t) => [t.name, { tried: 0, accepted: 0, rejected: 0, crashed: 0, slowestMs: 0 }])), examples: [] };
  const input = fc.oneof(...all.map((t) => ({ weight: opts.weights?.[t.name] ?? t.weight, arbitrary: t.input.map((i) => ({ target: t, i })) })));
  // The CLI prints; a campaign of thousands of cases should not.
  const saved = { log: console.log, error: console.error, out: process.stdout.write, err: process.stderr.write };
  console.log = console.error = () => undefined;
  process.stdout.write = process.stderr.write = () => true;
  try {
    await fc.assert(
      fc.asyncProperty(input, async ({ target, i }) => {
        const counts = report.targets[target.name]!;
        // A case that never returns leaves no report: with a trace file, its input is the file's last line.
        if (opts.traceFile) appendFileSync(opts.traceFile, `${target.name}\t${JSON.stringify(i).slice(0, 4000)}\n`);
        const start = performance.now();
        let outcome: Outcome | 'crashed';
        let error = '';
        try {
          outcome = await target.run(i);
        } catch (e) {
          outcome = 'crashed';
          error = e instanceof Error ? (e.stack ?? e.message) : String(e);
        }
        const ms = performance.now() - start;
        if (outcome !== 'crashed' && ms > opts.timeBoundMs) {
          outcome = 'crashed';
          error = `answered after ${Math.round(ms)} ms, over the bound of ${opts.timeBoundMs} ms`;
        }
        counts.tried++;
        counts[outcome]++;
        counts.slowestMs = Math.max(counts.slowestMs, Math.round(ms));
        report.tried++;
        if (outcome === 'crashed') {
          report.crashes++;
          if (report.examples.filter((e) => e.target === target.name).length < 3) report.examples.push({ target: target.name, input: JSON.stringify(i).slice(0, 2000), error: error.slice(0, 2000) });
        }
        if (report.tried % 500 === 0 && opts.onProgress) {
          process.stderr.write = saved.err;
          opts.onProgress(report);
          process.stderr.write = () => true;
        }
      }),
      { numRuns: opts.cases, seed: opts.seed, endOnFailure: true },
    );
  } finally {
    Object.assign(console, { log: saved.log, error: saved.error });
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    rmSync(scratch, { recursive: true, force: true });
  }
  return report;
}
