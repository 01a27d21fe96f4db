import { COMMAND_KINDS, KERNEL_BRANCHES } from '../../model/index.ts';
import { INVARIANTS, PROPERTIES, type Histogram } from '../../properties/index.ts';
import type { RunRecord } from './record.ts';
import type { PictureNode, TracePicture } from './tracePicture.ts';
import { reachRows } from './coverage.ts';
import { completeness, headline, n, searched, statesNote } from './summary.ts';
import { showVerdict, verdictOf } from './verdicts.ts';

/** Escapes text for HTML and SVG. */
const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (k: number, n: number) => (n === 0 ? 0 : k / n);

const COLOURS = { violated: '#c62828', holds: '#2e7d32', verified: '#1b5e20', 'insufficient-evidence': '#ef6c00', 'depth-limited': '#ef6c00', removed: '#c62828', created: '#1565c0', changed: '#6a1b9a', extant: '#ef6c00', plain: '#607d8b' } as const;

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}
.scroll{overflow-x:auto;max-width:100%}td.v a{color:#fff}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
td.v{color:#fff;font-weight:600}h2{margin-top:2em}.note{color:#555}.charts{display:flex;flex-wrap:wrap;gap:1.5em}
figure{margin:0}figcaption{font-weight:600}.pair{display:flex;gap:2em;flex-wrap:wrap}code{background:#f3f3f3;padding:0 3px}`;

/** A horizontal bar of a share in [0,1], with an optional required minimum drawn as a tick. */
function bar(share: number, min?: number): string {
  const w = 120;
  const tick = min !== undefined && min > 0 ? `<line x1="${w * min}" x2="${w * min}" y1="0" y2="14" stroke="#000" stroke-width="2"/>` : '';
  return `<svg class="bar" width="${w + 40}" height="14" role="img" aria-label="${Math.round(share * 100)}%"><rect width="${w}" height="14" fill="#eee"/><rect width="${w * share}" height="14" fill="${share === 0 ? '#c62828' : '#2e7d32'}"/>${tick}<text x="${w + 4}" y="11" font-size="11">${Math.round(share * 100)}%</text></svg>`;
}

/** The coverage cell of an invariant the search found violated: it stopped being checked then, so its bar says when rather than looking empty. */
function violatedBar(label: string): string {
  const w = 120;
  return `<svg class="bar violated" width="${w + 40}" height="14" role="img" aria-label="${esc(label)}"><rect width="${w}" height="14" fill="${COLOURS.violated}"/><text x="4" y="11" font-size="11" fill="#fff">${esc(label)}</text></svg>`;
}

/** A histogram as a bar chart: one bar per bucket, in bucket order. */
function histogramChart(title: string, h: Histogram): string {
  const buckets = Object.keys(h).sort((a, b) => Number(a) - Number(b));
  const max = Math.max(1, ...buckets.map((b) => h[b]!));
  const bw = 22;
  const height = 90;
  const bars = buckets
    .map((b, i) => {
      const y = height - (height * h[b]!) / max;
      return `<rect x="${i * bw + 30}" y="${y}" width="${bw - 4}" height="${height - y}" fill="#1565c0"><title>${esc(b)}: ${h[b]}</title></rect><text x="${i * bw + 30}" y="${height + 12}" font-size="9">${esc(b)}</text>`;
    })
    .join('');
  const width = Math.max(160, buckets.length * bw + 40);
  return `<figure><figcaption>${esc(title)}</figcaption><svg class="chart" width="${width}" height="${height + 16}" role="img" aria-label="${esc(title)}"><text x="0" y="10" font-size="9">${max}</text><line x1="28" x2="28" y1="0" y2="${height}" stroke="#999"/>${bars || '<text x="30" y="40" font-size="11">no data</text>'}</svg></figure>`;
}

const sumInto = (into: Histogram, h: Histogram) => {
  for (const [k, v] of Object.entries(h)) into[k] = (into[k] ?? 0) + v;
};

/** One derivation forest as rows: a node under its parent, indented by depth, coloured by its mark. */
function forest(nodes: readonly PictureNode[], title: string): string {
  const ids = new Set(nodes.map((n) => n.id));
  const kids = new Map<number | null, PictureNode[]>();
  for (const n of nodes) {
    const p = n.parent !== null && ids.has(n.parent) ? n.parent : null;
    kids.set(p, [...(kids.get(p) ?? []), n]);
  }
  const rows: Array<{ n: PictureNode; depth: number }> = [];
  const walk = (p: number | null, depth: number) => {
    for (const n of (kids.get(p) ?? []).sort((a, b) => a.frame - b.frame || a.id - b.id)) {
      rows.push({ n, depth });
      if (rows.length < 400) walk(n.id, depth + 1);
    }
  };
  walk(null, 0);
  const rowH = 18;
  const width = 520;
  const body = rows
    .map(({ n, depth }, i) => {
      const pages = 2 ** n.order;
      const label = `${n.task} at ${n.vbase}+${pages} → frames ${n.frame}..${n.frame + pages - 1}${n.mark === 'plain' ? '' : ` (${n.mark})`}`;
      return `<g class="node ${n.mark}" data-node="${n.id}"><rect x="${depth * 16}" y="${i * rowH + 20}" width="${width - depth * 16 - 4}" height="${rowH - 3}" rx="3" fill="${COLOURS[n.mark]}" fill-opacity="${n.mark === 'plain' ? 0.15 : 0.85}"/><text x="${depth * 16 + 5}" y="${i * rowH + 32}" font-size="11" fill="${n.mark === 'plain' ? '#222' : '#fff'}">${esc(label)}</text></g>`;
    })
    .join('');
  return `<svg class="trace" width="${width}" height="${rows.length * rowH + 26}" role="img" aria-label="${esc(title)}"><text x="0" y="13" font-weight="600" font-size="12">${esc(title)}</text>${body}</svg>`;
}

/**
 * The self-contained HTML report: verdict matrix, coverage per invariant and command, kernel
 * branches, cost charts per design, and a picture of each counterexample's violating step.
 * Inline CSS and SVG only: no script, no network. Pure.
 */
export function coverageHtml(run: RunRecord, pictures: readonly TracePicture[], unreadable: ReadonlyArray<{ file: string; reason: string }> = []): string {
  const designs = [...new Set(run.cells.map((c) => c.design))];
  // Each counterexample's picture has an anchor; violated cells link to it.
  const anchors = new Map(pictures.map((p, i) => [p.file, `cx-${i + 1}`]));
  const link = (file: string, text: string) => (anchors.has(file) ? `<a href="#${anchors.get(file)}">${esc(text)}</a>` : esc(text));
  const out: string[] = [];
  out.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fpcheck report, seed ${run.seed}</title><style>${STYLE}</style></head><body>`);
  out.push(`<h1>fpcheck report</h1>`);
  const partial = completeness(run);
  if (partial) out.push(`<p class="incomplete" style="background:#fff3e0;border:2px solid #ef6c00;padding:6px"><strong>${esc(partial)}</strong></p>`);
  out.push(`<p class="note">${esc(headline(run))}; fpcheck ${esc(run.fpcheck)}; world ${esc(JSON.stringify(run.config))}${run.paranoid ? '; whole-database structure and safety checks' : ''}</p>`);

  out.push(`<h2>Verdicts</h2><div class="scroll"><table class="matrix"><tr><th>design</th><th>profile</th><th>searched</th>${PROPERTIES.map((p) => `<th>${p}</th>`).join('')}</tr>`);
  for (const c of run.cells) {
    out.push(`<tr data-design="${esc(c.design)}" data-profile="${esc(c.profile)}"><td>${esc(c.design)}</td><td>${esc(c.profile)}</td><td data-searched>${esc(searched(c))}</td>`);
    for (const p of PROPERTIES) {
      const v = verdictOf(c, p);
      out.push(`<td class="v" data-property="${p}" data-verdict="${v.kind}" style="background:${COLOURS[v.kind]}">${v.kind === 'violated' ? link(v.finding.file, showVerdict(v)) : esc(showVerdict(v))}</td>`);
    }
    out.push('</tr>');
  }
  out.push('</table></div>');

  if (run.search === 'exhaustive') {
    const depth = Math.max(...run.cells.map((c) => c.exhaustive?.statesPerDepth.length ?? 0));
    out.push(`<h2>Distinct states per depth</h2><p class="note">${esc(statesNote(run))}</p>`);
    out.push(`<div class="scroll"><table class="states"><tr><th>design</th><th>profile</th>${Array.from({ length: depth }, (_, d) => `<th>depth ${d}</th>`).join('')}</tr>`);
    for (const c of run.cells) out.push(`<tr><td>${esc(c.design)}</td><td>${esc(c.profile)}</td>${Array.from({ length: depth }, (_, d) => `<td>${c.exhaustive?.statesPerDepth[d] === undefined ? '' : n(c.exhaustive.statesPerDepth[d]!)}</td>`).join('')}</tr>`);
    out.push('</table></div>');
    return counterexamples(out, pictures, unreadable, anchors);
  }

  out.push(`<h2>Invariant coverage</h2><p class="note">Share of runs in which each invariant was checked non-vacuously; the tick is the share it requires before "holds" counts as evidence.</p>`);
  out.push(`<div class="scroll"><table class="coverage"><tr><th>design</th><th>profile</th>${INVARIANTS.map((i) => `<th title="${esc(i.premise)}">${esc(i.name)}</th>`).join('')}</tr>`);
  for (const c of run.cells) {
    out.push(`<tr><td>${esc(c.design)}</td><td>${esc(c.profile)}</td>`);
    for (const i of INVARIANTS) {
      const k = c.stats.invariants[i.name];
      const f = c.findings.find((x) => x.invariant === i.name);
      const at = f?.run !== undefined ? f.block * run.blockRuns + f.run : undefined;
      const label = at !== undefined ? `violated at run ${at}` : 'violated';
      const shown = !f ? bar(pct(k?.runsNonVacuous ?? 0, c.stats.runs), i.minNonVacuousShare) : anchors.has(f.file) ? `<a href="#${anchors.get(f.file)}">${violatedBar(label)}</a>` : violatedBar(label);
      out.push(`<td data-invariant="${esc(i.name)}" data-runs-non-vacuous="${k?.runsNonVacuous ?? 0}"${f ? ` data-violated-at="${at ?? ''}"` : ''}>${shown}</td>`);
    }
    out.push('</tr>');
  }
  out.push('</table></div>');

  out.push(`<h2>Commands and kernel branches per design</h2><p class="note">Applied of generated commands, summed over the design's profiles; the rest named nothing the client had (unfit, skipped by the search), were refused, or ran out of memory.</p>`);
  out.push(`<div class="scroll"><table class="commands"><tr><th>design</th>${COMMAND_KINDS.map((k) => `<th>${k}</th>`).join('')}</tr>`);
  for (const d of designs) {
    const cells = run.cells.filter((c) => c.design === d);
    out.push(`<tr><td>${esc(d)}</td>`);
    for (const k of COMMAND_KINDS) {
      const gen = cells.reduce((s, c) => s + (c.stats.commands[k]?.generated ?? 0), 0);
      const app = cells.reduce((s, c) => s + (c.stats.commands[k]?.applied ?? 0), 0);
      const unfit = cells.reduce((s, c) => s + (c.stats.commands[k]?.unfit ?? 0), 0);
      out.push(`<td data-command="${k}" data-generated="${gen}" data-applied="${app}" data-unfit="${unfit}">${bar(pct(app, gen))}<br>${app}/${gen}</td>`);
    }
    out.push('</tr>');
  }
  out.push('</table></div>');
  // Branches no design took are named once instead of filling a column of zeros each.
  const taken = (d: string, b: (typeof KERNEL_BRANCHES)[number]) => run.cells.filter((c) => c.design === d).reduce((s, c) => s + (c.stats.branches[b] ?? 0), 0);
  const shownBranches = KERNEL_BRANCHES.filter((b) => designs.some((d) => taken(d, b) > 0));
  const untaken = KERNEL_BRANCHES.filter((b) => !shownBranches.includes(b));
  out.push(`<div class="scroll"><table class="branches"><tr><th>design</th>${shownBranches.map((b) => `<th>${b}</th>`).join('')}</tr>`);
  for (const d of designs) out.push(`<tr><td>${esc(d)}</td>${shownBranches.map((b) => `<td data-branch="${b}">${taken(d, b)}</td>`).join('')}</tr>`);
  out.push('</table></div>');
  if (untaken.length > 0) out.push(`<p class="note untaken">Kernel branches no design took in this run (0 everywhere, so not drawn as columns): ${untaken.map((b) => `<code>${esc(b)}</code>`).join(', ')}.</p>`);

  out.push(`<h2>Reach</h2><p class="note">Per command kind, the argument classes drawn and applied over all cells; a class drawn rarely or never is a hole in generation.</p><div class="scroll"><table class="reach"><tr><th>command</th><th>class</th><th>drawn</th><th>applied</th><th>cells without it</th></tr>`);
  for (const r of reachRows(run)) out.push(`<tr data-reach="${esc(`${r.kind}/${r.cls}`)}"><td>${esc(r.kind)}</td><td>${esc(r.cls)}</td><td>${r.drawn}</td><td>${r.applied}</td><td>${r.missingIn}</td></tr>`);
  out.push('</table></div>');

  out.push(`<h2>Cost per design</h2><p class="note">Distributions over all runs of the design's cells: per step, mappings removed from clients that did not act and kernel calls; per run's end, mapping-database nodes and proxy pages.</p>`);
  for (const d of designs) {
    const sum = { collateral: {} as Histogram, kernelCalls: {} as Histogram, nodes: {} as Histogram, proxyPages: {} as Histogram };
    let refaults = 0;
    for (const c of run.cells.filter((x) => x.design === d)) {
      for (const k of Object.keys(sum) as Array<keyof typeof sum>) sumInto(sum[k], c.stats.cost[k]);
      refaults += c.stats.cost.refaults;
    }
    out.push(`<h3 data-cost-design="${esc(d)}">${esc(d)} <span class="note">(${refaults} refaults)</span></h3><div class="charts">`);
    out.push(histogramChart('collateral removals per step', sum.collateral), histogramChart('kernel calls per step', sum.kernelCalls), histogramChart('nodes at end of run', sum.nodes), histogramChart('proxy pages at end of run', sum.proxyPages));
    out.push('</div>');
  }

  return counterexamples(out, pictures, unreadable, anchors);
}

/** The counterexamples section and the end of the page. */
function counterexamples(out: string[], pictures: readonly TracePicture[], unreadable: ReadonlyArray<{ file: string; reason: string }>, anchors: ReadonlyMap<string, string>): string {
  out.push(`<h2>Counterexamples</h2><p class="note">The derivation trees of the frames the violating step involved, just before and just after it. Red: removed; blue: created; purple: changed in place; orange: a client or proxy mapping that no allocation it holds (or derives from a holder of) backs any more.</p>`);
  if (pictures.length === 0) out.push('<p>None found.</p>');
  for (const p of pictures) {
    out.push(`<section class="counterexample" id="${anchors.get(p.file)}" data-file="${esc(p.file)}"><h3>${esc(p.design)} on ${esc(p.profile)}: <code>${esc(p.invariant)}</code></h3><p>${esc(p.message)}</p><p class="note">step ${p.step}: <code>${esc(JSON.stringify(p.command))}</code>; replay with <code>fpcheck replay ${esc(p.file)}</code></p>`);
    out.push(`<div class="pair scroll">${forest(p.before, `before step ${p.step}`)}${forest(p.after, `after step ${p.step}`)}</div></section>`);
  }
  for (const u of unreadable) out.push(`<p class="note">No picture for <code>${esc(u.file)}</code>: ${esc(u.reason)}</p>`);
  out.push('</body></html>\n');
  return out.join('');
}
