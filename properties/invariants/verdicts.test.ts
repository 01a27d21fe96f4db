/**
 * Each invariant's verdict, exactly: holds, vacuous (and exempt) or violated with its message,
 * on worlds and observations built for the case, including the edges of each premise.
 */
import { describe, expect, test } from 'vitest';
import {
  clientTask,
  constantChoices,
  DEFAULT_CONFIG,
  designNamed,
  emptyEffect,
  R,
  RWX,
  World,
  type Command,
  type Design,
  type KernelEffect,
  type ProfileName,
  type StepObservation,
  type WorldConfig,
} from '../../model/index.ts';
import { INVARIANTS, invariantNamed } from './index.ts';
import { refusedLeavesState } from './mappingDatabase.ts';
import { noCrossTaskFlush } from './noCrossTaskFlush.ts';
import { noExhaustion } from './noExhaustion.ts';
import { noExtantAfterDealloc } from './noExtantAfterDealloc.ts';
import { noForeignFrames } from './noForeignFrames.ts';
import { mappingDatabaseFull, noExtantAfterDeallocFull, noForeignFramesFull, paranoid } from './paranoid.ts';
import { servedMeansMapped } from './servedMeansMapped.ts';
import type { Invariant } from '../invariant.ts';

const ROOMY: WorldConfig = { memoryPages: 256, clients: 3, quota: 32, clientSpaceOrder: 6, proxySpaceOrder: 4, maxOrder: 3, superpageOrder: 4 };
const world = (design = 'direct-exact', profile: ProfileName = 'split', config = ROOMY) => new World(config, designNamed(design) ?? (design as unknown as Design), profile);
const designWorld = (d: Design, profile: ProfileName = 'split', config = ROOMY) => new World(config, d, profile);

/** Steps every command, returning each invariant verdict of the last. */
function last(w: World, inv: Invariant, commands: readonly Command[]) {
  let v = inv.check(w.step(commands[0]!), w);
  for (const c of commands.slice(1)) v = inv.check(w.step(c), w);
  return v;
}

/** An observation made by hand: a command that did nothing, with the parts a test gives. */
const observation = (parts: Partial<StepObservation>): StepObservation => ({
  index: 0,
  command: { kind: 'exit', client: 0 },
  actors: [0],
  outcome: { kind: 'applied' },
  effects: [],
  touchedAllocations: [],
  refault: false,
  served: null,
  choicesUsed: { partial: 0, overmap: 0, events: '' },
  ...parts,
});

const effect = (parts: Partial<KernelEffect>): KernelEffect => ({ ...emptyEffect('test'), ...parts });

const alloc = (client: number, order: number): Command => ({ kind: 'alloc', client, order });
const request = (client: number, handle: number, offset: number, order: number, vaddr: number): Command => ({ kind: 'request', client, handle, offset, order, vaddr });
const share = (client: number, handle: number, other: number): Command => ({ kind: 'share', client, handle, other });

/** A server that serves as direct-exact does and revokes by flushing all of physmem's mappings: it takes everyone's. */
const scorched: Design = {
  ...designNamed('direct-exact')!,
  name: 'test-scorched',
  start: (ctx) => {
    const base = designNamed('direct-exact')!.start(ctx);
    const all = () => {
      for (const n of ctx.kernel.nodes(ctx.physmem, { base: 0, order: 8 })) ctx.kernel.unmap(ctx.physmem, { base: n.vbase, order: n.order }, false);
    };
    return { ...base, revoke: all, free: all };
  },
};

