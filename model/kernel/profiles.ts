import { match } from 'ts-pattern';
import type { KernelBranch } from './effects.ts';
import { R, X, type Rights } from './rights.ts';

/**
 * What a kernel does with a partial unmap (X.2 4.1: "might or might not work"):
 * - `whole`: the caller's node loses its whole subtree (with flush: the node goes too);
 * - `overlapping`: every descendant that meets the range goes whole, with its subtree; the rest stay;
 * - `inner`: only descendants lying entirely inside the range go;
 * - `ignore`: nothing changes;
 * - `split`: the node is cut into aligned buddies and only the covered pieces go.
 */
export type PartialMode = 'whole' | 'overlapping' | 'inner' | 'ignore' | 'split';
/** The outcomes X.2 allows at a partial unmap; the `x2` profile takes one of these per event. */
export type PartialChoice = 'whole' | 'overlapping' | 'inner' | 'ignore';
export const PARTIAL_CHOICES: readonly PartialChoice[] = ['whole', 'overlapping', 'inner', 'ignore'];
/** What a map does where the receiver holds a larger mapping around the target. */
export type OvermapChoice = 'skip' | 'replace';
export const OVERMAP_CHOICES: readonly OvermapChoice[] = ['skip', 'replace'];

export const PROFILE_NAMES = ['split', 'ignore', 'whole', 'overlapping', 'inner', 'x2', 'fiasco', 'pistachio', 'pistachio-fixed', 'extended'] as const;
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

/** The named kernels: each has an engine of its own that follows its source (see `KERNEL_RULES`). */
export type NamedKernel = 'fiasco' | 'pistachio';

/**
 * A kernel profile as data. A spec-level profile (X.2 as SPEC.md reads the manual) keeps fpages
 * as sent and varies one rule at a time (`SPEC_RULES`); a named kernel's profile runs that kernel's
 * engine, whose rules are listed with the source each follows in `KERNEL_RULES`.
 */
export type KernelProfile = SpecProfile | NamedProfile;

interface ProfileBase {
  readonly name: ProfileName;
  /** Which engine carries out the calls: the spec-level rule table, or a named kernel's own code paths. */
  readonly engine: 'spec' | NamedKernel;
  /** How a mapping is stored: the fpage as sent, or cut into hardware pages (base pages and superpages). */
  readonly granularity: 'fpage' | 'hardware';
  readonly unmapIn: boolean;
  /** Rights every page-table entry has, whatever was asked: the hardware cannot withhold them (amd64 entries are always readable; without NX always executable). */
  readonly entryRights: Rights;
}

export interface SpecProfile extends ProfileBase {
  readonly engine: 'spec';
  readonly granularity: 'fpage';
  /** Mode for a partial unmap of the caller's own node, by flush flag. */
  readonly partial: { readonly unmap: Rule<PartialMode>; readonly flush: Rule<PartialMode> };
  /** The receiver holds a larger mapping around the target: keep it and skip this piece, or remove it with its subtree. */
  readonly largerOvermap: Rule<OvermapChoice>;
}

export interface NamedProfile extends ProfileBase {
  readonly engine: NamedKernel;
  readonly granularity: 'hardware';
  readonly unmapIn: false;
  /** The kernel bugs this profile models as the kernel has them (ids of `KERNEL_RULES` entries marked `bug`); none in a profile of the kernel as intended. */
  readonly bugs: ReadonlySet<string>;
}

const spec = (name: ProfileName, mode: Rule<PartialMode>, larger: Rule<OvermapChoice> = 'replace', unmapIn = false): SpecProfile => ({
  name,
  engine: 'spec',
  granularity: 'fpage',
  partial: { unmap: mode, flush: mode },
  largerOvermap: larger,
  unmapIn,
  entryRights: 0,
});

const named = (name: ProfileName, engine: NamedKernel, bugs: boolean): NamedProfile => ({
  name,
  engine,
  granularity: 'hardware',
  unmapIn: false,
  // Fiasco on amd64: a present entry is readable (src/kern/ia32/paging-ia32.cpp Pte_ptr::attribs); Pistachio's default x86-64 build has no NX either.
  entryRights: engine === 'fiasco' ? R : R | X,
  bugs: new Set(bugs ? KERNEL_RULES[engine].filter((r) => r.bug).map((r) => r.id) : []),
});

