import { checkStructure, type MapNode, type WorldView } from '../../model/index.ts';
import type { Invariant } from '../invariant.ts';
import { mappingDatabase, structureVerdict } from './mappingDatabase.ts';
import { noExtantAfterDealloc, onFreeFrames } from './noExtantAfterDealloc.ts';
import { foreignNode, noForeignFrames } from './noForeignFrames.ts';

/** `structure.mapping-database` re-checked over the whole database every step, not only what the step touched. */
export const mappingDatabaseFull: Invariant = {
  ...mappingDatabase,
  check: (_obs, after) => structureVerdict(checkStructure(after.kernel)),
};

/** Every client node in the database. */
const allClientNodes = (view: WorldView): MapNode[] => [...view.kernel.db.all()].filter((n) => view.clientOf(n.task) !== null);

/** The safety invariants judging every client node every step; their premise (what counts as non-vacuous) is the incremental one's. */
export const noExtantAfterDeallocFull: Invariant = {
  ...noExtantAfterDealloc,
  check: (obs, after) => onFreeFrames(after, allClientNodes(after)) ?? noExtantAfterDealloc.check(obs, after),
};
export const noForeignFramesFull: Invariant = {
  ...noForeignFrames,
  check: (obs, after) => foreignNode(after, allClientNodes(after)) ?? noForeignFrames.check(obs, after),
};

const FULL = new Map<Invariant, Invariant>([
  [mappingDatabase, mappingDatabaseFull],
  [noExtantAfterDealloc, noExtantAfterDeallocFull],
  [noForeignFrames, noForeignFramesFull],
]);

/**
 * The same invariants, with every incremental check swapped for its full re-check (`--paranoid`).
 * Names stay the same, so verdicts and saved files are comparable with an ordinary run.
 */
export const paranoid = (invariants: readonly Invariant[]): Invariant[] => invariants.map((i) => FULL.get(i) ?? i);
