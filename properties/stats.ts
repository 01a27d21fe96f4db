import { COMMAND_KINDS, KERNEL_BRANCHES, PHYSMEM, SIGMA0, type Command, type CommandKind, type KernelBranch, type World } from '../model/index.ts';
import type { Invariant } from './invariant.ts';
import type { TraceStep } from './trace.ts';

/** A distribution of small counts: exact values up to 8, then power-of-two buckets (`16` holds 9..16). */
export type Histogram = Record<string, number>;

export const bucketOf = (v: number): string => (v <= 8 ? String(v) : String(2 ** Math.ceil(Math.log2(v))));

export function addTo(h: Histogram, v: number): void {
  const b = bucketOf(v);
  h[b] = (h[b] ?? 0) + 1;
}

export interface InvariantCounts {
  holds: number;
  vacuous: number;
  /** Vacuous checks whose premise arose but fell under a stated exemption. */
  exempt: number;
  violated: number;
  /** Runs in which the invariant was checked non-vacuously at least once. */
  runsNonVacuous: number;
}

/**
 * What became of the commands of one kind the search drew: every generated intent is unfit
 * (it named nothing the client had: no allocation, mapping or asked-for page), refused (by the
 * world before any kernel call, which the search skips, or by the kernel during the step),
 * applied, or exhausted (the server's space ran out).
 */
export interface CommandCounts {
  generated: number;
  unfit: number;
  applied: number;
  refused: number;
  exhausted: number;
}

/** What the search made of one drawn intent before running it. */
export type Drawn = { readonly kind: 'fits' } | { readonly kind: 'unfit' } | { readonly kind: 'refused'; readonly reason: string; readonly command: Command };

const noCommands = (): CommandCounts => ({ generated: 0, unfit: 0, applied: 0, refused: 0, exhausted: 0 });
const noInvariant = (): InvariantCounts => ({ holds: 0, vacuous: 0, exempt: 0, violated: 0, runsNonVacuous: 0 });

/** How often commands of one argument class were drawn (resolved to a command) and applied. */
export interface ReachCounts {
  drawn: number;
  applied: number;
}

/** What a search of one design x profile cell exercised. Counts only search runs, never shrinking. */
export interface CellStats {
  runs: number;
  steps: number;
  invariants: Record<string, InvariantCounts>;
  commands: Record<CommandKind, CommandCounts>;
  /** Per command kind, per argument class (`argumentClasses`): drawn and applied. */
  reach: Record<CommandKind, Record<string, ReachCounts>>;
  /** Refusal reasons with numbers masked, so alike reasons count together. */
  refusals: Record<string, number>;
  branches: Record<KernelBranch, number>;
  cost: {
    /** Mappings removed per step from clients that did not act. */
    collateral: Histogram;
    refaults: number;
    kernelCalls: Histogram;
    /** Mapping-database size at the end of each run. */
    nodes: Histogram;
    /** Pages mapped in proxy tasks at the end of each run. */
    proxyPages: Histogram;
  };
}

export function emptyStats(invariants: readonly Invariant[]): CellStats {
  return {
    runs: 0,
    steps: 0,
    invariants: Object.fromEntries(invariants.map((i) => [i.name, noInvariant()])),
    commands: Object.fromEntries(COMMAND_KINDS.map((k) => [k, noCommands()])) as Record<CommandKind, CommandCounts>,
    reach: Object.fromEntries(COMMAND_KINDS.map((k) => [k, {}])) as Record<CommandKind, Record<string, ReachCounts>>,
    refusals: {},
    branches: Object.fromEntries(KERNEL_BRANCHES.map((b) => [b, 0])) as Record<KernelBranch, number>,
    cost: { collateral: {}, refaults: 0, kernelCalls: {}, nodes: {}, proxyPages: {} },
  };
}

/** Counts one run's steps into `stats`; call `finish` when the run ends. */
export class RunCounter {
  private readonly nonVacuous = new Set<string>();

  constructor(private readonly stats: CellStats) {}

  /** Counts an intent the search drew, under the kind it resolved to (its drawn kind if unfit); one that fits then runs as a step. */
  drawn(kind: CommandKind, d: Drawn, classes: readonly string[]): void {
    const c = this.stats.commands[kind];
    c.generated++;
    if (d.kind === 'unfit') c.unfit++;
    else if (d.kind === 'refused') this.refused(kind, d.reason);
    const reach = this.stats.reach[kind];
    for (const k of classes) (reach[k] ??= { drawn: 0, applied: 0 }).drawn++;
    this.classes = classes;
  }