/** The profile of a name. Pure. */
export const profile = (name: ProfileName): KernelProfile =>
  match(name)
    .returnType<KernelProfile>()
    .with('split', 'ignore', 'whole', 'overlapping', 'inner', (m) => spec(m, m))
    .with('x2', () => spec('x2', 'choose', 'choose'))
    .with('extended', () => spec('extended', 'split', 'replace', true))
    .with('fiasco', () => named(name, 'fiasco', true))
    .with('pistachio', () => named(name, 'pistachio', true))
    // "What if the kernel followed its own intent": Pistachio's engine with every rule marked `bug` switched off.
    .with('pistachio-fixed', () => named(name, 'pistachio', false))
    .exhaustive();

/** True when the profile reads nondeterministic choices from the call (only `x2` does). Pure. */
export const makesChoices = (p: KernelProfile): boolean =>
  p.engine === 'spec' && (p.partial.unmap === 'choose' || p.partial.flush === 'choose' || p.largerOvermap === 'choose');

/** The rules a spec-level profile sets, in the order the README's profile table lists them. */
export const SPEC_RULES = ['partialUnmap', 'partialFlush', 'largerOvermap'] as const;
export type SpecRule = (typeof SPEC_RULES)[number];

/** How the README's spec-level profile table names each rule. */
export const RULE_LABELS: Readonly<Record<SpecRule, string>> = {
  partialUnmap: 'partial unmap',
  partialFlush: "partial flush of the caller's node",
  largerOvermap: 'map under a larger mapping',
};

/** One rule of a spec-level profile as text, for the CLI and the README's profile table. Pure. */
export function describeRule(p: SpecProfile, rule: SpecRule): string {
  const choose = (r: Rule<string>, options: readonly string[]) => (r === 'choose' ? `chosen: ${options.join(' / ')}` : r);
  return match(rule)
    .with('partialUnmap', () => choose(p.partial.unmap, PARTIAL_CHOICES))
    .with('partialFlush', () => choose(p.partial.flush, PARTIAL_CHOICES))
    .with('largerOvermap', () => choose(p.largerOvermap, OVERMAP_CHOICES))
    .exhaustive();
}

/**
 * One rule of a named kernel's engine: what the kernel does, the source it follows (repository,
 * path and function; the engine's code cites the same place), the kernel branches that show it
 * was taken, and whether it is a kernel bug modelled as the kernel has it.
 */
export interface KernelRule {
  readonly id: string;
  readonly label: string;
  readonly behaviour: string;
  readonly source: string;
  readonly branches: readonly KernelBranch[];
  readonly bug?: boolean;
}

const FIASCO = 'kernkonzept/fiasco src/kern/';
const PISTACHIO = 'l4ka/pistachio kernel/src/';

/**
 * The rules of the named kernels, each read from its source and checked against the kernel's
 * own code by the golden traces (model/kernel/traces).
 */
