import type { Fpage } from './fpage.ts';
import type { MapNode, TaskId } from './mapdb.ts';

/** Why a node left the database. */
export type RemovalCause = 'revoke' | 'flush' | 'overmap' | 'split';

/** A removed node, with the tasks it derived through (parent's task first, root last). */
export interface Removal {
  readonly node: MapNode;
  readonly ancestry: readonly TaskId[];
  readonly cause: RemovalCause;
}

/**
 * A mapping that stopped existing: the pages of `task` at `virtual` no longer map `frames`.
 * A removed node is lost whole; a split node loses only its covered piece.
 */
export interface LostMapping {
  /** The node that lost it (removed, or split). */
  readonly node: MapNode;
  readonly task: TaskId;
  readonly virtual: Fpage;
  readonly frames: Fpage;
  readonly ancestry: readonly TaskId[];
  readonly cause: RemovalCause;
}

/** Kernel code paths an operation took; the coverage report counts them. */
export const KERNEL_BRANCHES = [
  'map.new',
  'map.rights-upgrade',
  'map.overmap-smaller',
  'map.overmap-larger-skip',
  'map.overmap-larger-replace',
  'map.exists-skip',
  'map.cut-to-pages',
  'map.sender-lost',
  'map.no-rights',
  'map.clamped',
  'map.window-aligned',
  'map.cut-by-page-table',
  'map.lookup-failed',
  'map.onto-source',
  'map.rights-as-entry',
  'map.rights-unmasked',
  'map.hole-no-advance',
  'map.hole-stride',
  'map.doubled-offset',
  'map.memory-error',
  'grant.move',
  'grant.demoted',
  'grant.subtree-keeps-rights',
  'grant.window-flush',
  'grant.partial-superpage',
  'grant.same-frame-kept',
  'unmap.whole-node',
  'unmap.partial-whole',
  'unmap.partial-overlapping',
  'unmap.partial-inner',
  'unmap.partial-ignore',
  'unmap.partial-split',
  'unmap.partial-stride',
  'unmap.partial-flush-whole',
  'unmap.sigma0-page',
  'unmap.nothing-mapped',
  'unmap.clamped',
  'unmap.sigma0-nothing',
  'unmap.stops-in-array',
  'unmap.invalid-free',
  'unmap.memory-error',
  'unmapIn.revoke',
  'refused',
] as const;
export type KernelBranch = (typeof KERNEL_BRANCHES)[number];

/**
 * A piece a map did not place because the receiver already held a mapping there that the kernel
 * keeps: the receiver's own arrangement decides what becomes of that page, not the sender.
 */
export interface Skipped {
  readonly task: TaskId;
  readonly virtual: Fpage;
  /**
   * `larger`: a larger mapping around the piece; `exists`: a mapping of another frame at the
   * piece; `kept`: a mapping of the same frame that derives from elsewhere, kept with its rights extended.
   */
  readonly cause: 'larger' | 'exists' | 'kept';
}

/**
 * A map or grant as the kernel took it, with the sender's nodes that met the send fpage before the
 * call (recorded by `Kernel` before any engine ran, so that what became of them can be judged
 * independently of the engine).
 */
export interface TransferRecord {
  readonly kind: 'map' | 'grant';
  readonly s: TaskId;
  readonly send: Fpage;
  readonly r: TaskId;
  readonly rcvBase: number;
  readonly sources: readonly MapNode[];
}

/** What one kernel call did, as data. */
export interface KernelEffect {
  readonly call: string;
  readonly refused: string | null;
  /** Set on a map or grant the kernel accepted. */
  transfer?: TransferRecord;
  readonly created: MapNode[];
  readonly removed: Removal[];
  readonly lost: LostMapping[];
  /** Nodes that changed in place: granted (moved), re-parented by a split, rights changed. */
  readonly changed: MapNode[];
  readonly skipped: Skipped[];
  readonly branches: KernelBranch[];
}

export const emptyEffect = (call: string): KernelEffect => ({
  call,
  refused: null,
  created: [],
  removed: [],
  lost: [],
  changed: [],
  skipped: [],
  branches: [],
});