describe('the registry', () => {
  test('names every invariant once and finds each by name', () => {
    const names = INVARIANTS.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    for (const i of INVARIANTS) expect(invariantNamed(i.name)).toBe(i);
    expect(invariantNamed('no.such')).toBeUndefined();
    expect(names).toContain('service.served-means-mapped');
  });

  test('--paranoid swaps exactly the incremental checks for full ones, keeping names and order', () => {
    const swapped = paranoid(INVARIANTS);
    expect(swapped.map((i) => i.name)).toEqual(INVARIANTS.map((i) => i.name));
    const changed = swapped.filter((i, k) => i !== INVARIANTS[k]);
    expect(changed).toEqual([noExtantAfterDeallocFull, noForeignFramesFull, mappingDatabaseFull].sort((a, b) => INVARIANTS.findIndex((i) => i.name === a.name) - INVARIANTS.findIndex((i) => i.name === b.name)));
  });

  test('the full checks see a wrong node that no step touched; the incremental ones only judge what a step could change', () => {
    const w = world();
    w.step(alloc(0, 0));
    const root = w.kernel.db.inSpace('physmem', { base: 0, order: 8 })[0]!;
    // A client node on free frame 9, planted without a step: only a whole-database check can see it.
    w.kernel.db.add({ task: clientTask(1), vbase: 0, order: 0, frame: 9, rights: RWX, parent: root.id });
    const quiet = observation({});
    expect(noExtantAfterDealloc.check(quiet, w).kind).toBe('vacuous');
    expect(noExtantAfterDeallocFull.check(quiet, w)).toMatchObject({ kind: 'violated', message: expect.stringMatching(/^c1 maps frames 9\.\.9 at page 0 .*1 of those 1 frames belong to no live allocation/) });
    w.kernel.db.add({ task: clientTask(1), vbase: 1, order: 0, frame: 0, rights: RWX, parent: root.id });
    expect(noForeignFrames.check(quiet, w).kind).toBe('vacuous');
    expect(noForeignFramesFull.check(quiet, w)).toMatchObject({ kind: 'violated', message: expect.stringMatching(/c1 maps frames 0\.\.0 at page 1 .*neither it nor a client it derives from or was handed them by holds/) });
  });
});

describe('isolation.no-cross-task-flush', () => {
  test('vacuous while no other client maps anything; holds once one does', () => {
    expect(last(world(), noCrossTaskFlush, [alloc(0, 1), request(0, 0, 0, 1, 0)]).kind).toBe('vacuous');
    // The last client is the one that maps: the scan must reach it.
    expect(last(world(), noCrossTaskFlush, [alloc(2, 1), request(2, 0, 0, 1, 0), alloc(0, 0)]).kind).toBe('holds');
  });

  test("violated when an operation for one client takes another's mapping, with who, what and where", () => {
    const v = last(designWorld(scorched), noCrossTaskFlush, [alloc(0, 1), request(0, 0, 0, 1, 0), alloc(1, 1), request(1, 1, 0, 1, 4), { kind: 'dealloc', client: 1, handle: 1 }]);
    expect(v).toEqual({ kind: 'violated', message: "on behalf of client 1, unmap(physmem, [0+256)) removed c0's mapping of frames 0..1 at page 0 (revoke), which c0 is still entitled to" });
  });

  test('holds when what goes derives from the acting client, or is no longer wanted by its owner, or belongs to the actor', () => {
    // c1 received its page from c0: c0 letting go takes it with c0's, by right.
    const derived = world('direct-exact');
    expect(last(derived, noCrossTaskFlush, [alloc(0, 0), request(0, 0, 0, 0, 0), { kind: 'map', client: 0, vaddr: 0, order: 0, other: 1, toVaddr: 5 }, { kind: 'dealloc', client: 0, handle: 0 }]).kind).toBe('holds');
    // A map acts for giver and receiver: the receiver's own mapping replaced is no one else's loss (client 2's mapping makes it a test).
    const over = world('direct-exact');
    const setup = [alloc(2, 0), request(2, 0, 0, 0, 9), alloc(0, 0), request(0, 1, 0, 0, 0), alloc(1, 0), request(1, 2, 0, 0, 5)];
    expect(last(over, noCrossTaskFlush, [...setup, { kind: 'map', client: 0, vaddr: 0, order: 0, other: 1, toVaddr: 5 }]).kind).toBe('holds');
    // The owner holds the block, but its only mapping came from the sharer: the sharer letting go takes it, by right.
    const throughSharer = world('direct-exact');
    const viaSharer = [alloc(0, 0), share(0, 0, 1), request(1, 0, 0, 0, 0), { kind: 'map', client: 1, vaddr: 0, order: 0, other: 0, toVaddr: 5 } as Command, alloc(2, 0), request(2, 1, 0, 0, 0)];
    expect(last(throughSharer, noCrossTaskFlush, [...viaSharer, { kind: 'release', client: 1, handle: 0 }]).kind).toBe('holds');
    // c1 released the block; the owner's dealloc then takes c1's stale mapping: c1 is not entitled any more.
    const stale = designWorld(scorched);
    expect(last(stale, noCrossTaskFlush, [alloc(0, 0), request(0, 0, 0, 0, 0), alloc(1, 0), request(1, 1, 0, 0, 0), { kind: 'release', client: 1, handle: 1 }]).kind).not.toBe('violated');
  });
});

