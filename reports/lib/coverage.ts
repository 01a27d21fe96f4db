import { COMMAND_KINDS, KERNEL_BRANCHES, profile, profileRules, type ProfileName } from '../../model/index.ts';
import { INVARIANTS, PROPERTIES } from '../../properties/index.ts';
import type { RunRecord } from './record.ts';
import { missingCells } from './record.ts';
import { completeness, headline, n, searched, statesNote } from './summary.ts';
import { showVerdict, verdictOf, type CellVerdict } from './verdicts.ts';

export const COVERAGE_FORMAT = 'fpcheck-coverage';
/** Version 2 added the kind of search, completeness with its reasons, reach, and the exhaustive figures per cell; version 3 the kernel rules taken per profile. */
export const COVERAGE_VERSION = 3;

/** The machine-readable coverage report: verdicts and every count, taken straight from the run record. Pure. */
export function coverageJson(run: RunRecord) {
  return {
    format: COVERAGE_FORMAT,
    version: COVERAGE_VERSION,
    fpcheck: run.fpcheck,
    search: run.search,
    seed: run.seed,
    runs: run.runs,
    maxCommands: run.maxCommands,
    blockRuns: run.blockRuns,
    certifyTransitions: run.certifyTransitions,
    ...(run.depth !== undefined ? { depth: run.depth, symmetry: run.symmetry ?? true } : {}),
    ...(run.timeLimit ? { timeLimit: run.timeLimit } : {}),
    ...(run.shard ? { shard: run.shard } : {}),
    config: run.config,
    matrix: run.matrix,
    interrupted: run.interrupted,
    complete: run.complete,
    incomplete: run.incomplete,
    invariants: INVARIANTS.map((i) => ({ name: i.name, property: i.property, statement: i.statement, premise: i.premise, minNonVacuousShare: i.minNonVacuousShare })),
    rules: rulesTaken(run),
    cells: run.cells.map((c) => ({
      design: c.design,
      profile: c.profile,
      verdicts: Object.fromEntries(PROPERTIES.map((p) => [p, verdictOf(c, p)])) as Record<string, CellVerdict>,
      findings: c.findings,
      ...(c.exhaustive ? { exhaustive: c.exhaustive } : {}),
      timedOut: c.timedOut,
      interrupted: c.interrupted,
      runs: c.stats.runs,
      steps: c.stats.steps,
      invariants: c.stats.invariants,
      commands: c.stats.commands,
      reach: c.stats.reach,
      refusals: c.stats.refusals,
      branches: c.stats.branches,
      cost: c.stats.cost,
    })),
  };
}

/**
 * Per profile of the run, how often each of its kernel's rules was taken (summed over the
 * designs run on it), in the order the profile lists them. Pure.
 */
export function rulesTaken(run: RunRecord): Array<{ profile: string; rule: string; label: string; taken: number }> {
  const out: Array<{ profile: string; rule: string; label: string; taken: number }> = [];
  for (const name of [...new Set(run.cells.map((c) => c.profile))]) {
    const cells = run.cells.filter((c) => c.profile === name);
    for (const r of profileRules(profile(name as ProfileName))) {
      const taken = cells.reduce((s, c) => s + r.branches.reduce((t, b) => t + (c.stats.branches[b] ?? 0), 0), 0);
      out.push({ profile: name, rule: r.id, label: r.label, taken });
    }
  }
  return out;
}

/** The reach table over every cell: per command kind and argument class, the totals and the cells that never drew it. Pure. */
export function reachRows(run: RunRecord): Array<{ kind: string; cls: string; drawn: number; applied: number; missingIn: number }> {
  const rows = new Map<string, { kind: string; cls: string; drawn: number; applied: number; cells: number }>();
  for (const c of run.cells) {
    for (const [kind, classes] of Object.entries(c.stats.reach)) {
      for (const [cls, n] of Object.entries(classes)) {
        const key = `${kind}\u0000${cls}`;
        const row = rows.get(key) ?? { kind, cls, drawn: 0, applied: 0, cells: 0 };
        row.drawn += n.drawn;
        row.applied += n.applied;
        if (n.drawn > 0) row.cells++;
        rows.set(key, row);
      }
    }
  }
  const order = (k: string) => COMMAND_KINDS.indexOf(k as (typeof COMMAND_KINDS)[number]);
  return [...rows.values()]
    .sort((a, b) => order(a.kind) - order(b.kind) || (a.cls < b.cls ? -1 : a.cls > b.cls ? 1 : 0))
    .map(({ cells, ...r }) => ({ ...r, missingIn: run.cells.length - cells }));
}

const pct = (k: number, n: number): string => (n === 0 ? '-' : `${Math.round((100 * k) / n)}%`);