  /** The classes of the command drawn last, counted as applied if its step applies. */
  private classes: readonly string[] = [];

  private refused(kind: CommandKind, reason: string): void {
    this.stats.commands[kind].refused++;
    const masked = `${kind}: ${reason.replace(/\d+/g, 'N')}`;
    this.stats.refusals[masked] = (this.stats.refusals[masked] ?? 0) + 1;
  }

  step(s: TraceStep, world: World): void {
    const st = this.stats;
    st.steps++;
    const c = st.commands[s.obs.command.kind];
    const o = s.obs.outcome;
    if (o.kind === 'applied') {
      c.applied++;
      const reach = st.reach[s.obs.command.kind];
      for (const k of this.classes) reach[k]!.applied++;
    }
    else if (o.kind === 'exhausted') c.exhausted++;
    else this.refused(s.obs.command.kind, o.reason);
    for (const v of s.verdicts) {
      const counts = st.invariants[v.invariant]!;
      counts[v.kind]++;
      if (v.exempt) counts.exempt++;
      if (v.kind !== 'vacuous') this.nonVacuous.add(v.invariant);
    }
    let collateral = 0;
    for (const e of s.obs.effects) {
      for (const b of e.branches) st.branches[b]++;
      for (const l of e.lost) {
        const c = world.clientOf(l.task);
        if (c !== null && !s.obs.actors.includes(c)) collateral++;
      }
    }
    addTo(st.cost.collateral, collateral);
    addTo(st.cost.kernelCalls, s.obs.effects.length);
    if (s.obs.refault) st.cost.refaults++;
  }

  finish(world: World): void {
    const st = this.stats;
    st.runs++;
    for (const name of this.nonVacuous) st.invariants[name]!.runsNonVacuous++;
    addTo(st.cost.nodes, world.kernel.db.size);
    let proxyPages = 0;
    for (const n of world.kernel.db.all()) if (n.task !== SIGMA0 && n.task !== PHYSMEM && world.clientOf(n.task) === null) proxyPages += 2 ** n.order;
    addTo(st.cost.proxyPages, proxyPages);
  }
}

const sortedKeys = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Adds the counts of `b` into `a` key by key (a key missing from `a` starts at 0). */
function addCounts<T extends object>(a: T, b: Readonly<T>): void {
  const to = a as Record<string, number>;
  for (const [k, v] of Object.entries(b) as Array<[string, number]>) to[k] = (to[k] ?? 0) + v;
}

/**
 * The stats of several seed blocks of one cell, as if one search had made them all. Every
 * figure is a count, so the sum is exact and does not depend on the order of the parts; keys
 * come out in one canonical order, so equal sums serialize to equal bytes.
 */
export function sumStats(parts: readonly CellStats[]): CellStats {
  const out: CellStats = { runs: 0, steps: 0, invariants: {}, commands: {} as CellStats['commands'], reach: {} as CellStats['reach'], refusals: {}, branches: {} as CellStats['branches'], cost: { collateral: {}, refaults: 0, kernelCalls: {}, nodes: {}, proxyPages: {} } };
  for (const p of parts) {
    out.runs += p.runs;
    out.steps += p.steps;
    for (const [name, c] of Object.entries(p.invariants)) addCounts((out.invariants[name] ??= noInvariant()), c);
    for (const [kind, c] of Object.entries(p.commands) as Array<[CommandKind, CommandCounts]>) addCounts((out.commands[kind] ??= noCommands()), c);
    for (const [kind, classes] of Object.entries(p.reach) as Array<[CommandKind, Record<string, ReachCounts>]>) {
      const to = (out.reach[kind] ??= {});
      for (const [k, n] of Object.entries(classes)) addCounts((to[k] ??= { drawn: 0, applied: 0 }), n);
    }
    addCounts(out.refusals, p.refusals);
    addCounts(out.branches, p.branches);
    addCounts(out.cost.collateral, p.cost.collateral);
    addCounts(out.cost.kernelCalls, p.cost.kernelCalls);
    addCounts(out.cost.nodes, p.cost.nodes);
    addCounts(out.cost.proxyPages, p.cost.proxyPages);
    out.cost.refaults += p.cost.refaults;
  }
  // Refusal reasons and argument classes appear in the order runs met them; sort them so a sum never depends on the order of its parts.
  out.refusals = sortedKeys(out.refusals);
  for (const kind of Object.keys(out.reach) as CommandKind[]) out.reach[kind] = sortedKeys(out.reach[kind]);
  return out;
}