describe('availability.no-exhaustion', () => {
  const slot = (base: number, order: number, users: number[], handle: number) => ({ region: { base, order }, users, handle });
  const exhausted = (w: World, client: number, order: number, slots: ReturnType<typeof slot>[]) =>
    noExhaustion.check(observation({ command: request(client, 0, 0, order, 0), actors: [client], outcome: { kind: 'exhausted', client, order, space: 'proxy', spaceOrder: 3, slots } }), w);

  test('holds when the client filled the space itself, with memory it still holds', () => {
    const w = world('shared-proxy');
    w.step(alloc(0, 2));
    w.step(alloc(0, 2));
    expect(exhausted(w, 0, 2, [slot(0, 2, [0], 0), slot(4, 2, [0], 1)]).kind).toBe('holds');
  });

  test("violated when other clients' slots leave no aligned room, naming who holds how much", () => {
    const w = world('shared-proxy');
    w.step(alloc(0, 2));
    w.step(alloc(1, 2));
    w.step(share(1, 1, 0));
    expect(exhausted(w, 0, 2, [slot(0, 1, [0], 0), slot(4, 2, [1], 1)])).toEqual({ kind: 'violated', message: "client 0's request for 4 pages failed: proxy's space of 8 pages is full, 4 pages of it held for client 1 (last region ends at 8)" });
    // The very last aligned region is free: the request fits.
    expect(exhausted(w, 0, 2, [slot(0, 2, [1], 1)])).toMatchObject({ kind: 'violated' });
    expect(exhausted(w, 0, 3, [slot(0, 0, [0], 0)]).kind).toBe('holds');
  });

  test("a slot of a block the client let go of is not the client's doing", () => {
    const w = world('shared-proxy');
    w.step(alloc(1, 2));
    w.step(share(1, 0, 0));
    w.step({ kind: 'release', client: 0, handle: 0 });
    w.step(alloc(0, 1));
    expect(exhausted(w, 0, 2, [slot(0, 1, [0], 0), slot(4, 1, [0], 1)])).toEqual({ kind: 'violated', message: "client 0's request for 4 pages failed: proxy's space of 8 pages is full, 2 pages of it held for client 0 (last region ends at 6)" });
  });

  test('slots the server keeps for memory nobody holds count against it, not against the client', () => {
    const w = world('shared-proxy');
    w.step(alloc(0, 2));
    w.step({ kind: 'dealloc', client: 0, handle: 0 });
    w.step(alloc(0, 1));
    expect(exhausted(w, 0, 2, [slot(0, 2, [0], 0), slot(4, 1, [0], 1)])).toEqual({ kind: 'violated', message: "client 0's request for 4 pages failed: proxy's space of 8 pages is full, 4 pages of it held for client 0 (1 region for memory no longer held) (last region ends at 6)" });
    expect(exhausted(w, 0, 2, [slot(0, 1, [], 1), slot(2, 1, [], 1), slot(4, 1, [0], 1)])).toEqual({ kind: 'violated', message: "client 0's request for 4 pages failed: proxy's space of 8 pages is full, 4 pages of it held for no client (2 regions for memory no longer held) (last region ends at 6)" });
    // Its own live slot alone leaves no room for 8 pages: that is the client's doing, stale slots or not.
    expect(exhausted(w, 0, 3, [slot(0, 2, [0], 0), slot(4, 1, [0], 1)]).kind).toBe('holds');
  });

  test('a served request or touch while another client maps is a test; anything else is vacuous', () => {
    const w = world('shared-proxy');
    w.step(alloc(0, 1));
    expect(noExhaustion.check(w.step(request(0, 0, 0, 1, 0)), w).kind).toBe('vacuous');
    w.step(alloc(2, 1));
    expect(noExhaustion.check(w.step(request(2, 1, 0, 1, 0)), w).kind).toBe('holds');
    expect(noExhaustion.check(w.step(alloc(1, 0)), w).kind).toBe('vacuous');
    w.step({ kind: 'unmap', client: 2, vaddr: 0, order: 1, flush: true });
    expect(noExhaustion.check(w.step({ kind: 'touch', client: 2, vaddr: 1 }), w).kind).toBe('holds');
    expect(noExhaustion.check(observation({ command: request(0, 0, 0, 0, 2), outcome: { kind: 'refused', reason: 'no' } }), w).kind).toBe('vacuous');
  });
});

