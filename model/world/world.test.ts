/**
 * What a Hurd client and server do beyond asking for memory: share a block read-only, pass a
 * mapping on with fewer rights, grant it, and map into a receive window of another size. Each
 * reaches kernel rules that full-rights, same-size maps never do.
 */
import { describe, expect, test } from 'vitest';
import { designNamed } from '../designs/index.ts';
import { parseRights, PROFILE_NAMES, R, sendBase, showRights, W, X, type ProfileName } from '../kernel/index.ts';
import { clientTask, type Command } from './commands.ts';
import type { WorldConfig } from './config.ts';
import { World } from './world.ts';

const CONFIG: WorldConfig = { memoryPages: 64, clients: 3, quota: 16, clientSpaceOrder: 4, proxySpaceOrder: 4, maxOrder: 2, superpageOrder: 3 };
const world = (profile: ProfileName = 'split', design = 'direct-exact') => new World(CONFIG, designNamed(design)!, profile);
const run = (w: World, cs: readonly Command[]) => cs.map((c) => w.step(c));
const nodes = (w: World, client: number, base = 0, order = CONFIG.clientSpaceOrder) => w.kernel.db.inSpace(clientTask(client), { base, order });

const readOnlyLibrary: Command[] = [
  { kind: 'alloc', client: 0, order: 1 },
  { kind: 'share', client: 0, handle: 0, other: 1, rights: 'r-x' },
  { kind: 'request', client: 1, handle: 0, offset: 0, order: 1, vaddr: 2 },
];

describe('sharing with fewer rights', () => {
  test.each(PROFILE_NAMES.filter((p) => p !== 'extended'))('%s: the sharer is mapped read and execute only, as the kernel holds it', (profile) => {
    const w = world(profile);
    const obs = run(w, readOnlyLibrary);
    expect(obs.map((o) => o.outcome.kind)).toEqual(['applied', 'applied', 'applied']);
    expect(w.allocations.get(0)!.rights.get(1)).toBe(R | X);
    expect(obs[2]!.served?.rights).toBe(R | X);
    const got = nodes(w, 1, 2, 1).map((n) => showRights(n.rights));
    expect(got.length).toBeGreaterThan(0);
    for (const r of got) expect(parseRights(r) & W).toBe(0);
  });

  test('a share with no right at all, or rights that are not rwx text, is refused and changes nothing', () => {
    const w = world();
    run(w, readOnlyLibrary.slice(0, 1));
    for (const rights of ['---', 'rw', 'wrx', 'RWX']) {
      const o = w.step({ kind: 'share', client: 0, handle: 0, other: 2, rights });
      expect(o.outcome).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/^rights ".*" are not rwx-style text/) });
      expect(w.allocations.get(0)!.holders.has(2)).toBe(false);
    }
  });
});

describe('client to client: map with rights, grant, windows', () => {
  const owned: Command[] = [
    { kind: 'alloc', client: 0, order: 2 },
    { kind: 'request', client: 0, handle: 0, offset: 0, order: 2, vaddr: 4 },
  ];

  test('a map passes on at most the giver\'s rights, and the rights asked for', () => {
    const w = world('split');
    run(w, owned);
    run(w, [{ kind: 'map', client: 0, vaddr: 4, order: 2, other: 1, toVaddr: 8, rights: 'r--' }]);
    expect(nodes(w, 1).map((n) => [n.vbase, n.order, showRights(n.rights)])).toEqual([[8, 2, 'r--']]);
  });

  test.each(['split', 'x2', 'fiasco', 'pistachio'] as const)('%s: a grant moves the client\'s mapping to the other client, which now holds it from the giver', (profile) => {
    const w = world(profile);
    run(w, owned);
    const before = nodes(w, 0, 4, 2).map((n) => n.frame);
    const o = w.step({ kind: 'grant', client: 0, vaddr: 4, order: 2, other: 1, toVaddr: 0 });
    expect(o.outcome.kind).toBe('applied');
    expect(o.actors).toEqual([0, 1]);
    expect(nodes(w, 0, 4, 2)).toEqual([]);
    expect(nodes(w, 1, 0, 2).map((n) => n.frame)).toEqual(before);
    for (const n of nodes(w, 1, 0, 2)) expect(w.receivedFrom(n.id)).toEqual([0]);
  });

  test('a grant to oneself, or into a window past the space, is refused before the kernel', () => {
    const w = world();
    run(w, owned);
    expect(w.step({ kind: 'grant', client: 0, vaddr: 4, order: 2, other: 0, toVaddr: 0 }).outcome).toEqual({ kind: 'refused', reason: 'a client cannot grant to itself' });
    expect(w.step({ kind: 'map', client: 0, vaddr: 4, order: 0, other: 1, toVaddr: 0, window: 5 }).outcome.kind).toBe('refused');
  });

  // The send-base rule makes any window a send of one fpage to a place of its size: the window command and its reduction leave equal worlds.
  test.each(['split', 'x2', 'fiasco', 'pistachio'] as const)('%s: a window of another size does exactly what the send-base rule reduces it to', (profile) => {
    for (const [order, window, hotSpot] of [
      [1, 3, 6],
      [2, 0, 3],
      [2, 1, 2],
      [0, 2, 1],
    ] as const) {
      const a = world(profile);
      const b = world(profile);
      run(a, owned);
      run(b, owned);
      const send = { base: 4, order };
      const placed = sendBase(send, { base: 8, order: window }, hotSpot);
      a.step({ kind: 'map', client: 0, vaddr: 4, order, other: 1, toVaddr: 8, window, hotSpot });
      b.step({ kind: 'map', client: 0, vaddr: placed.send.base, order: placed.send.order, other: 1, toVaddr: placed.rcvBase });
      expect(a.fingerprint(), `${order} into window ${window} at hot spot ${hotSpot}`).toBe(b.fingerprint());
      expect(nodes(a, 1).length).toBeGreaterThan(0);
    }
  });
});

describe('the send-base rule', () => {
  test('a larger window takes the send at the hot spot\'s offset; a smaller one the piece at the hot spot', () => {
    expect(sendBase({ base: 4, order: 1 }, { base: 8, order: 3 }, 6)).toEqual({ send: { base: 4, order: 1 }, rcvBase: 14 });
    expect(sendBase({ base: 4, order: 1 }, { base: 8, order: 3 }, 7)).toEqual({ send: { base: 4, order: 1 }, rcvBase: 14 });
    expect(sendBase({ base: 4, order: 2 }, { base: 8, order: 0 }, 3)).toEqual({ send: { base: 7, order: 0 }, rcvBase: 8 });
    expect(sendBase({ base: 4, order: 2 }, { base: 8, order: 1 }, 13)).toEqual({ send: { base: 4, order: 1 }, rcvBase: 8 });
    expect(sendBase({ base: 4, order: 2 }, { base: 8, order: 2 }, 3)).toEqual({ send: { base: 4, order: 2 }, rcvBase: 8 });
  });
});
