import { describe, expect, test } from 'vitest';
import { clientTask, DESIGNS, designNamed, World, type Command, type ProfileName, type WorldConfig } from '../index.ts';

/** A world with room for the mail's shapes side by side: 64-page client spaces, blocks of 8, a proxy space of 16. */
const ROOMY: WorldConfig = { memoryPages: 256, clients: 3, quota: 32, clientSpaceOrder: 6, proxySpaceOrder: 4, maxOrder: 3, superpageOrder: 4 };

const mapped = (w: World, client: number, vaddr: number) => w.kernel.db.inSpace(clientTask(client), { base: vaddr, order: 0 }).length > 0;
const world = (design: string, profile: ProfileName = 'split') => new World(ROOMY, designNamed(design)!, profile);
const run = (w: World, cs: Command[]) => cs.map((c) => w.step(c));

/** The mail's shared-library case: c0 owns a block, c1 shares it, both map it, c1 releases. */
const sharedThenRelease: Command[] = [
  { kind: 'alloc', client: 0, order: 2 },
  { kind: 'share', client: 0, handle: 0, other: 1 },
  { kind: 'request', client: 0, handle: 0, offset: 0, order: 2, vaddr: 0 },
  { kind: 'request', client: 1, handle: 0, offset: 0, order: 2, vaddr: 8 },
  { kind: 'release', client: 1, handle: 0 },
];

describe('two clients share one block and one releases it', () => {
  test.each<[string, ProfileName, boolean]>([
    ['direct-exact', 'split', false],
    ['direct-containing', 'split', false],
    ['shared-proxy', 'split', false],
    ['proxy-once', 'split', false],
    ['per-task-proxy', 'split', true],
    ['per-task-proxy', 'x2', true],
    ['kernel-extension', 'extended', true],
  ])('%s on %s: the owner keeps its mapping: %s', (design, profile, ownerKeeps) => {
    const w = world(design, profile);
    run(w, sharedThenRelease);
    expect(mapped(w, 1, 8)).toBe(false);
    expect(mapped(w, 0, 0)).toBe(ownerKeeps);
  });
});

describe("the mail's request shapes", () => {
  const shapes: Command[] = [
    { kind: 'alloc', client: 0, order: 3 },
    { kind: 'share', client: 0, handle: 0, other: 1 },
    { kind: 'share', client: 0, handle: 0, other: 2 },
    { kind: 'request', client: 0, handle: 0, offset: 0, order: 2, vaddr: 0 }, // 16 KiB
    { kind: 'request', client: 1, handle: 0, offset: 0, order: 0, vaddr: 0 }, // 4 KiB
    { kind: 'request', client: 2, handle: 0, offset: 1, order: 2, vaddr: 4 }, // 16 KiB at 4 KiB mod 16 KiB
  ];

  test('direct designs map 16 KiB as one node and a misaligned request as single pages', () => {
    const w = world('direct-exact');
    run(w, shapes);
    expect(w.kernel.db.inSpace('c0', { base: 0, order: 2 }).map((n) => n.order)).toEqual([2]);
    expect(w.kernel.db.inSpace('c2', { base: 4, order: 2 }).map((n) => [n.order, n.frame])).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
    ]);
  });

  test('shared-proxy reuses a slot for the aligned 4 KiB request but needs a new one for the misaligned request', () => {
    const w = world('shared-proxy');
    run(w, shapes);
    expect(w.kernel.db.inSpace('proxy', { base: 0, order: ROOMY.proxySpaceOrder }).reduce((s, n) => s + 2 ** n.order, 0)).toBe(8);
  });

  test('proxy-once holds each frame once', () => {
    const w = world('proxy-once');
    run(w, shapes);
    const frames = w.kernel.db.inSpace('proxy', { base: 0, order: 8 }).flatMap((n) => Array.from({ length: 2 ** n.order }, (_, i) => n.frame + i));
    expect(new Set(frames).size).toBe(frames.length);
    expect(frames.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('filling the shared proxy with every alignment of an order-2 block', () => {
  const attack = (design: string) => {
    const w = world(design);
    const obs = run(w, [
      { kind: 'alloc', client: 0, order: 3 },
      ...[0, 1, 2, 3, 4].map((offset, i): Command => ({ kind: 'request', client: 0, handle: 0, offset, order: 2, vaddr: 4 * i })),
      { kind: 'alloc', client: 1, order: 2 },
      { kind: 'request', client: 1, handle: 1, offset: 0, order: 2, vaddr: 0 },
    ]);
    return obs.map((o) => o.outcome.kind);
  };

  test('makes an honest request fail under shared-proxy', () => {
    expect(attack('shared-proxy').slice(-1)).toEqual(['exhausted']);
  });

  test.each(['per-task-proxy', 'proxy-once', 'direct-exact'])('does not touch another client under %s', (design) => {
    expect(attack(design).slice(-1)).toEqual(['applied']);
  });
});

test('every registered design runs on every profile it claims', () => {
  for (const d of DESIGNS) for (const p of ['split', 'x2', 'extended'] as const) if (d.supports(p)) expect(() => world(d.name, p)).not.toThrow();
});