describe('safety.no-extant-after-dealloc', () => {
  test('holds when a dealloc takes the client mappings of the block; vacuous for a block no client mapped', () => {
    expect(last(world(), noExtantAfterDealloc, [alloc(0, 1), request(0, 0, 0, 1, 0), { kind: 'dealloc', client: 0, handle: 0 }]).kind).toBe('holds');
    expect(last(world(), noExtantAfterDealloc, [alloc(0, 1), { kind: 'dealloc', client: 0, handle: 0 }]).kind).toBe('vacuous');
  });

  test("a dealloc that takes other frames' mappings is no test of this one", () => {
    // direct-containing unmaps physmem's whole fpage: client 1's mapping of another block goes, nothing of the freed block was mapped.
    const v = last(world('direct-containing'), noExtantAfterDealloc, [alloc(0, 1), alloc(1, 1), request(1, 1, 0, 1, 0), { kind: 'dealloc', client: 0, handle: 0 }]);
    expect(v.kind).toBe('vacuous');
    // The mapping taken ends exactly where the freed block begins.
    const next = last(world('direct-containing'), noExtantAfterDealloc, [alloc(1, 1), request(1, 0, 0, 1, 0), alloc(0, 1), { kind: 'dealloc', client: 0, handle: 1 }]);
    expect(next.kind).toBe('vacuous');
  });

  test('violated at once for a node on frames of no live allocation, and a share of a live block judges nothing here', () => {
    const w = world('direct-exact', 'ignore');
    expect(last(w, noExtantAfterDealloc, [alloc(0, 1), request(0, 0, 0, 1, 0), { kind: 'dealloc', client: 0, handle: 0 }])).toMatchObject({ kind: 'violated', message: expect.stringMatching(/^c0 maps frames 0\.\.1 at page 0 .*2 of those 2 frames belong to no live allocation$/) });
    const live = world();
    expect(last(live, noExtantAfterDealloc, [alloc(0, 1), request(0, 0, 0, 1, 0), share(0, 0, 1)]).kind).toBe('vacuous');
  });
});

