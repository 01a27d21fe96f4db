import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DESIGNS, designNamed, virtualOf, World, type Command, type Design, type ProfileName, type WorldConfig } from '../../model/index.ts';

/** Room for the scenarios side by side: 64-page client spaces, blocks of 8, a proxy space of 16. */
const ROOMY: WorldConfig = { memoryPages: 256, clients: 3, quota: 32, clientSpaceOrder: 6, proxySpaceOrder: 4, maxOrder: 3, superpageOrder: 4 };
import type { Invariant } from '../invariant.ts';
import { noCrossTaskFlush } from './noCrossTaskFlush.ts';
import { noExhaustion } from './noExhaustion.ts';
import { noExtantAfterDealloc } from './noExtantAfterDealloc.ts';
import { noForeignFrames } from './noForeignFrames.ts';
import { mappingDatabase } from './mappingDatabase.ts';
import { servedMeansMapped } from './servedMeansMapped.ts';

/** A server that maps but never takes anything back: breaks safety by construction. */
const leaky: Design = {
  name: 'test-leaky',
  summary: 'never revokes',
  supports: () => true,
  start: (ctx) => ({
    serve: (r) => {
      ctx.kernel.map(ctx.physmem, { base: r.frame, order: r.order }, ctx.client(r.client), r.vaddr);
      return null;
    },
    revoke: () => undefined,
    free: () => undefined,
  }),
};

/** A server that revokes by flushing everything derived from its whole memory: breaks isolation by construction. */
const scorchedEarth: Design = {
  ...leaky,
  name: 'test-scorched-earth',
  start: (ctx) => {
    const s = leaky.start(ctx);
    const all = () => ctx.kernel.nodes(ctx.physmem, { base: 0, order: 8 }).forEach((n) => ctx.kernel.unmap(ctx.physmem, virtualOf(n), false));
    return { ...s, revoke: all, free: all };
  },
};

function verdicts(design: Design, inv: Invariant, commands: Command[], profile: ProfileName = 'split'): string[] {
  const w = new World(ROOMY, design, profile);
  return commands.map((c) => inv.check(w.step(c), w).kind);
}

/** A server that maps `r.frame + shift` for `2^(r.order + grow)` pages instead of what was asked: the wrong frames, or more of them. */
const mapsWrong = (name: string, shift: number, grow: number): Design => ({
  ...leaky,
  name,
  start: (ctx) => ({
    ...leaky.start(ctx),
    serve: (r) => {
      ctx.kernel.map(ctx.physmem, { base: r.frame + shift, order: r.order + grow }, ctx.client(r.client), r.vaddr);
      return null;
    },
  }),
});

const own: Command[] = [
  { kind: 'alloc', client: 0, order: 1 },
  { kind: 'request', client: 0, handle: 0, offset: 0, order: 1, vaddr: 0 },
];
const shared: Command[] = [...own, { kind: 'share', client: 0, handle: 0, other: 1 }, { kind: 'request', client: 1, handle: 0, offset: 0, order: 1, vaddr: 2 }];

