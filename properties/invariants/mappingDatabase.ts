import { checkStructureAfter, conservationBreach, type StructureViolation } from '../../model/index.ts';
import { HOLDS, VACUOUS, violated, type Invariant, type Verdict } from '../invariant.ts';

/** The kernel model's own structure rules, on what the step touched; a refused step must change nothing. */
export const mappingDatabase: Invariant = {
  name: 'structure.mapping-database',
  property: 'structure',
  statement: 'the mapping database stays a valid derivation forest (parents contain children, no cycles, rights never grow, no overlap, sigma0 covers memory once, indexes agree)',
  premise: 'every step',
  minNonVacuousShare: 0.5,
  check: (obs, after) => structureVerdict(checkStructureAfter(after.kernel, obs.effects)),
};

/** A map or grant loses no memory: what the sender had is still the sender's or now the receiver's. */
export const transferConserves: Invariant = {
  name: 'structure.transfer-conserves',
  property: 'structure',
  statement: "after a map or grant, every page the sender had mapped is still the sender's or, within the send fpage, the receiver's, unless it derived from a receiver mapping the call replaced",
  premise: 'a kernel map or grant that the kernel accepted (by a client, or by the server for a request)',
  minNonVacuousShare: 0.3,
  check(obs, after) {
    let judged = false;
    for (const e of obs.effects) {
      if (!e.transfer || e.refused) continue;
      judged = true;
      const breach = conservationBreach(after.kernel, e);
      if (breach) return violated(breach);
    }
    return judged ? HOLDS : VACUOUS;
  },
};

/** The first broken structure rule, as a verdict. */
export const structureVerdict = (v: readonly StructureViolation[]): Verdict => (v.length > 0 ? violated(`${v[0]!.rule}: ${v[0]!.message}`) : HOLDS);

/** A refused command leaves the mapping database untouched (NOVA's rollback rule). */
export const refusedLeavesState: Invariant = {
  name: 'structure.refused-changes-nothing',
  property: 'structure',
  statement: 'a refused command leaves the mapping database unchanged',
  premise: 'the kernel refused a command the world passed on (the search skips commands the world refuses)',
  minNonVacuousShare: 0,
  check(obs) {
    if (obs.outcome.kind !== 'refused') return { kind: 'vacuous' };
    const changed = obs.effects.some((e) => e.created.length + e.removed.length + e.changed.length > 0);
    return changed ? violated(`command was refused (${obs.outcome.reason}) yet the kernel changed`) : HOLDS;
  },
};
