import { match } from 'ts-pattern';
import type { ReplayResult } from './replay.ts';
import type { Command, MapNode } from '../../model/index.ts';

/** One readable line per command. */
export const showCommand = (c: Command): string =>
  match(c)
    .with({ kind: 'alloc' }, (x) => `c${x.client} alloc ${2 ** x.order} pages`)
    .with({ kind: 'request' }, (x) => `c${x.client} request handle ${x.handle} pages ${x.offset}..${x.offset + 2 ** x.order - 1} at ${x.vaddr}`)
    .with({ kind: 'share' }, (x) => `c${x.client} share handle ${x.handle} with c${x.other}${x.rights ? ` ${x.rights}` : ''}`)
    .with({ kind: 'release' }, (x) => `c${x.client} release handle ${x.handle}`)
    .with({ kind: 'dealloc' }, (x) => `c${x.client} dealloc handle ${x.handle}`)
    .with({ kind: 'map' }, { kind: 'grant' }, (x) => `c${x.client} ${x.kind} ${x.vaddr}+${2 ** x.order} to c${x.other} at ${x.toVaddr}${sendExtras(x)}`)
    .with({ kind: 'unmap' }, (x) => `c${x.client} ${x.flush ? 'flush' : 'unmap'} ${x.vaddr}+${2 ** x.order}`)
    .with({ kind: 'touch' }, (x) => `c${x.client} touch ${x.vaddr}`)
    .with({ kind: 'exit' }, (x) => `c${x.client} exit`)
    .exhaustive() + (c.kernel ? `  [kernel: ${[...(c.kernel.partial ?? []).map((p) => `partial=${p}`), ...(c.kernel.overmap ?? []).map((o) => `overmap=${o}`)].join(' ')}]` : '');

const sendExtras = (x: { readonly rights?: string; readonly window?: number; readonly hotSpot?: number }): string =>
  (x.window !== undefined ? ` (window ${2 ** x.window}, hot spot ${x.hotSpot ?? 0})` : '') + (x.rights ? ` ${x.rights}` : '');

const showNodes = (verb: string, nodes: readonly MapNode[]): string[] => {
  const byTask = new Map<string, string[]>();
  for (const n of nodes) byTask.set(n.task, [...(byTask.get(n.task) ?? []), `${n.vbase}+${2 ** n.order}->f${n.frame}`]);
  return [...byTask].map(([t, ns]) => `      ${verb} in ${t}: ${ns.join(', ')}`);
};

/** The step-by-step trace of a replay: command, outcome, nodes created and removed per task, invariant outcomes. */
export function showTrace(r: ReplayResult): string {
  const c = r.counterexample;
  const out = [`${r.file}: ${c.design} on ${c.profile}, expecting ${c.invariant} at step ${c.step}`];
  for (const s of r.trace) {
    const o = s.obs.outcome;
    out.push(`  #${s.obs.index} ${showCommand(s.obs.command)} -> ${o.kind === 'refused' ? `refused (${o.reason})` : o.kind}`);
    for (const e of s.obs.effects) {
      if (e.created.length + e.removed.length === 0) continue;
      out.push(`    ${e.call}: ${e.branches.join(', ')}`);
      out.push(...showNodes('created', e.created), ...showNodes('removed', e.removed.map((x) => x.node)));
    }
    for (const v of s.verdicts) if (v.kind === 'violated') out.push(`    VIOLATED ${v.invariant}: ${v.message}`);
  }
  return out.join('\n');
}
