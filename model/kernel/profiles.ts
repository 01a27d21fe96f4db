import { match } from 'ts-pattern';

/**
 * What a kernel does with a partial unmap (X.2 4.1: "might or might not work"):
 * - `whole`: the caller's node loses its whole subtree (with flush: the node goes too);
 * - `overlapping`: every descendant that meets the range goes whole, with its subtree; the rest stay;
 * - `inner`: only descendants lying entirely inside the range go;
 * - `ignore`: nothing changes;
 * - `split`: the node is cut into aligned buddies and only the covered pieces go;
 * - `stride`: Pistachio's default build (see `unmapStride` in kernel.ts).
 */
export type PartialMode = 'whole' | 'overlapping' | 'inner' | 'ignore' | 'split' | 'stride';
/** The outcomes X.2 allows at a partial unmap; the `x2` profile takes one of these per event. */
export type PartialChoice = 'whole' | 'overlapping' | 'inner' | 'ignore';
export const PARTIAL_CHOICES: readonly PartialChoice[] = ['whole', 'overlapping', 'inner', 'ignore'];
/** What a map does where the receiver holds a larger mapping around the target. */
export type OvermapChoice = 'skip' | 'replace';
export const OVERMAP_CHOICES: readonly OvermapChoice[] = ['skip', 'replace'];