export const KERNEL_RULES: Readonly<Record<NamedKernel, readonly KernelRule[]>> = {
  fiasco: [
    {
      id: 'hardware-pages',
      label: 'node',
      behaviour: 'a send is entered as the largest hardware pages (superpage or base page) that the sender\'s page, the size left and both addresses allow',
      source: `${FIASCO}map_util.cpp Mu::map: to_fit_size, then the loop that lowers i_order`,
      branches: ['map.new', 'map.cut-to-pages'],
    },
    {
      id: 'page-tables-outlive-mappings',
      label: 'superpage into a slot with a page table',
      behaviour: 'cut into base pages: a page table of base pages is made when a base page is entered and freed only with the address space, so an emptied slot still cuts',
      source: `${FIASCO}map_util.cpp Mu::map ("i_order > r_order"), ia32/mem_space-ia32.cpp Mem_space::v_lookup and dir_shutdown`,
      branches: ['map.cut-by-page-table'],
    },
    {
      id: 'rights-as-entry',
      label: 'rights',
      behaviour: 'as an amd64 entry holds them: every present entry is readable, x is a clear XD bit (-w- becomes rw-, --x becomes r-x)',
      source: `${FIASCO}ia32/paging-ia32.cpp Pte_ptr::make_page and Pte_ptr::attribs`,
      branches: ['map.rights-as-entry'],
    },
    {
      id: 'partial-unmap',
      label: 'partial unmap',
      behaviour: "descendants of the caller's page that meet the range go whole with their subtrees; of its base pages only those in the range go; the caller keeps its page",
      source: `${FIASCO}mapdb.cpp Mapdb::flush ("partially overlapping mappings are deleted entirely"), mapping_tree.cpp Mapping_tree::flush`,
      branches: ['unmap.partial-overlapping'],
    },
    {
      id: 'partial-flush',
      label: "partial flush of the caller's page",
      behaviour: 'the whole page goes, with everything derived from it',
      source: `${FIASCO}map_util.cpp Mu::unmap ("We always flush the whole page")`,
      branches: ['unmap.partial-flush-whole'],
    },
    {
      id: 'sigma0-pages',
      label: "sigma0's unmap and flush",
      behaviour: "sigma0's pages are the largest page size around the address: a flush takes all mappings in each such page the range meets, an unmap its superpage mappings and the base pages in the range",
      source: `${FIASCO}sigma0_task.cpp Sigma0_task::v_fabricate, mapping_tree.cpp Mapping_tree::flush (no parent: "we do not support unmapping from sigma0")`,
      branches: ['unmap.sigma0-page'],
    },
    {
      id: 'overmap',
      label: 'map onto a mapping of the receiver',
      behaviour: "the receiver's page goes with its subtree, larger or smaller, then the new page is entered",
      source: `${FIASCO}map_util.cpp Mu::map ("Unmap from receiver space"), mapdb.cpp Treemap::lookup_src_dst Not_related`,
      branches: ['map.overmap-smaller', 'map.overmap-larger-replace'],
    },
    {
      id: 'rights-upgrade',
      label: 'map over the same frame',
      behaviour: "rights grow only when the receiver's page is a direct child of the sender's",
      source: `${FIASCO}map_util.cpp Mu::map, mapdb.cpp Treemap::lookup_src_dst Dst_child_of_src (r_depth + 1 == c_depth)`,
      branches: ['map.rights-upgrade'],
    },
    {
      id: 'onto-source',
      label: 'map onto the source or its ancestor',
      behaviour: "the receiver's page goes with its subtree, the source with it, and nothing is mapped",
      source: `${FIASCO}map_util.cpp Mu::map, mapdb.cpp Treemap::lookup_src_dst Dst_equal_to_or_ancestor_of_src`,
      branches: ['map.onto-source'],
    },
    {
      id: 'lookup-fails',
      label: 'receiver page earlier in the same tree',
      behaviour: "the source/destination lookup fails and the receiver keeps its page: nothing is mapped there",
      source: `${FIASCO}mapdb.cpp Treemap::lookup_src_dst (Fail when the other mapping is not found after the first), map_util.cpp Mu::map ("nothing found")`,
      branches: ['map.lookup-failed'],
    },
    {
      id: 'grant-demoted',
      label: 'grant the receiver cuts',
      behaviour: 'demoted to a map for the rest of the call whenever the order is lowered',
      source: `${FIASCO}map_util.cpp Mu::map ("Can't GRANT page from superpage ... demoting to MAP")`,
      branches: ['grant.demoted'],
    },
    {
      id: 'grant-relinks',
      label: 'grant',
      behaviour: "the node moves with its place and subtree; with fewer rights the descendants keep theirs (a child can then hold more rights than its parent)",
      source: `${FIASCO}mapdb.cpp Mapdb::grant, mapping_tree.cpp Mapping_tree::grant`,
      branches: ['grant.move', 'grant.subtree-keeps-rights'],
    },
    {
      id: 'aligned-down',
      label: 'unaligned fpage or receive address',
      behaviour: 'aligned down to the fpage\'s size',
      source: `${FIASCO}map_util-mem.cpp mem_map and mem_fpage_unmap (cxx::mask_lsb)`,
      branches: ['map.window-aligned'],
    },
    {
      id: 'oversize',
      label: 'fpage past the address space',
      behaviour: "the walk ends at the space's end (map_max_address)",
      source: `${FIASCO}map_util.cpp Mu::map and Mu::unmap (loops bounded by map_max_address)`,
      branches: ['map.clamped', 'unmap.clamped'],
    },
    {
      id: 'exists',
      label: 'entry of another size or frame at the target',
      behaviour: 'skipped ("map (Mem_space) skipping area")',
      source: `${FIASCO}ia32/mem_space-ia32.cpp Mem_space::v_insert Insert_err_exists, map_util.cpp Mu::map`,
      branches: ['map.exists-skip'],
    },
  ],
  pistachio: [
    {
      id: 'hardware-pages',
      label: 'node',
      behaviour: 'a send is walked over both page tables and entered as 4 KiB and 2 MiB entries (the sizes x86-64 has); a larger sender page is entered piece by piece, a receiver table of smaller pages is walked into',
      source: `${PISTACHIO}generic/linear_ptab_walker.cc space_t::map_fpage (lines 283-426, 538-566, 690-695)`,
      branches: ['map.new'],
    },
    {
      id: 'rights-as-entry',
      label: 'rights',
      behaviour: 'as the x86-64 entry holds them: every present entry is readable and (no CONFIG_X86_NX in the default build) executable; w is the writable bit',
      source: `${PISTACHIO}arch/x86/pgent.h pgent_t::is_readable, is_executable, rights, set_entry (lines 131-135, 164-168, 248-275)`,
      branches: ['map.new'],
    },
    {
      id: 'rights-unmasked',
      label: 'rights of a new mapping',
      behaviour: "the send fpage's rights, not masked with the sender's entry: a task holding a page read-only passes it on writable (rights escalation)",
      source: `${PISTACHIO}generic/linear_ptab_walker.cc map_fpage set_entry (..., snd_fp.get_rwx (), ...) (lines 690-694); only extending masks (600-610)`,
      branches: ['map.rights-unmasked'],
      bug: true,
    },
    {
      id: 'rights-upgrade',
      label: 'map over the same frame',
      behaviour: "the entry's rights grow by the send's rights that the sender's entry has; the database is unchanged",
      source: `${PISTACHIO}generic/linear_ptab_walker.cc map_fpage ("Extend access rights", lines 579-611)`,
      branches: ['map.rights-upgrade'],
    },
    {
      id: 'overmap',
      label: "map onto another frame's mapping or a table of smaller pages",
      behaviour: "at the send's page size the receiver's entry (or every entry of its table) is flushed with its subtree, then the new page is entered; if that removed the sender's own page, nothing is entered",
      source: `${PISTACHIO}generic/linear_ptab_walker.cc map_fpage ("We are doing overmapping", lines 427-537)`,
      branches: ['map.overmap-smaller', 'map.sender-lost'],
    },
    {
      id: 'exists',
      label: "a piece onto another frame's mapping of its size",
      behaviour: 'skipped ("Mapping already exists.")',
      source: `${PISTACHIO}generic/linear_ptab_walker.cc map_fpage (lines 579-598)`,
      branches: ['map.exists-skip'],
    },
    {
      id: 'larger-exists',
      label: 'map under a larger mapping',
      behaviour: 'skipped ("Larger mapping already exists."); after goto Next_receiver_entry the receiver steps a whole superpage while the count drops by one, so the rest of a multi-page send lands a superpage further',
      source: `${PISTACHIO}generic/linear_ptab_walker.cc map_fpage (lines 388-405, 709-742)`,
      branches: ['map.overmap-larger-skip'],
      bug: true,
    },
    {
      id: 'hole-no-advance',
      label: 'leading hole in the sender',
      behaviour: 'an invalid sender entry met before the receiver walk reached its size jumps to Next_sender_entry without advancing the receiver: later pages land lower than their offset',
      source: `${PISTACHIO}generic/linear_ptab_walker.cc map_fpage (lines 314-330, 744-763)`,
      branches: ['map.hole-no-advance'],
      bug: true,
    },
    {
      id: 'hole-stride',
      label: 'hole above the page size',
      behaviour: 'each invalid sender entry above the page size uses one count but steps a whole entry of its size: the walk maps (or grants) pages from outside the send fpage',
      source: `${PISTACHIO}generic/linear_ptab_walker.cc map_fpage (lines 314-326, 744-763)`,
      branches: ['map.hole-stride'],
      bug: true,
    },
    {
      id: 'doubled-offset',
      label: 'a 4 KiB piece of a sender superpage in the database',
      behaviour: "filed at its offset plus the send's offset in the superpage (mod 512): an unmap of page k by the superpage's owner revokes the pieces filed in slot k, and the piece sent from k stays",
      source: `${PISTACHIO}generic/linear_ptab_walker.cc map_fpage (lines 577, 685-687), generic/mapping.cc mdb_map (line 293)`,
      branches: ['map.doubled-offset'],
      bug: true,
    },
    {
      id: 'grant-relinks',
      label: 'grant',
      behaviour: "the sender's database node is relinked to the receiver's entry with its place and subtree; the sender's entry is cleared; descendants keep their rights",
      source: `${PISTACHIO}generic/mapping.cc mdb_map (grant, lines 207-219), generic/linear_ptab_walker.cc map_fpage (lines 697-704)`,
      branches: ['grant.move'],
    },
    {
      id: 'grant-partial-superpage',
      label: 'partial grant of a superpage',
      behaviour: "the superpage's node is reused for the first 4 KiB entry and the sender's whole superpage entry is cleared: the sender loses all of it",
      source: `${PISTACHIO}generic/mapping.cc mdb_map (lines 207-219), generic/linear_ptab_walker.cc map_fpage (lines 697-704)`,
      branches: ['grant.partial-superpage'],
      bug: true,
    },
    {
      id: 'grant-same-frame',
      label: 'grant onto a same-frame mapping',
      behaviour: "only extends the receiver's rights: the sender keeps its mapping (the entry is cleared only on the new-mapping path)",
      source: `${PISTACHIO}generic/linear_ptab_walker.cc map_fpage (lines 579-611, 697-704)`,
      branches: ['grant.same-frame-kept'],
      bug: true,
    },
    {
      id: 'sigma0-no-table',
      label: "sigma0's unmap and flush",
      behaviour: "nothing happens: mapctrl walks the caller's own page table, and sigma0's holds none of the memory it hands out",
      source: `${PISTACHIO}generic/linear_ptab_walker.cc mapctrl (lines 862-872), map_fpage (lines 305-311)`,
      branches: ['unmap.sigma0-nothing'],
    },
    {
      id: 'unmap',
      label: 'unmap and flush',
      behaviour: "the caller's entries in the fpage are walked; each one's database subtree is flushed (with the entry itself on a flush); emptied page tables are freed on a flush only",
      source: `${PISTACHIO}generic/linear_ptab_walker.cc mapctrl (lines 862-964), generic/mapping.cc mdb_flush`,
      branches: ['unmap.whole-node', 'unmap.nothing-mapped'],
    },
    {
      id: 'partial-flush',
      label: "partial flush of the caller's superpage",
      behaviour: 'expanded to the whole superpage ("Fpage too small -- expand to current size")',
      source: `${PISTACHIO}generic/linear_ptab_walker.cc mapctrl (lines 880-885)`,
      branches: ['unmap.partial-flush-whole'],
    },
    {
      id: 'partial-unmap-stride',
      label: "partial unmap of the caller's superpage",
      behaviour: "each 4 KiB count steps a whole superpage entry, and of each such superpage mdb_flush revokes the base page at the fpage's offset (its base-page array, or the first same-size descendant's that has one)",
      source: `${PISTACHIO}generic/linear_ptab_walker.cc mapctrl (lines 868-886, 942-946), generic/mapping.cc mdb_flush (lines 476-503)`,
      branches: ['unmap.partial-stride'],
      bug: true,
    },
    {
      id: 'flush-stops-in-array',
      label: 'mdb_flush inside an empty base-page array',
      behaviour: "base-page arrays outlive their mappings; a flush that enters one and finds nothing stops there, so the node's superpage descendants survive the unmap",
      source: `${PISTACHIO}generic/mapping.cc mdb_flush (lines 476-503, 553-598)`,
      branches: ['unmap.stops-in-array'],
      bug: true,
    },
    {
      id: 'invalid-free',
      label: 'flush of a base-page array left early',
      behaviour: "the walk goes back up as soon as the first occupied slot's list ends and frees the wrong address as the array; the rest of the array is never visited (in the kernel, kmem gets back memory in use)",
      source: `${PISTACHIO}generic/mapping.cc mdb_flush (lines 504-537), generic/mapping_alloc.cc`,
      branches: ['unmap.invalid-free'],
      bug: true,
    },
    {
      id: 'memory-error',
      label: 'an access outside its objects',
      behaviour: "the kernel's behaviour is undefined (f_num wraps past a page table, a link node read at the wrong size, r_prev[-1]); fpcheck leaves the state as it was",
      source: `${PISTACHIO}generic/linear_ptab_walker.cc map_fpage (lines 298, 755-771), generic/mapping.cc mdb_flush (lines 449, 482-487)`,
      branches: ['map.memory-error', 'unmap.memory-error'],
      bug: true,
    },
    {
      id: 'window-flush',
      label: 'grant larger than the receive window',
      behaviour: "the sender's whole fpage is flushed",
      source: `${PISTACHIO}api/v4/ipcx.cc (lines 209-223)`,
      branches: ['grant.window-flush'],
    },
  ],
};