/** The Markdown report, for a pull-request comment. Pure. */
export function coverageMarkdown(run: RunRecord): string {
  const lines: string[] = ['# fpcheck coverage', ''];
  const partial = completeness(run);
  if (partial) lines.push(`> **${partial}**`, '');
  lines.push(headline(run), '');
  lines.push('## Verdicts', '', `| design | profile | searched | ${PROPERTIES.join(' | ')} |`, `|---|---|---|${PROPERTIES.map(() => '---').join('|')}|`);
  for (const c of run.cells) lines.push(`| ${c.design} | ${c.profile} | ${searched(c)} | ${PROPERTIES.map((p) => showVerdict(verdictOf(c, p))).join(' | ')} |`);
  for (const key of missingCells(run)) lines.push(`| ${key.split('/').join(' | ')} | not run | ${PROPERTIES.map(() => 'not run').join(' | ')} |`);
  const findings = () => {
    lines.push('', '## Counterexamples', '');
    for (const c of run.cells) for (const f of c.findings) lines.push(`- **${c.design} / ${c.profile}**: \`${f.invariant}\` after ${f.length} steps${f.shortest === true ? ' (shortest)' : f.notCertified ? ` (not certified shortest: ${f.notCertified})` : ' (shortest unknown)'}: ${f.message} (\`${f.file || 'not saved'}\`)`);
    return `${lines.join('\n')}\n`;
  };
  if (run.search === 'exhaustive') {
    const depth = Math.max(...run.cells.map((c) => c.exhaustive?.statesPerDepth.length ?? 0));
    lines.push('', '## Distinct states per depth', '', statesNote(run), '', `| design | profile | ${Array.from({ length: depth }, (_, d) => `depth ${d}`).join(' | ')} |`, `|---|---|${Array.from({ length: depth }, () => '---').join('|')}|`);
    for (const c of run.cells) lines.push(`| ${c.design} | ${c.profile} | ${Array.from({ length: depth }, (_, d) => (c.exhaustive?.statesPerDepth[d] === undefined ? '' : n(c.exhaustive.statesPerDepth[d]!))).join(' | ')} |`);
    return findings();
  }
  lines.push('', '## Non-vacuous share of runs per invariant', '', `| design | profile | ${INVARIANTS.map((i) => i.name).join(' | ')} |`, `|---|---|${INVARIANTS.map(() => '---').join('|')}|`);
  for (const c of run.cells) lines.push(`| ${c.design} | ${c.profile} | ${INVARIANTS.map((i) => pct(c.stats.invariants[i.name]?.runsNonVacuous ?? 0, c.stats.runs)).join(' | ')} |`);
  lines.push('', '## Commands applied (of generated; the rest were unfit, refused or exhausted)', '', `| design | profile | ${COMMAND_KINDS.join(' | ')} |`, `|---|---|${COMMAND_KINDS.map(() => '---').join('|')}|`);
  for (const c of run.cells) lines.push(`| ${c.design} | ${c.profile} | ${COMMAND_KINDS.map((k) => `${c.stats.commands[k]?.applied ?? 0}/${c.stats.commands[k]?.generated ?? 0}`).join(' | ')} |`);
  lines.push('', '## Reach: argument classes drawn and applied, over all cells', '', 'A class drawn rarely or never is a hole in generation. The last column counts the cells that never drew it.', '', '| command | class | drawn | applied | cells without it |', '|---|---|---|---|---|');
  for (const row of reachRows(run)) lines.push(`| ${row.kind} | ${row.cls} | ${row.drawn} | ${row.applied} | ${row.missingIn} |`);
  const rules = rulesTaken(run);
  const never = rules.filter((r) => r.taken === 0);
  lines.push('', '## Kernel rules taken, per profile', '', 'What a verdict on a profile rests on: each rule of its kernel and how often the search took it. A rule never taken is one the verdicts say nothing about.', '');
  lines.push(never.length === 0 ? 'Every rule of every profile searched was taken.' : `**Rules this run never took:** ${never.map((r) => `${r.profile}: ${r.label}`).join('; ')}.`, '');
  lines.push('| profile | rule | taken |', '|---|---|---|');
  for (const r of rules) lines.push(`| ${r.profile} | ${r.label} | ${r.taken} |`);
  lines.push('', '## Kernel branches taken', '', `| design | profile | ${KERNEL_BRANCHES.join(' | ')} |`, `|---|---|${KERNEL_BRANCHES.map(() => '---').join('|')}|`);
  for (const c of run.cells) lines.push(`| ${c.design} | ${c.profile} | ${KERNEL_BRANCHES.map((b) => c.stats.branches[b] ?? 0).join(' | ')} |`);
  return findings();
}