describe('safety.no-foreign-frames', () => {
  test('vacuous when no client node is made or touched; holds for a holder, and for a mapping received from one', () => {
    expect(last(world(), noForeignFrames, [alloc(0, 1)]).kind).toBe('vacuous');
    expect(last(world(), noForeignFrames, [alloc(0, 1), request(0, 0, 0, 1, 0)]).kind).toBe('holds');
    expect(last(world(), noForeignFrames, [alloc(0, 1), request(0, 0, 0, 1, 0), { kind: 'map', client: 0, vaddr: 0, order: 1, other: 2, toVaddr: 8 }]).kind).toBe('holds');
    // A share of a live block re-judges its client nodes.
    expect(last(world(), noForeignFrames, [alloc(0, 1), request(0, 0, 0, 1, 0), share(0, 0, 1)]).kind).toBe('holds');
  });

  test('a dealloc judges no client node here: the block is gone, its frames are the other safety invariant\'s', () => {
    expect(last(world('direct-exact', 'ignore'), noForeignFrames, [alloc(0, 1), request(0, 0, 0, 1, 0), { kind: 'dealloc', client: 0, handle: 0 }]).kind).toBe('vacuous');
  });

  test('violated for a node kept after its client let go of the block', () => {
    const w = world('direct-exact', 'ignore');
    const v = last(w, noForeignFrames, [alloc(0, 1), share(0, 0, 1), request(1, 0, 0, 1, 0), { kind: 'release', client: 1, handle: 0 }]);
    expect(v).toMatchObject({ kind: 'violated', message: expect.stringMatching(/^c1 maps frames 0\.\.1 at page 0 \(node \d+, via physmem <- sigma0\), but neither it nor a client it derives from or was handed them by holds those frames$/) });
  });

  test('holds for a page granted by its holder when the kernel enters it under the granter\'s parent (Pistachio\'s partial grant of a superpage)', () => {
    // Found by search as a false alarm on every design on pistachio: the new node derives from physmem, not from the granter.
    const w = new World(DEFAULT_CONFIG, designNamed('direct-exact')!, 'pistachio');
    const grant: Command = { kind: 'grant', client: 0, vaddr: 0, order: 0, other: 1, toVaddr: 0 };
    expect(last(w, noForeignFrames, [alloc(0, 2), request(0, 0, 0, 2, 0), grant]).kind).toBe('holds');
    const [piece] = w.kernel.db.inSpace(clientTask(1), { base: 0, order: 0 });
    expect(w.receivedFrom(piece!.id)).toEqual([0]);
  });

  test('a node on free frames is the other safety invariant\'s, and a node inside one block is no straddler', () => {
    const pastEnd: Design = {
      ...designNamed('direct-exact')!,
      name: 'test-past-end',
      start: (ctx) => ({
        ...designNamed('direct-exact')!.start(ctx),
        serve: (r) => {
          ctx.kernel.map(ctx.physmem, { base: r.frame + 2, order: r.order }, ctx.client(r.client), r.vaddr);
          return null;
        },
      }),
    };
    expect(last(designWorld(pastEnd), noForeignFrames, [alloc(0, 1), request(0, 0, 0, 1, 0)]).kind).toBe('holds');
    const w = world();
    expect(last(w, noForeignFrames, [alloc(0, 0), alloc(0, 0), request(0, 1, 0, 0, 0)]).kind).toBe('holds');
  });
});

