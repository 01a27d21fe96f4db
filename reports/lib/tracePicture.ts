import { BadFileError, loadCounterexample, replayCounterexample } from '../../counterexamples/index.ts';
import { DESIGNS, framesOf, overlaps, PHYSMEM, SIGMA0, type Command, type Design, type Fpage, type MapNode, type ProfileName, type World } from '../../model/index.ts';
import { allocated, entitled, providersOf, runCommands } from '../../properties/index.ts';

/** How a node fared in the violating step. */
export type NodeMark = 'removed' | 'created' | 'changed' | 'extant' | 'plain';

export interface PictureNode {
  readonly id: number;
  readonly task: string;
  readonly vbase: number;
  readonly order: number;
  readonly frame: number;
  readonly parent: number | null;
  readonly mark: NodeMark;
}

/** The derivation trees of the frames a violating step involved, just before and just after it. */
export interface TracePicture {
  readonly file: string;
  readonly design: string;
  readonly profile: string;
  readonly invariant: string;
  readonly message: string;
  readonly step: number;
  readonly command: Command;
  readonly frames: readonly Fpage[];
  readonly before: readonly PictureNode[];
  readonly after: readonly PictureNode[];
}

const plain = (n: MapNode): Omit<PictureNode, 'mark'> => ({ id: n.id, task: n.task, vbase: n.vbase, order: n.order, frame: n.frame, parent: n.parent });

/** Nodes whose frames meet any of `frames`: with them come their ancestors, whose frames contain theirs. */
const meeting = (w: World, frames: readonly Fpage[]): MapNode[] => [...w.kernel.db.all()].filter((n) => frames.some((f) => overlaps(framesOf(n), f)));

/**
 * Replays a saved counterexample up to its violating step and pictures the trees around it:
 * the frames of the allocations the step touched and of every node it created, removed or
 * changed. Removed nodes are marked in the picture before; created and changed ones after;
 * "extant" marks a client or proxy mapping the entitlement ledger no longer backs.
 */
export function tracePicture(file: string, designs: readonly Design[] = DESIGNS): TracePicture {
  const c = loadCounterexample(file);
  const design = designs.find((d) => d.name === c.design);
  if (!design) throw new BadFileError(file, 'design', `unknown design ${JSON.stringify(c.design)}: name its module in fpcheck.config or with --design`);
  // Only a file that validates whole (design, profile, world size, invariants) is replayed here: else a BadFileError names what is wrong.
  replayCounterexample(c, file, designs);
  const scenario = { config: c.config, design, profile: c.profile as ProfileName };
  const commands = c.commands as Command[];
  const { world } = runCommands(scenario, commands.slice(0, c.step), []);
  const beforeAll = new Map([...world.kernel.db.all()].map((n) => [n.id, n]));
  const obs = world.step(commands[c.step]!);
  const frames: Fpage[] = [
    ...obs.touchedAllocations.map((h) => world.allocations.get(h)!.fpage),
    ...obs.effects.flatMap((e) => [...e.created.map(framesOf), ...e.changed.map(framesOf), ...e.removed.map((r) => framesOf(r.node)), ...e.lost.map((l) => l.frames)]),
  ];
  const removed = new Set([...beforeAll.keys()].filter((id) => !world.kernel.db.has(id)));
  const changed = new Set(obs.effects.flatMap((e) => e.changed.map((n) => n.id)));
  const shownBefore = [...beforeAll.values()].filter((n) => removed.has(n.id) || frames.some((f) => overlaps(framesOf(n), f)));
  // Extant: a mapping the entitlement ledger no longer backs (a client's without a holder, a proxy's without a live allocation).
  const isExtant = (n: MapNode) => {
    if (n.task === SIGMA0 || n.task === PHYSMEM) return false;
    const client = world.clientOf(n.task);
    return client === null ? !allocated(world, framesOf(n)) : !entitled(world, client, framesOf(n), providersOf(world, n, world.kernel.db.ancestry(n)));
  };
  return {
    file,
    design: c.design,
    profile: c.profile,
    invariant: c.invariant,
    message: c.message,
    step: c.step,
    command: commands[c.step]!,
    frames,
    before: shownBefore.map((n) => ({ ...plain(n), mark: removed.has(n.id) ? 'removed' : 'plain' })),
    after: meeting(world, frames).map((n) => ({ ...plain(n), mark: !beforeAll.has(n.id) ? 'created' : changed.has(n.id) ? 'changed' : isExtant(n) ? 'extant' : 'plain' })),
  };
}
