import { checkStructure } from '../../model/index.ts';
import type { Invariant } from '../invariant.ts';
import { mappingDatabase, structureVerdict } from './mappingDatabase.ts';

/** `structure.mapping-database` re-checked over the whole database every step, not only what the step touched. */
export const mappingDatabaseFull: Invariant = {
  ...mappingDatabase,
  check: (_obs, after) => structureVerdict(checkStructure(after.kernel)),
};

/**
 * The same invariants, with every incremental check swapped for its full re-check (`--paranoid`).
 * Names stay the same, so verdicts and saved files are comparable with an ordinary run.
 */
export const paranoid = (invariants: readonly Invariant[]): Invariant[] => invariants.map((i) => (i === mappingDatabase ? mappingDatabaseFull : i));
