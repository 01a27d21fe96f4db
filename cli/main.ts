import { Command as Cli, CommanderError, InvalidArgumentError, Option } from 'commander';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { BadFileError, UsageError } from '../counterexamples/index.ts';
import { ARCH_SUPERPAGE_ORDER, DEFAULT_CONFIG, DESIGNS, PROFILE_NAMES, VERIFY_CONFIG, type Arch, type ProfileName, type WorldConfig } from '../model/index.ts';
import { DEFAULT_BLOCK_RUNS, DEFAULT_CERTIFY_TRANSITIONS, DEFAULT_SEARCH, DEFAULT_VERIFY_DEPTH, DEFAULT_VERIFY_BYTES, defaultWorkers, type Shard } from '../properties/index.ts';
import { replayCommand } from './commands/replay.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand, type RunFlags } from './commands/run.ts';
import { verifyCommand, type VerifyFlags } from './commands/verify.ts';
import { EXIT, writeErr } from './output.ts';
import { CONFIG_FILES, designsAsked, designsKnown, loadConfig, type FpcheckConfig } from './config.ts';

export { EXIT };

import { VERSION } from './version.ts';

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

/** The world options both searches take, with the given defaults. */
function worldOptions(cmd: Cli, dflt: WorldConfig): Cli {
  return cmd
    .addOption(new Option('--memory <pages>', 'physical memory in 4 KiB pages').argParser(int('--memory', 1, 2 ** 24)).default(dflt.memoryPages))
    .addOption(new Option('--clients <n>', 'number of clients').argParser(int('--clients', 1, 64)).default(dflt.clients))
    .addOption(new Option('--quota <pages>', 'pages each client may allocate').argParser(int('--quota', 1, 2 ** 24)).default(dflt.quota))
    .addOption(new Option('--client-space <order>', 'a client address space holds 2^order pages').argParser(int('--client-space', 0, 32)).default(dflt.clientSpaceOrder))
    .addOption(new Option('--proxy-space <order>', 'a proxy address space holds 2^order pages').argParser(int('--proxy-space', 0, 32)).default(dflt.proxySpaceOrder))
    .addOption(new Option('--max-order <order>', 'largest block a client allocates or requests: 2^order pages').argParser(int('--max-order', 0, 32)).default(dflt.maxOrder))
    .addOption(new Option('--superpage <order>', 'a superpage of the fiasco and pistachio profiles holds 2^order pages').argParser(int('--superpage', 1, 32)).default(dflt.superpageOrder))
    .addOption(new Option('--arch <arch>', 'real superpages for fiasco and pistachio: ia32 (4 MiB) or amd64 (2 MiB); overrides --superpage').choices(Object.keys(ARCH_SUPERPAGE_ORDER)));
}

interface WorldFlags {
  memory: number;
  clients: number;
  quota: number;
  clientSpace: number;
  proxySpace: number;
  maxOrder: number;
  superpage: number;
  arch?: Arch;
}

const configOf = (f: WorldFlags): WorldConfig => ({
  memoryPages: f.memory,
  clients: f.clients,
  quota: f.quota,
  clientSpaceOrder: f.clientSpace,
  proxySpaceOrder: f.proxySpace,
  maxOrder: f.maxOrder,
  superpageOrder: f.arch ? ARCH_SUPERPAGE_ORDER[f.arch] : f.superpage,
});

/** `--design` values, comma-separated or repeated: design names or module paths (checked once the config is loaded). */
const names = (v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',').filter((x) => x.length > 0)];

const WORLD_FLAGS = { memory: 'memoryPages', clients: 'clients', quota: 'quota', clientSpace: 'clientSpaceOrder', proxySpace: 'proxySpaceOrder', maxOrder: 'maxOrder', superpage: 'superpageOrder' } as const;

/**
 * The flags with the config file's values in place of the defaults of flags not given, and the
 * designs resolved (names of built-in and config designs, module paths); design order is the
 * matrix order that shards and merged reports share.
 */
