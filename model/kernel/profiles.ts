import { match } from 'ts-pattern';

/** What a kernel does with a partial unmap (X.2 4.1: "might or might not work"). */
export type PartialMode = 'whole' | 'inner' | 'ignore' | 'split';
/** The outcomes X.2 allows at a partial unmap; the `x2` profile takes one of these per event. */
export type PartialChoice = 'whole' | 'inner' | 'ignore';
export const PARTIAL_CHOICES: readonly PartialChoice[] = ['whole', 'inner', 'ignore'];
/** What a map does where the receiver holds a larger mapping around the target. */
export type OvermapChoice = 'skip' | 'replace';
export const OVERMAP_CHOICES: readonly OvermapChoice[] = ['skip', 'replace'];

export const PROFILE_NAMES = ['split', 'ignore', 'whole', 'inner', 'x2', 'fiasco', 'pistachio', 'extended'] as const;
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
type Rule<T> = T | 'choose';

/** A kernel profile as data: how it treats partial unmaps and larger overmaps, and whether it has `unmapIn`. */
export interface KernelProfile {
  readonly name: ProfileName;
  /** Mode for a partial unmap of the caller's own node, by flush flag. */
  readonly partial: { readonly unmap: Rule<PartialMode>; readonly flush: Rule<PartialMode> };
  readonly largerOvermap: Rule<OvermapChoice>;
  readonly unmapIn: boolean;
}

const fixed = (name: ProfileName, mode: PartialMode, larger: OvermapChoice): KernelProfile => ({
  name,
  partial: { unmap: mode, flush: mode },
  largerOvermap: larger,
  unmapIn: false,
});

/** The profile of a name. Pure. */
export const profile = (name: ProfileName): KernelProfile =>
  match(name)
    .returnType<KernelProfile>()
    .with('split', 'ignore', 'whole', 'inner', (m) => fixed(m, m, 'replace'))
    .with('fiasco', () => fixed('fiasco', 'whole', 'replace'))
    // Pistachio: unmap walks only smaller mappings inside the range; a flush of the caller's
    // own larger mapping is expanded to its current size; a map never replaces a larger one.
    .with('pistachio', () => ({ name, partial: { unmap: 'inner', flush: 'whole' }, largerOvermap: 'skip', unmapIn: false }))
    .with('x2', () => ({ name, partial: { unmap: 'choose', flush: 'choose' }, largerOvermap: 'choose', unmapIn: false }))
    .with('extended', () => ({ ...fixed('extended', 'split', 'replace'), unmapIn: true }))
    .exhaustive();

/** Choices that always answer the same: what a test passes when it wants one fixed branch. */
export const constantChoices = (partial: PartialChoice = 'whole', overmap: OvermapChoice = 'replace'): KernelChoices => ({
  partialUnmap: () => partial,
  largerOvermap: () => overmap,
});

/** Choices read from recorded lists; each list falls back to its first option once used up. */
export const listedChoices = (partial: readonly PartialChoice[] = [], overmap: readonly OvermapChoice[] = []): KernelChoices => new ListedChoices(partial, overmap);

/**
 * A class, not closures over counters: it is built on every step that records choices, and the
 * TypeScript loader names every closure it creates at run time, which cost more than the step.
 */
class ListedChoices implements KernelChoices {
  private p = 0;
  private o = 0;
  constructor(
    private readonly partial: readonly PartialChoice[],
    private readonly overmap: readonly OvermapChoice[],
  ) {}
  partialUnmap(): PartialChoice {
    return this.partial[this.p++] ?? 'whole';
  }
  largerOvermap(): OvermapChoice {
    return this.overmap[this.o++] ?? 'skip';
  }
}
