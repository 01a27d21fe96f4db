import { checkStructure } from '../../model/index.ts';
import { HOLDS, violated, type Invariant } from '../invariant.ts';
import { mappingDatabase } from './mappingDatabase.ts';

/** `structure.mapping-database` re-checked over the whole database every step, not only what the step touched. */
export const mappingDatabaseFull: Invariant = {
  ...mappingDatabase,
  check(_obs, after) {
    const v = checkStructure(after.kernel);
    if (v.length > 0) return violated(`${v[0]!.rule}: ${v[0]!.message}`);
    return HOLDS;
  },
};

/**
 * The same invariants, with every incremental check swapped for its full re-check (`--paranoid`).
 * Names stay the same, so verdicts and saved files are comparable with an ordinary run.
 */
export const paranoid = (invariants: readonly Invariant[]): Invariant[] => invariants.map((i) => (i === mappingDatabase ? mappingDatabaseFull : i));
