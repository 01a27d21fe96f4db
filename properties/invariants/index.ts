/** The invariant registry: adding one is a new file and one line here. */
import type { Invariant } from '../invariant.ts';
import { mappingDatabase, refusedLeavesState, transferConserves } from './mappingDatabase.ts';
import { noCrossTaskFlush } from './noCrossTaskFlush.ts';
import { noExhaustion } from './noExhaustion.ts';
import { noExcessRights } from './noExcessRights.ts';
import { noExtantAfterDealloc } from './noExtantAfterDealloc.ts';
import { noForeignFrames } from './noForeignFrames.ts';
import { servedMeansMapped } from './servedMeansMapped.ts';

export const INVARIANTS: readonly Invariant[] = [noExtantAfterDealloc, noForeignFrames, noExcessRights, noCrossTaskFlush, noExhaustion, servedMeansMapped, mappingDatabase, transferConserves, refusedLeavesState];

export const invariantNamed = (name: string): Invariant | undefined => INVARIANTS.find((i) => i.name === name);