async function configured<F extends WorldFlags & { design?: string[]; profile?: ProfileName[]; config?: string | WorldConfig }>(flags: F, cmd: Cli, keys: ReadonlyArray<keyof FpcheckConfig & keyof F>) {
  const loaded = await loadConfig(typeof flags.config === 'string' ? flags.config : undefined);
  const c = loaded.config;
  const out: Record<string, unknown> = { ...(flags as Record<string, unknown>) };
  const unset = (k: string) => cmd.getOptionValueSource(k) === 'default' || cmd.getOptionValueSource(k) === undefined;
  for (const k of keys) if (c[k] !== undefined && unset(k as string)) out[k as string] = c[k];
  if (c.world) for (const [flag, key] of Object.entries(WORLD_FLAGS)) if (c.world[key] !== undefined && unset(flag)) out[flag] = c.world[key];
  if (c.profiles && !flags.profile) out.profile = [...c.profiles];
  const designs = await designsAsked(flags.design, loaded);
  delete out.design;
  return { flags: { ...(out as F), ...(designs ? { designs } : {}) }, loaded };
}

/** Builds the CLI; each command returns its exit code through `setExit` instead of exiting, so tests can drive it. */
export function program(setExit: (code: number) => void): Cli {
  const cli = new Cli('fpcheck')
    .description('Property checker for L4 X.2 memory-server designs: searches for the shortest counterexamples to safety, isolation, availability, service and structure.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(pc.red(s)) });
  const designs = new Option('--design <names>', `designs to check (repeat or comma-separate): ${DESIGNS.map((d) => d.name).join(', ')}, those of the config file, or a module path (./my-design.js: its designs)`).argParser(names);
  const config = new Option('--config <file>', `config file (default: the first of ${CONFIG_FILES.join(', ')} in the working directory)`);
  const profiles = new Option('--profile <names>', `kernel profiles: ${PROFILE_NAMES.join(', ')}`).argParser(collect(PROFILE_NAMES, 'profile'));
  const common = (cmd: Cli) =>
    cmd
      .addOption(config)
      .option('--out <dir>', 'where counterexamples are saved', 'counterexamples')
      .option('--runs-dir <dir>', 'where run records are written', join('reports', 'runs'))
      .option('--fail-on-violation', 'exit 1 when any violation is found (for CI checking a design)')
      .addOption(new Option('--workers <n>', 'worker threads (results do not depend on it)').argParser(int('--workers', 1, 256)).default(defaultWorkers(), 'the number of cores'))
      .addOption(new Option('--shard <i/n>', 'search only slice i of n; `fpcheck report` merges the slices').argParser(shardSpec))
      .option('--paranoid', 're-check the whole mapping database and every client node after every step, not only what the step touched');

  const run = cli
    .command('run')
    .description('random search of every design on every kernel profile; saves each counterexample (as short as an exhaustive search can make it), prints the verdict matrix')
    .addOption(designs)
    .addOption(profiles)
    .addOption(new Option('--runs <n>', 'search runs per cell').argParser(int('--runs', 1, 10_000_000)).default(DEFAULT_SEARCH.runs))
    .addOption(new Option('--max-commands <n>', 'longest command sequence').argParser(int('--max-commands', 1, 100_000)).default(DEFAULT_SEARCH.maxCommands))
    .addOption(new Option('--seed <s>', 'fast-check seed; same seed, same verdicts and files').argParser(int('--seed', -(2 ** 31), 2 ** 31 - 1)).default(DEFAULT_SEARCH.seed))
    .addOption(new Option('--time-limit <s>', 'stop each cell S seconds after it starts (results then depend on speed, and the record says so)').argParser(int('--time-limit', 1, 86_400)))
    .addOption(new Option('--block-runs <n>', 'runs per seed block: the unit workers and shards share out').argParser(int('--block-runs', 1, 10_000_000)).default(DEFAULT_BLOCK_RUNS))
    .addOption(new Option('--certify <transitions>', 'budget of the exhaustive search for a shorter counterexample after each finding (0: none)').argParser(int('--certify', 0, 2 ** 40)).default(DEFAULT_CERTIFY_TRANSITIONS));
  worldOptions(common(run), DEFAULT_CONFIG).action(async (given: Omit<RunFlags, 'config'> & WorldFlags & { config?: string }, cmd: Cli) => {
    const { flags } = await configured(given, cmd, ['runs', 'maxCommands', 'seed', 'workers', 'out', 'runsDir']);
    setExit(await runCommand({ ...flags, config: configOf(flags) }, VERSION));
  });

  const verify = cli
    .command('verify')
    .description('exhaustive breadth-first search of every command sequence up to a depth: verified to depth N, the shortest counterexample, or how deep it got')
    .addOption(designs)
    .addOption(profiles)
    .addOption(new Option('--depth <n>', 'longest command sequence judged').argParser(int('--depth', 1, 64)).default(DEFAULT_VERIFY_DEPTH))
    .addOption(new Option('--time-limit <s>', 'stop each cell after S seconds; it then says how deep it got').argParser(int('--time-limit', 1, 86_400)))
    .addOption(new Option('--max-memory <MiB>', 'stop each cell at its last whole depth before its states take more than this many MiB').argParser(int('--max-memory', 1, 2 ** 20)).default(Math.floor(DEFAULT_VERIFY_BYTES / 2 ** 20), 'a quarter of the machine\'s memory, at most 4096'))
    .option('--no-symmetry', 'count states equal up to renamed clients separately (slower; the same verdicts)');
  worldOptions(common(verify), VERIFY_CONFIG).action(async (given: Omit<VerifyFlags, 'config'> & WorldFlags & { config?: string }, cmd: Cli) => {
    const { flags } = await configured(given, cmd, ['depth', 'workers', 'out', 'runsDir']);
    setExit(await verifyCommand({ ...flags, config: configOf(flags) }, VERSION));
  });

  cli
    .command('replay')
    .description('replay saved counterexamples step by step and say whether each still reproduces')
    .argument('<files...>', 'counterexample JSON files')
    .option('-q, --quiet', 'print only the status line of each file')
    .addOption(config)
    .addOption(new Option('--design <modules>', 'modules of designs of your own beyond the config file\'s (repeat or comma-separate)').argParser(names))
    .action(async (files: string[], opts: { quiet?: boolean; config?: string; design?: string[] }) => setExit(replayCommand(files, { ...opts, designs: await designsKnown(opts.design, await loadConfig(opts.config)) })));
  cli
    .command('report')
    .description('write coverage.json, coverage.md and index.html for the last run, the named run record, or the merged records of every shard of a run')
    .argument('[runs...]', 'run records; default: the latest')
    .option('--runs-dir <dir>', 'where run records are', join('reports', 'runs'))
    .option('--out <dir>', 'output directory', join('reports', 'out'))
    .addOption(config)
    .addOption(new Option('--design <modules>', 'modules of designs of your own beyond the config file\'s (repeat or comma-separate)').argParser(names))
    .action(async (runs: string[], opts: { runsDir: string; out: string; config?: string; design?: string[] }, cmd: Cli) => {
      const loaded = await loadConfig(opts.config);
      const c = loaded.config;
      const runsDir = c.runsDir !== undefined && cmd.getOptionValueSource('runsDir') === 'default' ? c.runsDir : opts.runsDir;
      const out = c.reportDir !== undefined && cmd.getOptionValueSource('out') === 'default' ? c.reportDir : opts.out;
      setExit(reportCommand(runs, { runsDir, out, designs: await designsKnown(opts.design, loaded) }));
    });
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

/** Why standard output could not be written (ENOSPC on /dev/full, EIO...), once it failed; the command goes on without it. */
let stdoutFailure: string | undefined;

/**
 * Standard output closed by its reader (`fpcheck replay *.json | head`): stop quietly, as a
 * Unix tool stopped by SIGPIPE does (exit 141). Everything written so far was written whole.
 * Standard output that cannot take what is written (`> /dev/full`): the command goes on (a
 * search still saves its files and record), then says so in one line and exits 2. Standard
 * error that cannot be written (a closed pipe, `2> /dev/full`) is given up: losing progress
 * lines must not stop a search.
 */
export function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.closedPipe);
    stdoutFailure ??= e.code ?? e.message;
  });
  process.stderr.on('error', () => undefined);
  process.once('exit', sayStdoutFailed);
}

/**
 * At exit (the stream's error may arrive after the command returned): a failed standard output
 * is an output that could not be written, exit 2, unless the run was interrupted (130).
 */
function sayStdoutFailed(): void {
  if (stdoutFailure === undefined) return;
  writeErr(pc.red(`fpcheck: could not write to standard output (${stdoutFailure}): what it should have shown is lost\n`));
  if (process.exitCode !== EXIT.interrupted && process.exitCode !== EXIT.closedPipe) process.exitCode = EXIT.badInput;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await start();

/** The command line of this process: what the `fpcheck` executable does. */
export async function start(): Promise<void> {
  quietOnClosedPipe();
  process.exitCode = await main(process.argv.slice(2));
}

export type { ProfileName };