describe('service.served-means-mapped', () => {
  const served = (client: number, frame: number, order: number, vaddr: number, effects: KernelEffect[] = []) =>
    observation({ command: request(client, 0, 0, order, vaddr), served: { client, handle: 0, frame, order, vaddr, rights: RWX }, effects });

  test('vacuous when nothing was served, or the step was not applied', () => {
    const w = world();
    expect(servedMeansMapped.check(observation({}), w).kind).toBe('vacuous');
    expect(servedMeansMapped.check({ ...served(0, 0, 0, 0), outcome: { kind: 'refused', reason: 'x' } }, w).kind).toBe('vacuous');
  });

  test('violated for a page not mapped, a page of other frames, and a page with fewer rights; each message says which', () => {
    const w = world();
    w.step(alloc(0, 1));
    expect(servedMeansMapped.check(served(0, 0, 1, 0), w)).toEqual({ kind: 'violated', message: "client 0's request for frames 0..1 at page 0 was reported served, but page 0 is not mapped" });
    w.kernel.map('physmem', { base: 1, order: 0 }, clientTask(0), 0, RWX, constantChoices());
    expect(servedMeansMapped.check(served(0, 0, 0, 0), w)).toEqual({ kind: 'violated', message: "client 0's request was reported served, but page 0 maps frame 1, not frame 0 of handle 0" });
    w.kernel.map('physmem', { base: 0, order: 0 }, clientTask(0), 2, R, constantChoices());
    expect(servedMeansMapped.check(served(0, 0, 0, 2), w)).toEqual({ kind: 'violated', message: "client 0's request was reported served, but page 2 has rights r--, not the rwx it holds handle 0 with" });
    // Inside a larger node, the frame is read at the page's offset in it.
    w.kernel.map('physmem', { base: 4, order: 2 }, clientTask(0), 8, RWX, constantChoices());
    expect(servedMeansMapped.check(served(0, 6, 0, 10), w).kind).toBe('holds');
    expect(servedMeansMapped.check(served(0, 5, 0, 10), w).kind).toBe('violated');
  });

  test("exempt only where the client's own task kept a mapping at that page, and holds where the rest is mapped", () => {
    const w = world();
    w.step(alloc(0, 1));
    const keptHere = effect({ skipped: [{ task: clientTask(0), virtual: { base: 0, order: 1 }, cause: 'larger' }] });
    expect(servedMeansMapped.check(served(0, 0, 1, 0, [keptHere]), w)).toEqual({ kind: 'vacuous', exempt: true });
    const keptElsewhere = effect({ skipped: [{ task: 'proxy', virtual: { base: 0, order: 1 }, cause: 'larger' }] });
    expect(servedMeansMapped.check(served(0, 0, 1, 0, [keptElsewhere]), w).kind).toBe('violated');
    const keptOtherPage = effect({ skipped: [{ task: clientTask(0), virtual: { base: 4, order: 1 }, cause: 'exists' }] });
    expect(servedMeansMapped.check(served(0, 0, 1, 0, [keptOtherPage]), w).kind).toBe('violated');
    w.kernel.map('physmem', { base: 1, order: 0 }, clientTask(0), 1, RWX, constantChoices());
    const firstKept = effect({ skipped: [{ task: clientTask(0), virtual: { base: 0, order: 0 }, cause: 'kept' }] });
    expect(servedMeansMapped.check(served(0, 0, 1, 0, [firstKept]), w).kind).toBe('holds');
  });
});

describe('structure.refused-changes-nothing', () => {
  test('vacuous for an applied step; holds for a refusal that changed nothing; violated for one that did', () => {
    const w = world();
    expect(refusedLeavesState.check(observation({}), w).kind).toBe('vacuous');
    const refused = { outcome: { kind: 'refused', reason: 'quota' } } as const;
    expect(refusedLeavesState.check(observation(refused), w).kind).toBe('holds');
    expect(refusedLeavesState.check(observation({ ...refused, effects: [effect({}), effect({})] }), w).kind).toBe('holds');
    const node = w.kernel.db.inSpace('physmem', { base: 0, order: 8 })[0]!;
    for (const change of [{ created: [node] }, { removed: [{ node, ancestry: [], cause: 'revoke' as const }] }, { changed: [node] }]) {
      expect(refusedLeavesState.check(observation({ ...refused, effects: [effect({}), effect(change)] }), w)).toEqual({ kind: 'violated', message: 'command was refused (quota) yet the kernel changed' });
    }
  });
});