/** A rule as the coverage report counts it: the kernel branches that show it was taken. */
export interface CountedRule {
  readonly id: string;
  readonly label: string;
  readonly branches: readonly KernelBranch[];
}

const PARTIAL_BRANCHES: Readonly<Record<PartialMode, KernelBranch>> = {
  whole: 'unmap.partial-whole',
  overlapping: 'unmap.partial-overlapping',
  inner: 'unmap.partial-inner',
  ignore: 'unmap.partial-ignore',
  split: 'unmap.partial-split',
};

/**
 * The rules a profile's kernel has, each with the branches that show it taken: for a named
 * kernel its `KERNEL_RULES` (bug rules only where the profile keeps the bugs), for a spec-level
 * profile its partial-unmap and larger-overmap rules (each choice of `x2` a rule of its own) and
 * the paths every kernel has. A rule a run never took is a rule its verdicts say nothing about. Pure.
 */
export function profileRules(p: KernelProfile): CountedRule[] {
  if (p.engine !== 'spec') return KERNEL_RULES[p.engine].filter((r) => !r.bug || p.bugs.has(r.id));
  const modes = new Set<PartialMode>();
  for (const r of [p.partial.unmap, p.partial.flush]) for (const m of r === 'choose' ? PARTIAL_CHOICES : [r]) modes.add(m);
  const overmaps = p.largerOvermap === 'choose' ? OVERMAP_CHOICES : [p.largerOvermap];
  return [
    { id: 'map', label: 'map as a child of the sender', branches: ['map.new'] },
    { id: 'overmap-smaller', label: 'map over smaller or equal mappings', branches: ['map.overmap-smaller'] },
    ...overmaps.map((o): CountedRule => ({ id: `overmap-larger-${o}`, label: `map under a larger mapping: ${o}`, branches: [o === 'skip' ? 'map.overmap-larger-skip' : 'map.overmap-larger-replace'] })),
    { id: 'rights-upgrade', label: 'map over the same frame', branches: ['map.rights-upgrade'] },
    { id: 'grant', label: 'grant', branches: ['grant.move'] },
    { id: 'unmap', label: 'unmap of whole nodes', branches: ['unmap.whole-node'] },
    ...[...modes].map((m): CountedRule => ({ id: `partial-${m}`, label: `partial unmap: ${m}`, branches: [PARTIAL_BRANCHES[m]] })),
    ...(p.unmapIn ? [{ id: 'unmapIn', label: 'unmapIn', branches: ['unmapIn.revoke'] } as CountedRule] : []),
  ];
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