export const PROFILE_NAMES = ['split', 'ignore', 'whole', 'overlapping', 'inner', 'x2', 'fiasco', 'pistachio', 'extended'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/**
 * The nondeterminism of one kernel call, supplied from outside (the command's recorded
 * choices) so that a property test generates, shrinks and replays it.
 */
export interface KernelChoices {
  partialUnmap(): PartialChoice;
  largerOvermap(): OvermapChoice;
}

/** A rule fixed by the profile, or `choose` to take the next choice from the input. */
export type Rule<T> = T | 'choose';

/**
 * A kernel profile as data: one field per rule in which kernels differ. The spec-level
 * profiles keep fpages as sent and vary only the partial-unmap rule; `fiasco` and `pistachio`
 * follow those kernels' source rule by rule (see `PROFILE_SOURCES` for where each rule comes from).
 */
export interface KernelProfile {
  readonly name: ProfileName;
  /** How a mapping is stored: the fpage as sent, or cut into hardware pages (base pages and superpages). */
  readonly granularity: 'fpage' | 'hardware';
  /** Mode for a partial unmap of the caller's own node, by flush flag. */
  readonly partial: { readonly unmap: Rule<PartialMode>; readonly flush: Rule<PartialMode> };
  /** The receiver holds a larger mapping around the target: keep it and skip this piece, or remove it with its subtree. */
  readonly largerOvermap: Rule<OvermapChoice>;
  /** The receiver holds smaller mappings inside the target: remove them and map as sent, or cut the send into base pages that each replace what is there. */
  readonly smallerOvermap: 'replace' | 'cut';
  /** The sender maps a piece of a larger page of its own onto an existing mapping of another frame: replace it, or skip the piece. */
  readonly pieceOverExisting: 'replace' | 'skip';
  /** A map onto an existing mapping of the same frame at the same size only adds rights when that mapping is a child of the sender's (`child`), or whenever the frame matches (`frame`); otherwise it is replaced. */
  readonly sameFrame: 'child' | 'frame';
  /** A grant of part of one of the sender's mappings: refused, or demoted to a map for the rest of the call. */
  readonly partialGrant: 'refuse' | 'map';
  /** An fpage reaching past an address space: refused, or clamped to the space. */
  readonly oversize: 'refuse' | 'clamp';
  readonly unmapIn: boolean;
}

const SPEC_LEVEL = {
  granularity: 'fpage',
  smallerOvermap: 'replace',
  pieceOverExisting: 'replace',
  sameFrame: 'frame',
  partialGrant: 'refuse',
  oversize: 'refuse',
  unmapIn: false,
} as const;

const spec = (name: ProfileName, mode: PartialMode, larger: Rule<OvermapChoice> = 'replace'): KernelProfile => ({ ...SPEC_LEVEL, name, partial: { unmap: mode, flush: mode }, largerOvermap: larger });

/** The profile of a name. Pure. */
export const profile = (name: ProfileName): KernelProfile =>
  match(name)
    .returnType<KernelProfile>()
    .with('split', 'ignore', 'whole', 'overlapping', 'inner', (m) => spec(m, m))
    .with('x2', () => ({ ...spec('x2', 'whole', 'choose'), partial: { unmap: 'choose', flush: 'choose' } }))
    .with('extended', () => ({ ...spec('extended', 'split'), unmapIn: true }))
    .with('fiasco', () => ({
      name,
      granularity: 'hardware',
      partial: { unmap: 'overlapping', flush: 'whole' },
      largerOvermap: 'replace',
      smallerOvermap: 'cut',
      pieceOverExisting: 'replace',
      sameFrame: 'child',
      partialGrant: 'map',
      oversize: 'clamp',
      unmapIn: false,
    }))
    .with('pistachio', () => ({
      name,
      granularity: 'hardware',
      partial: { unmap: 'stride', flush: 'whole' },
      largerOvermap: 'skip',
      smallerOvermap: 'replace',
      pieceOverExisting: 'skip',
      sameFrame: 'frame',
      partialGrant: 'refuse',
      oversize: 'clamp',
      unmapIn: false,
    }))
    .exhaustive();

/** The rules a profile sets, in the order the README's profile table lists them. */
export const PROFILE_RULES = ['granularity', 'partialUnmap', 'partialFlush', 'largerOvermap', 'smallerOvermap', 'pieceOverExisting', 'sameFrame', 'partialGrant', 'oversize'] as const;
export type ProfileRule = (typeof PROFILE_RULES)[number];

/** How the README's profile table names each rule. */
export const RULE_LABELS: Readonly<Record<ProfileRule, string>> = {
  granularity: 'node',
  partialUnmap: 'partial unmap',
  partialFlush: "partial flush of the caller's node",
  largerOvermap: 'map under a larger mapping',
  smallerOvermap: 'map over smaller mappings',
  pieceOverExisting: 'a piece of a larger page over another frame',
  sameFrame: 'map over the same frame',
  partialGrant: 'grant of part of a mapping',
  oversize: 'fpage past the address space',
};

/**
 * Where each rule of the named-kernel profiles comes from: repository, path and function of
 * the source it follows (the code that applies each rule cites the same place). The
 * spec-level profiles follow SPEC.md's reading of the X.2 manual, not a kernel.
 */
export const PROFILE_SOURCES: Readonly<Record<'fiasco' | 'pistachio', Readonly<Record<ProfileRule, string>>>> = {
  fiasco: {
    granularity: 'kernkonzept/fiasco src/kern/map_util.cpp map(): to_fit_size, then the loop that lowers the order until sender and receiver pages fit',
    partialUnmap: 'kernkonzept/fiasco src/kern/mapdb.cpp Mapdb::flush ("partially overlapping mappings are deleted entirely"); src/kern/mapping_tree.cpp Mapping_tree::flush',
    partialFlush: 'kernkonzept/fiasco src/kern/map_util.cpp unmap(): "We always flush the whole page"; src/kern/mapdb.cpp Mapdb::flush (self_unmap deletes all descendants)',
    largerOvermap: 'kernkonzept/fiasco src/kern/map_util.cpp map(): "flush the interfering physical page in the receiver, even if it is larger than the mapped page"',
    smallerOvermap: 'kernkonzept/fiasco src/kern/map_util.cpp map(): the order is lowered while i_order > r_order ("not enough space for superpage map?")',
    pieceOverExisting: 'kernkonzept/fiasco src/kern/map_util.cpp map(): Not_related from Mapdb lookup_src_dst, then "Unmap from receiver space"',
    sameFrame: 'kernkonzept/fiasco src/kern/map_util.cpp map(): rights grow only for Mapdb_lookup_src_dst::Dst_child_of_src (src/kern/mapdb.cpp Treemap::lookup_src_dst: r_depth + 1 == c_depth)',
    partialGrant: 'kernkonzept/fiasco src/kern/map_util.cpp map(): "Can\'t GRANT page from superpage ... demoting to MAP"',
    oversize: 'kernkonzept/fiasco src/kern/map_util.cpp map() and unmap(): loops stop at map_max_address()',
  },
  pistachio: {
    granularity: 'l4ka/pistachio kernel/src/generic/linear_ptab_walker.cc space_t::map_fpage: the largest hw_pgshifts size that fits; kernel/src/arch/x86/x32/ptab.h and x64/ptab.h HW_PGSHIFTS',
    partialUnmap: 'l4ka/pistachio kernel/src/generic/linear_ptab_walker.cc space_t::mapctrl (steps whole superpage entries while counting base pages) and kernel/src/generic/mapping.cc mdb_flush (rcnt = 1: one base page at the fpage\'s offset); CONFIG_NEW_MDB off by default in kernel/config/rules.cml',
    partialFlush: 'l4ka/pistachio kernel/src/generic/linear_ptab_walker.cc space_t::mapctrl: "Fpage too small -- expand to current size"',
    largerOvermap: 'l4ka/pistachio kernel/src/generic/linear_ptab_walker.cc space_t::map_fpage: "Larger mapping already exists" (enters the kernel debugger, skips)',
    smallerOvermap: 'l4ka/pistachio kernel/src/generic/linear_ptab_walker.cc space_t::map_fpage: overmapping flushes each single page in the subtree, then maps',
    pieceOverExisting: 'l4ka/pistachio kernel/src/generic/linear_ptab_walker.cc space_t::map_fpage: "Mapping already exists" when t_size < f_size and the frame differs',
    sameFrame: 'l4ka/pistachio kernel/src/generic/linear_ptab_walker.cc space_t::map_fpage: "Check if we\'re simply extending access rights" compares physical addresses only (the parent check is under CONFIG_NEW_MDB)',
    partialGrant: 'l4ka/pistachio kernel/src/generic/mapping.cc mdb_map ("Grant operations simply reuse the old mapping node") with linear_ptab_walker.cc clearing the sender\'s whole superpage entry: a database the model does not represent, so refused',
    oversize: 'l4ka/pistachio kernel/src/generic/linear_ptab_walker.cc space_t::mapctrl: "Enforce unmaps to only cover the supported space"; map_fpage stops outside the user area',
  },
};

/** One rule of a profile as text, for the CLI and the README's profile table. Pure. */
export function describeRule(p: KernelProfile, rule: ProfileRule): string {
  const choose = (r: Rule<string>, options: readonly string[]) => (r === 'choose' ? `chosen: ${options.join(' / ')}` : r);
  return match(rule)
    .with('granularity', () => (p.granularity === 'fpage' ? 'fpage as sent' : 'base pages and superpages'))
    .with('partialUnmap', () => choose(p.partial.unmap, PARTIAL_CHOICES))
    .with('partialFlush', () => choose(p.partial.flush, PARTIAL_CHOICES))
    .with('largerOvermap', () => choose(p.largerOvermap, OVERMAP_CHOICES))
    .with('smallerOvermap', () => p.smallerOvermap)
    .with('pieceOverExisting', () => p.pieceOverExisting)
    .with('sameFrame', () => (p.sameFrame === 'child' ? 'rights grow if child of sender' : 'rights grow if same frame'))
    .with('partialGrant', () => p.partialGrant)
    .with('oversize', () => p.oversize)
    .exhaustive();
}

/** Choices that always answer the same: what a test passes when it wants one fixed branch. */
export const constantChoices = (partial: PartialChoice = 'whole', overmap: OvermapChoice = 'replace'): KernelChoices => ({
  partialUnmap: () => partial,
  largerOvermap: () => overmap,
});

/** Choices read from recorded lists; each list falls back to its first option once used up. */
export const listedChoices = (partial: readonly PartialChoice[] = [], overmap: readonly OvermapChoice[] = []): ListedChoices => new ListedChoices(partial, overmap);

/**
 * A class, not closures over counters: it is built on every step that records choices, and the
 * TypeScript loader names every closure it creates at run time, which cost more than the step.
 * It counts the choices taken, so a caller can tell how many events a command raised.
 */
export class ListedChoices implements KernelChoices {
  private p = 0;
  private o = 0;
  /** The events met so far, in order: `p` a partial unmap, `o` a larger overmap. */
  private events = '';
  constructor(
    private readonly partial: readonly PartialChoice[],
    private readonly overmap: readonly OvermapChoice[],
  ) {}
  partialUnmap(): PartialChoice {
    this.events += 'p';
    return this.partial[this.p++] ?? PARTIAL_CHOICES[0]!;
  }
  largerOvermap(): OvermapChoice {
    this.events += 'o';
    return this.overmap[this.o++] ?? OVERMAP_CHOICES[0]!;
  }
  /** Partial-unmap and larger-overmap events met so far, and their order. */
  get used(): ChoicesUsed {
    return { partial: this.p, overmap: this.o, events: this.events };
  }
}

/** The kernel choices one step consumed: how many of each kind, and in which order (`p` partial, `o` overmap). */
export interface ChoicesUsed {
  readonly partial: number;
  readonly overmap: number;
  readonly events: string;
}
