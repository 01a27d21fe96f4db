import { Command as Cli, CommanderError, InvalidArgumentError, Option } from 'commander';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { BadFileError, describeStatus, replayFile, saveFinding, UsageError, writeAtomic, type ReplayResult } from '../counterexamples/index.ts';
import { DEFAULT_CONFIG, DESIGNS, PROFILE_NAMES, type ProfileName } from '../model/index.ts';
import { checkInWorkers, planOf, DEFAULT_BLOCK_RUNS, DEFAULT_SEARCH, defaultWorkers, PROPERTIES, type Shard } from '../properties/index.ts';
import { coverageHtml, coverageJson, coverageMarkdown, loadRunRecord, mergeRuns, runRecordOf, showVerdict, tracePicture, verdictOf, type RunRecord, type TracePicture } from '../reports/index.ts';
import { showTrace } from './trace.ts';

/** Exit codes: 0 analysis completed, 1 a violation under --fail-on-violation (or a replay that did not reproduce), 2 bad input, 130 interrupted. */
export const EXIT = { ok: 0, violation: 1, badInput: 2, interrupted: 130 } as const;

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const int = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
};
const collect = (allowed: readonly string[], what: string) => (v: string, prev: string[] | undefined) => {
  const out = [...(prev ?? [])];
  for (const x of v.split(',')) {
    if (!allowed.includes(x)) throw new InvalidArgumentError(`unknown ${what} ${JSON.stringify(x)}; choose from ${allowed.join(', ')}`);
    out.push(x);
  }
  return out;
};

const shardSpec = (v: string): Shard => {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(v.trim());
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || count < 1 || index < 1 || index > count) throw new InvalidArgumentError(`--shard must be i/n with 1 <= i <= n, got ${JSON.stringify(v)}`);
  return { index, count };
};

interface RunFlags {
  design?: string[];
  profile?: ProfileName[];
  runs: number;
  maxCommands: number;
  seed: number;
  timeLimit?: number;
  memory: number;
  clients: number;
  quota: number;
  proxySpace: number;
  out: string;
  runsDir: string;
  failOnViolation?: boolean;
  workers: number;
  blockRuns: number;
  shard?: Shard;
  paranoid?: boolean;
}