describe('safety.no-excess-rights', () => {
  const readOnly: Command[] = [alloc(0, 1), { kind: 'share', client: 0, handle: 0, other: 1, rights: 'r-x' }];
  const noExcessRights = invariantNamed('safety.no-excess-rights')!;

  test('vacuous while every judged node is held with all rights; holds for a read-only sharer mapped read-only', () => {
    const w = world();
    expect(last(w, noExcessRights, [alloc(0, 1), request(0, 0, 0, 1, 0)]).kind).toBe('vacuous');
    expect(last(w, noExcessRights, [{ kind: 'share', client: 0, handle: 0, other: 1, rights: 'r-x' }, request(1, 0, 0, 1, 0)])).toEqual({ kind: 'holds' });
  });

  test('violated for a read-only sharer that can write, naming the rights it has and may have', () => {
    const w = world();
    for (const c of readOnly) w.step(c);
    const e = w.kernel.map('physmem', { base: 0, order: 1 }, clientTask(1), 0, RWX, constantChoices());
    expect(noExcessRights.check(observation({ effects: [e] }), w)).toEqual({
      kind: 'violated',
      message: expect.stringMatching(/^c1 maps frames 0\.\.1 at page 0 \(node \d+, via physmem <- sigma0\) with rights rwx, but it and the clients it derives from hold those frames with r-x at most$/),
    });
  });

  test('a node handed on by a holder with all rights may have them; the rights every entry has are never excess', () => {
    const w = world('direct-exact', 'pistachio');
    for (const c of readOnly) w.step(c);
    // Pistachio's default build has no NX: a read-only mapping reads back r-x, which r-- does not forbid.
    w.step({ kind: 'share', client: 0, handle: 0, other: 2, rights: 'r--' });
    expect(last(w, noExcessRights, [request(2, 0, 0, 1, 0)])).toEqual({ kind: 'holds' });
  });
});

test('rights a client was handed on by a non-holder count through the holder that client derives from (found by search as a false alarm on per-task-proxy)', () => {
  const noExcessRights = invariantNamed('safety.no-excess-rights')!;
  const w = world('per-task-proxy', 'x2', DEFAULT_CONFIG);
  // c2 owns the block and maps it to c0 (rwx, derived from c2); c1 is a read-only sharer served
  // through its proxy; c0's map onto c1's page only extends rights, and c1 now holds them through c0 and so through c2.
  for (const c of [alloc(2, 0), request(2, 0, 0, 0, 0), { kind: 'map', client: 2, vaddr: 0, order: 0, other: 0, toVaddr: 0 }, { kind: 'share', client: 2, handle: 0, other: 1, rights: 'r-x' }, request(1, 0, 0, 0, 0)] as Command[]) w.step(c);
  // No right is withheld from c1 any more: nothing to judge, and above all no violation.
  expect(last(w, noExcessRights, [{ kind: 'map', client: 0, vaddr: 0, order: 0, other: 1, toVaddr: 0 }])).toEqual({ kind: 'vacuous' });
});

describe('structure.transfer-conserves', () => {
  const conserves = invariantNamed('structure.transfer-conserves')!;
  test('vacuous without a map or grant; holds for a request and a grant that moves the memory', () => {
    const w = world();
    expect(last(w, conserves, [alloc(0, 1)]).kind).toBe('vacuous');
    expect(last(w, conserves, [request(0, 0, 0, 1, 0)])).toEqual({ kind: 'holds' });
    expect(last(w, conserves, [{ kind: 'grant', client: 0, vaddr: 0, order: 1, other: 1, toVaddr: 2 }])).toEqual({ kind: 'holds' });
  });

  test('violated when a grant leaves the memory with neither task', () => {
    const w = world();
    for (const c of [alloc(0, 1), request(0, 0, 0, 1, 0)]) w.step(c);
    const e = w.kernel.grant(clientTask(0), { base: 0, order: 1 }, clientTask(1), 2, RWX, constantChoices());
    // What a lost grant would leave: remove what the receiver was given.
    const moved = w.kernel.db.inSpace(clientTask(1), { base: 2, order: 1 })[0]!;
    w.kernel.unmap(clientTask(1), { base: 2, order: 1 }, true, constantChoices());
    expect(w.kernel.db.has(moved.id)).toBe(false);
    expect(conserves.check(observation({ effects: [e] }), w)).toEqual({ kind: 'violated', message: 'grant c0 -> c1: frame 0, mapped at page 0 of c0 before, is held by neither c0 nor c1 (at page 2) after' });
  });
});
