import { Command as Cli, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { fuzzCampaign, type FuzzReport } from './campaign.ts';

/** `npm run fuzz`: a long fuzz campaign against the loaders, the reports and the CLI. Exits 1 on any crash. */
const count = (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`must be a positive whole number, got ${JSON.stringify(v)}`);
  return n;
};

const show = (r: FuzzReport) =>
  Object.entries(r.targets)
    .map(([name, c]) => `  ${name.padEnd(24)} tried ${String(c.tried).padStart(7)}  accepted ${String(c.accepted).padStart(6)}  rejected ${String(c.rejected).padStart(7)}  crashed ${c.crashed}  slowest ${c.slowestMs} ms`)
    .join('\n');

const cli = new Cli('fpcheck-fuzz')
  .description('fuzz the file loaders, report builders and command line with generated hostile input')
  .addOption(new Option('--cases <n>', 'inputs to try').argParser(count).default(100_000))
  .addOption(new Option('--seed <n>', 'fast-check seed').argParser(count).default(1))
  .addOption(new Option('--time-bound <ms>', 'an input answered later than this counts as a crash').argParser(count).default(10_000))
  .parse();
const o = cli.opts<{ cases: number; seed: number; timeBound: number }>();
const started = performance.now();
const report = await fuzzCampaign({
  cases: o.cases,
  seed: o.seed,
  timeBoundMs: o.timeBound,
  // A terminal gets one line rewritten in place; a log gets a line every tenth of the campaign.
  onProgress: (r) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${r.tried}/${o.cases} tried, ${r.crashes} crashes`);
    else if (r.tried % Math.max(500, Math.ceil(o.cases / 10 / 500) * 500) === 0) process.stderr.write(`${r.tried}/${o.cases} tried, ${r.crashes} crashes\n`);
  },
});
if (process.stderr.isTTY) process.stderr.write('\n');
console.log(`fuzz campaign, seed ${o.seed}: ${report.tried} cases tried, ${report.crashes} crashes, ${Math.round((performance.now() - started) / 1000)} s`);
console.log(show(report));
for (const e of report.examples) console.log(pc.red(`\ncrash in ${e.target}\n  input: ${e.input}\n  ${e.error.split('\n').join('\n  ')}`));
process.exitCode = report.crashes === 0 ? 0 : 1;