describe('each invariant reports a violation on a world built to break it, and is vacuous where its premise is absent', () => {
  test('safety.no-extant-after-dealloc', () => {
    expect(verdicts(leaky, noExtantAfterDealloc, [...own, { kind: 'dealloc', client: 0, handle: 0 }])).toEqual(['vacuous', 'vacuous', 'violated']);
    expect(verdicts(designNamed('direct-exact')!, noExtantAfterDealloc, [...own, { kind: 'dealloc', client: 0, handle: 0 }])).toEqual(['vacuous', 'vacuous', 'holds']);
  });

  test('safety.no-foreign-frames', () => {
    expect(verdicts(leaky, noForeignFrames, [...shared, { kind: 'release', client: 1, handle: 0 }]).at(-1)).toBe('violated');
    expect(verdicts(leaky, noForeignFrames, [{ kind: 'alloc', client: 0, order: 1 }])).toEqual(['vacuous']);
  });

  test('isolation.no-cross-task-flush', () => {
    const twoClients: Command[] = [...own, { kind: 'alloc', client: 1, order: 1 }, { kind: 'request', client: 1, handle: 1, offset: 0, order: 1, vaddr: 0 }, { kind: 'dealloc', client: 1, handle: 1 }];
    expect(verdicts(scorchedEarth, noCrossTaskFlush, twoClients).at(-1)).toBe('violated');
    expect(verdicts(designNamed('per-task-proxy')!, noCrossTaskFlush, twoClients).at(-1)).toBe('holds');
    expect(verdicts(scorchedEarth, noCrossTaskFlush, [...own, { kind: 'dealloc', client: 0, handle: 0 }])).toEqual(['vacuous', 'vacuous', 'vacuous']);
  });

  test('availability.no-exhaustion', () => {
    const fill: Command[] = [
      { kind: 'alloc', client: 0, order: 3 },
      ...[0, 1, 2, 3, 4].map((offset, i): Command => ({ kind: 'request', client: 0, handle: 0, offset, order: 2, vaddr: 4 * i })),
      { kind: 'alloc', client: 1, order: 2 },
      { kind: 'request', client: 1, handle: 1, offset: 0, order: 2, vaddr: 0 },
    ];
    expect(verdicts(designNamed('shared-proxy')!, noExhaustion, fill).at(-1)).toBe('violated');
    expect(verdicts(designNamed('shared-proxy')!, noExhaustion, own)).toEqual(['vacuous', 'vacuous']);
  });

  test('service.served-means-mapped: a server that says "served" and maps nothing is caught at that step', () => {
    const silent: Design = { ...leaky, name: 'test-silent', start: (ctx) => ({ ...leaky.start(ctx), serve: () => null }) };
    expect(verdicts(silent, servedMeansMapped, own)).toEqual(['vacuous', 'violated']);
    expect(verdicts(mapsWrong('test-shifted', 2, 0), servedMeansMapped, [{ kind: 'alloc', client: 0, order: 2 }, { kind: 'request', client: 0, handle: 0, offset: 0, order: 1, vaddr: 0 }])).toEqual(['vacuous', 'violated']);
    expect(verdicts(designNamed('per-task-proxy')!, servedMeansMapped, own)).toEqual(['vacuous', 'holds']);
  });

  test('service.served-means-mapped exempts pages the kernel keeps under a larger mapping the client already holds', () => {
    const overLarger: Command[] = [
      { kind: 'alloc', client: 0, order: 3 },
      { kind: 'request', client: 0, handle: 0, offset: 0, order: 3, vaddr: 0 },
      { kind: 'request', client: 0, handle: 0, offset: 1, order: 0, vaddr: 1, kernel: { overmap: ['skip'] } },
    ];
    const w = new World(ROOMY, designNamed('direct-exact')!, 'x2');
    const out = overLarger.map((c) => servedMeansMapped.check(w.step(c), w));
    expect(out.map((v) => v.kind)).toEqual(['vacuous', 'holds', 'vacuous']);
    expect(out[2]).toEqual({ kind: 'vacuous', exempt: true });
  });

  test('safety: a client mapping a free frame is caught when the mapping is made, not only at a dealloc', () => {
    const request: Command[] = [{ kind: 'alloc', client: 0, order: 1 }, { kind: 'request', client: 0, handle: 0, offset: 0, order: 1, vaddr: 0 }];
    expect(verdicts(mapsWrong('test-past-the-end', 2, 0), noExtantAfterDealloc, request)).toEqual(['vacuous', 'violated']);
    const w = new World(ROOMY, mapsWrong('test-past-the-end', 2, 0), 'split');
    const v = request.map((c) => noExtantAfterDealloc.check(w.step(c), w)).at(-1)!;
    expect(v).toMatchObject({ message: expect.stringMatching(/2 of those 2 frames belong to no live allocation/) });
  });

  test('safety: a client node straddling two allocations is caught when it is made', () => {
    const twoBlocks: Command[] = [
      { kind: 'alloc', client: 0, order: 0 },
      { kind: 'alloc', client: 0, order: 0 },
      { kind: 'request', client: 0, handle: 0, offset: 0, order: 0, vaddr: 0 },
    ];
    const w = new World(ROOMY, mapsWrong('test-doubled', 0, 1), 'split');
    const out = twoBlocks.map((c) => noForeignFrames.check(w.step(c), w));
    expect(out.map((v) => v.kind)).toEqual(['vacuous', 'vacuous', 'violated']);
    expect(out[2]).toMatchObject({ message: expect.stringMatching(/straddling handles 0 and 1/) });
  });

  test('structure.mapping-database reports a corrupted database by rule name', () => {
    const w = new World(ROOMY, designNamed('direct-exact')!, 'split');
    const obs = w.step(own[0]!);
    const req = w.step(own[1]!);
    expect(mappingDatabase.check(req, w).kind).toBe('holds');
    const node = req.effects[0]!.created[0]!;
    w.kernel.db.update(node.id, { rights: 7, parent: w.kernel.roots[0]! + 999 });
    const v = mappingDatabase.check({ ...obs, effects: [{ ...req.effects[0]!, changed: [node] }] }, w);
    expect(v).toMatchObject({ kind: 'violated', message: expect.stringMatching(/^structure\.parent-exists/) });
  });
});

test('no design name appears in properties/', () => {
  const dir = new URL('..', import.meta.url).pathname;
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const d of DESIGNS) expect(text.includes(d.name), `${f} names ${d.name}`).toBe(false);
  }
});
