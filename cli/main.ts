import { Command as Cli, CommanderError, InvalidArgumentError, Option } from 'commander';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { BadFileError, describeStatus, readValidated, replayFile, saveFinding, UsageError, writeAtomic, type ReplayResult } from '../counterexamples/index.ts';
import { configProblems, DEFAULT_CONFIG, DESIGNS, PROFILE_NAMES, type ProfileName } from '../model/index.ts';
import { check, DEFAULT_SEARCH, PROPERTIES } from '../properties/index.ts';
import { coverageJson, coverageMarkdown, RUN_FORMAT, RUN_VERSION, runRecordSchema, showVerdict, verdictOf, type RunRecord } from '../reports/index.ts';
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
}

function runCommand(flags: RunFlags): number {
  const config = { ...DEFAULT_CONFIG, memoryPages: flags.memory, clients: flags.clients, quota: flags.quota, proxySpaceOrder: flags.proxySpace };
  const problems = configProblems(config);
  if (problems.length > 0) throw new UsageError(`bad world configuration: ${problems.join('; ')}`);
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tty = process.stderr.isTTY;
  let lastCell = -1;
  const result = check({
    ...(flags.design ? { designs: flags.design } : {}),
    ...(flags.profile ? { profiles: flags.profile } : {}),
    config,
    runs: flags.runs,
    maxCommands: flags.maxCommands,
    seed: flags.seed,
    ...(flags.timeLimit ? { timeLimitMs: flags.timeLimit * 1000 } : {}),
    shouldStop: () => stop,
    onProgress: (p) => {
      const line = `[${p.cell + 1}/${p.cells}] ${p.design} on ${p.profile}: run ${p.runs}/${flags.runs}`;
      if (tty && p.runs % 25 === 0) process.stderr.write(`\r${line.padEnd(70)}`);
      else if (!tty && p.cell !== lastCell) process.stderr.write(`${line}\n`);
      lastCell = p.cell;
    },
  });
  if (tty) process.stderr.write(`\r${' '.repeat(70)}\r`);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const record: RunRecord = {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    fpcheck: VERSION,
    seed: flags.seed,
    runs: flags.runs,
    maxCommands: flags.maxCommands,
    config: result.config,
    interrupted: result.interrupted,
    cells: result.cells.map((c) => ({
      design: c.design,
      profile: c.profile,
      interrupted: c.interrupted,
      stats: c.stats,
      findings: c.findings.map((f) => ({ invariant: f.violation.invariant, step: f.violation.step, length: f.commands.length, message: f.violation.message, file: saveFinding(flags.out, f, VERSION) })),
    })),
  };
  const name = `run-${flags.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
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

function reportCommand(run: string | undefined, opts: { runsDir: string; out: string }): number {
  const path = run ?? join(opts.runsDir, 'latest.json');
  const record = readValidated(path, runRecordSchema, { format: RUN_FORMAT, version: RUN_VERSION }) as RunRecord;
  mkdirSync(opts.out, { recursive: true });
  writeAtomic(join(opts.out, 'coverage.json'), `${JSON.stringify(coverageJson(record), null, 2)}\n`);
  writeAtomic(join(opts.out, 'coverage.md'), coverageMarkdown(record));
  console.log(`Wrote ${join(opts.out, 'coverage.json')} and ${join(opts.out, 'coverage.md')} from ${path}`);
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
    .action((flags: RunFlags) => setExit(runCommand(flags)));
  cli
    .command('replay')
    .description('replay saved counterexamples step by step and say whether each still reproduces')
    .argument('<files...>', 'counterexample JSON files')
    .option('-q, --quiet', 'print only the status line of each file')
    .action((files: string[], opts: { quiet?: boolean }) => setExit(replayCommand(files, opts)));
  cli
    .command('report')
    .description('write coverage.json and coverage.md for the last run (or the named run record)')
    .argument('[run]', 'a run record; default: the latest')
    .option('--runs-dir <dir>', 'where run records are', join('reports', 'runs'))
    .option('--out <dir>', 'output directory', join('reports', 'out'))
    .action((run: string | undefined, opts: { runsDir: string; out: string }) => setExit(reportCommand(run, opts)));
  return cli;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code; never throws. */
export function main(argv: readonly string[]): number {
  let code: number = EXIT.ok;
  try {
    program((c) => (code = c)).parse([...argv], { from: 'user' });
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

if (process.argv[1]?.endsWith('main.ts')) process.exitCode = main(process.argv.slice(2));