async function runCommand(flags: RunFlags): Promise<number> {
  const config = { ...DEFAULT_CONFIG, memoryPages: flags.memory, clients: flags.clients, quota: flags.quota, proxySpaceOrder: flags.proxySpace };
  const options = {
    // Registry order, once each: the matrix order that shards and merged reports share.
    ...(flags.design ? { designs: DESIGNS.map((d) => d.name).filter((n) => flags.design!.includes(n)) } : {}),
    ...(flags.profile ? { profiles: flags.profile } : {}),
    config,
    runs: flags.runs,
    maxCommands: flags.maxCommands,
    seed: flags.seed,
    blockRuns: flags.blockRuns,
    ...(flags.timeLimit ? { timeLimitMs: flags.timeLimit * 1000 } : {}),
    ...(flags.shard ? { shard: flags.shard } : {}),
    paranoid: flags.paranoid ?? false,
  };
  // Refuse a configuration or budget that makes no sense before any thread starts.
  try {
    planOf(options);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  // The search runs in worker threads, so this thread stays free to take the signal at once.
  const stop = new AbortController();
  // A second signal means "now": every file is written atomically, so leaving at once tears none.
  const onSignal = () => (stop.signal.aborted ? process.exit(EXIT.interrupted) : stop.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tty = process.stderr.isTTY;
  let lastLogged = -Infinity;
  const result = await checkInWorkers({
    ...options,
    workers: flags.workers,
    signal: stop.signal,
    onProgress: (p) => {
      const block = p.blocks > 1 ? ` block ${p.block + 1}/${p.blocks}` : '';
      const line = `[${Math.floor((100 * p.done) / Math.max(1, p.total))}%] ${p.done}/${p.total} runs; ${p.design} on ${p.profile}${block}`;
      if (tty && p.runs % 10 === 0) process.stderr.write(`\r${line.padEnd(78)}`);
      // A log gets a line as each block starts, but at most one per percent of the run.
      else if (!tty && p.runs === 0 && p.done - lastLogged >= p.total / 100) {
        process.stderr.write(`${line}\n`);
        lastLogged = p.done;
      }
    },
  });
  if (tty) process.stderr.write(`\r${' '.repeat(78)}\r`);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const record = runRecordOf(result, { fpcheck: VERSION, paranoid: flags.paranoid ?? false, ...(flags.shard ? { shard: flags.shard } : {}) }, (f) => saveFinding(flags.out, f, VERSION));
  const shardTag = flags.shard ? `-shard${flags.shard.index}of${flags.shard.count}` : '';
  const name = `run-${flags.seed}${shardTag}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeAtomic(join(flags.runsDir, name), `${JSON.stringify(record)}\n`);
  writeAtomic(join(flags.runsDir, 'latest.json'), `${JSON.stringify(record)}\n`);
  printMatrix(record);
  console.log(`\nRun record: ${join(flags.runsDir, name)} (read by \`fpcheck report\`)`);
  if (result.interrupted) {
    console.log(pc.yellow('Interrupted: the matrix above covers only the cells searched so far.'));
    return EXIT.interrupted;
  }
  const violated = record.cells.some((c) => c.findings.length > 0);
  return flags.failOnViolation && violated ? EXIT.violation : EXIT.ok;
}

function printMatrix(run: RunRecord): void {
  const w = [18, 10, ...PROPERTIES.map(() => 24)];
  const row = (cols: string[], paint: (s: string, i: number) => string = (s) => s) => console.log(cols.map((c, i) => paint(c.padEnd(w[i]!), i)).join(' '));
  console.log(pc.bold(`\nVerdicts (seed ${run.seed}, ${run.runs} runs of up to ${run.maxCommands} commands per cell)`));
  row(['design', 'profile', ...PROPERTIES], (s) => pc.bold(s));
  for (const c of run.cells) {
    const vs = PROPERTIES.map((p) => verdictOf(c, p));
    row([c.design, c.profile, ...vs.map(showVerdict)], (s, i) => {
      const v = vs[i - 2];
      if (!v) return s;
      return v.kind === 'violated' ? pc.red(s) : v.kind === 'holds' ? pc.green(s) : pc.yellow(s);
    });
  }
  const files = run.cells.flatMap((c) => c.findings.map((f) => `  ${c.design}/${c.profile} ${f.invariant}: ${f.file}`));
  if (files.length > 0) console.log(`\nCounterexamples (replay with \`fpcheck replay FILE\`):\n${files.join('\n')}`);
}

function replayCommand(files: string[], opts: { quiet?: boolean }): number {
  let allReproduce = true;
  for (const f of files) {
    const r: ReplayResult = replayFile(f);
    if (!opts.quiet) console.log(showTrace(r));
    const line = `${f}: ${describeStatus(r.status)}`;
    console.log(r.status.kind === 'reproduces' ? pc.green(line) : pc.red(line));
    allReproduce &&= r.status.kind === 'reproduces';
  }
  return allReproduce ? EXIT.ok : EXIT.violation;
}

function reportCommand(runs: string[], opts: { runsDir: string; out: string }): number {
  const paths = runs.length > 0 ? runs : [join(opts.runsDir, 'latest.json')];
  const record = mergeRuns(paths.map((file) => ({ file, record: loadRunRecord(file) })));
  // Pictures come from replaying the saved files; a file that has gone or changed is named, not fatal.
  const pictures: TracePicture[] = [];
  const unreadable: Array<{ file: string; reason: string }> = [];
  for (const f of record.cells.flatMap((c) => c.findings)) {
    try {
      pictures.push(tracePicture(f.file));
    } catch (e) {
      if (!(e instanceof BadFileError)) throw e;
      unreadable.push({ file: f.file, reason: e.message });
    }
  }
  mkdirSync(opts.out, { recursive: true });
  const written = ['coverage.json', 'coverage.md', 'index.html'].map((f) => join(opts.out, f));
  writeAtomic(written[0]!, `${JSON.stringify(coverageJson(record), null, 2)}\n`);
  writeAtomic(written[1]!, coverageMarkdown(record));
  writeAtomic(written[2]!, coverageHtml(record, pictures, unreadable));
  console.log(`Wrote ${written.join(', ')} from ${paths.join(', ')}`);
  for (const u of unreadable) console.error(pc.yellow(`fpcheck: no trace picture: ${u.reason}`));
  return EXIT.ok;
}

/** Builds the CLI; `run` returns the exit code instead of exiting, so tests can drive it. */
export function program(setExit: (code: number) => void): Cli {
  const cli = new Cli('fpcheck')
    .description('Property checker for L4 X.2 memory-server designs: searches for minimal counterexamples to safety, isolation, availability and structure.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(pc.red(s)) });
  cli
    .command('run')
    .description('search every design on every kernel profile, save minimal counterexamples, print the verdict matrix')
    .option('--design <names>', `designs to check (repeat or comma-separate): ${DESIGNS.map((d) => d.name).join(', ')}`, collect(DESIGNS.map((d) => d.name), 'design'))
    .option('--profile <names>', `kernel profiles: ${PROFILE_NAMES.join(', ')}`, collect(PROFILE_NAMES, 'profile'))
    .addOption(new Option('--runs <n>', 'search runs per cell').argParser(int('--runs', 1, 10_000_000)).default(DEFAULT_SEARCH.runs))
    .addOption(new Option('--max-commands <n>', 'longest command sequence').argParser(int('--max-commands', 1, 100_000)).default(DEFAULT_SEARCH.maxCommands))
    .addOption(new Option('--seed <s>', 'fast-check seed; same seed, same verdicts and files').argParser(int('--seed', -(2 ** 31), 2 ** 31 - 1)).default(DEFAULT_SEARCH.seed))
    .addOption(new Option('--time-limit <s>', 'stop each search round after S seconds (results then depend on speed)').argParser(int('--time-limit', 1, 86_400)))
    .addOption(new Option('--memory <pages>', 'physical memory in 4 KiB pages').argParser(int('--memory', 1, 2 ** 24)).default(DEFAULT_CONFIG.memoryPages))
    .addOption(new Option('--clients <n>', 'number of clients').argParser(int('--clients', 1, 64)).default(DEFAULT_CONFIG.clients))
    .addOption(new Option('--quota <pages>', 'pages each client may allocate').argParser(int('--quota', 1, 2 ** 24)).default(DEFAULT_CONFIG.quota))
    .addOption(new Option('--proxy-space <order>', 'a proxy address space holds 2^order pages').argParser(int('--proxy-space', 0, 32)).default(DEFAULT_CONFIG.proxySpaceOrder))
    .option('--out <dir>', 'where counterexamples are saved', 'counterexamples')
    .option('--runs-dir <dir>', 'where run records are written', join('reports', 'runs'))
    .option('--fail-on-violation', 'exit 1 when any violation is found (for CI checking a design)')
    .addOption(new Option('--workers <n>', 'worker threads sharing the seed blocks of the matrix (results do not depend on it)').argParser(int('--workers', 1, 256)).default(defaultWorkers(), 'the number of cores'))
    .addOption(new Option('--block-runs <n>', 'runs per seed block: each cell searches its runs in blocks with seeds of their own, shared out over workers and shards').argParser(int('--block-runs', 1, 10_000_000)).default(DEFAULT_BLOCK_RUNS))
    .addOption(new Option('--shard <i/n>', 'search only slice i of n of the seed blocks of the matrix; `fpcheck report` merges the slices').argParser(shardSpec))
    .option('--paranoid', 're-check the whole mapping database after every step, not only what the step touched')
    .action(async (flags: RunFlags) => setExit(await runCommand(flags)));
  cli
    .command('replay')
    .description('replay saved counterexamples step by step and say whether each still reproduces')
    .argument('<files...>', 'counterexample JSON files')
    .option('-q, --quiet', 'print only the status line of each file')
    .action((files: string[], opts: { quiet?: boolean }) => setExit(replayCommand(files, opts)));
  cli
    .command('report')
    .description('write coverage.json, coverage.md and index.html for the last run, the named run record, or the merged records of every shard of a run')
    .argument('[runs...]', 'run records; default: the latest')
    .option('--runs-dir <dir>', 'where run records are', join('reports', 'runs'))
    .option('--out <dir>', 'output directory', join('reports', 'out'))
    .action((runs: string[], opts: { runsDir: string; out: string }) => setExit(reportCommand(runs, opts)));
  return cli;
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit code; bad input never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await program((c) => (code = c)).parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    if (e instanceof BadFileError || e instanceof UsageError) {
      console.error(pc.red(`fpcheck: ${e.message}`));
      return EXIT.badInput;
    }
    throw e;
  }
  return code;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
