import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG } from '../world/config.ts';
import { World } from '../world/world.ts';
import type { Canon, Design } from './design.ts';
import { stateless } from './design.ts';
import { serveFromPhysmem } from './pieces.ts';
import { canonicalText, ClientMap, ClientSet, copyData, DesignError, HandleMap, stateful } from './state.ts';

const canon = (perm: number[]): Canon => ({ client: (c) => `c${perm[c]}`, handle: (h) => `h${h * 10}` });

describe('plain-data state', () => {
  test('copyData copies deeply and keeps the client and handle classes; a function or class instance is refused with its path', () => {
    const s = { n: 1, list: [1, [2]], by: new ClientMap([[0, { k: new ClientSet([1]) }]]), hs: new HandleMap([[3, 'x']]) };
    const c = copyData(s);
    expect(c).toEqual(s);
    expect(c.by).toBeInstanceOf(ClientMap);
    expect(c.by.get(0)!.k).toBeInstanceOf(ClientSet);
    c.by.get(0)!.k.add(2);
    expect(s.by.get(0)!.k.has(2)).toBe(false);
    expect(() => copyData({ a: { f: () => 1 } })).toThrow('state.a.f is a function, not plain data');
    expect(() => copyData({ d: new Date(0) })).toThrow('state.d is a Date, not plain data');
  });

  test('canonicalText does not depend on insertion order and names clients and handles through the canon', () => {
    const a = { z: 1, a: new ClientMap([[0, 'x'], [1, 'y']]), h: new HandleMap([[2, true]]) };
    const b = { a: new ClientMap([[1, 'y'], [0, 'x']]), h: new HandleMap([[2, true]]), z: 1 };
    expect(canonicalText(a, canon([0, 1]))).toBe(canonicalText(b, canon([0, 1])));
    // Renaming the clients swaps what the text says about them, so states equal up to the renaming meet.
    const swapped = { z: 1, a: new ClientMap([[1, 'x'], [0, 'y']]), h: new HandleMap([[2, true]]) };
    expect(canonicalText(a, canon([1, 0]))).toBe(canonicalText(swapped, canon([0, 1])));
    expect(canonicalText(a, canon([0, 1]))).toBe('{"a":{c0:"x",c1:"y"},"h":{h20:true},"z":1}');
  });
});

/** A design that counts requests per client: stateful in one short definition. */
const counting: Design = {
  name: 'counting',
  summary: 'direct, counting requests per client',
  supports: (p) => p === 'extended',
  symmetric: true,
  start: stateful(
    () => ({ served: new ClientMap<number>() }),
    (ctx, s) => ({
      serve: (req) => {
        s.served.set(req.client, (s.served.get(req.client) ?? 0) + 1);
        return serveFromPhysmem(ctx)(req);
      },
      revoke: (client, alloc) => void ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(client)),
      free: (alloc) => {
        for (let i = 0; i < ctx.config.clients; i++) ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(i));
      },
    }),
  ),
};

describe('stateful', () => {
  test('a fork copies the state: the copy and the original count apart; the fingerprint follows the state', () => {
    const w = new World(DEFAULT_CONFIG, counting, 'extended');
    w.step({ kind: 'alloc', client: 0, order: 0 });
    w.step({ kind: 'request', client: 0, handle: 0, offset: 0, order: 0, vaddr: 0 });
    const before = w.fingerprint();
    const c = w.clone();
    expect(c.fingerprint()).toBe(before);
    c.step({ kind: 'touch', client: 0, vaddr: 0 });
    c.step({ kind: 'request', client: 0, handle: 0, offset: 0, order: 0, vaddr: 1 });
    expect(c.fingerprint()).not.toBe(before);
    expect(w.fingerprint()).toBe(before);
  });

  test('stateless() on a design that creates tasks at start is refused when forked, saying what to use instead', () => {
    const proxied: Design = {
      name: 'proxied',
      summary: '',
      supports: () => true,
      start: stateless((ctx) => {
        ctx.createTask('proxy', 3);
        return { serve: serveFromPhysmem(ctx), revoke: () => undefined, free: () => undefined };
      }),
    };
    const w = new World(DEFAULT_CONFIG, proxied, 'split');
    expect(() => w.clone()).toThrow(DesignError);
    expect(() => w.clone()).toThrow(/^design proxied: its server creates task proxy again when forked: .*stateful\(\)'s init/);
  });

  test('an exhaustion report without the handle its slots hold is refused, naming the field and the helper that builds it', () => {
    const careless: Design = {
      name: 'careless',
      summary: '',
      supports: () => true,
      start: stateless(() => ({ serve: () => ({ space: 'proxy', spaceOrder: 2, slots: [{ region: { base: 0, order: 2 }, users: [1] }] }) as never, revoke: () => undefined, free: () => undefined })),
    };
    const w = new World(DEFAULT_CONFIG, careless, 'split');
    w.step({ kind: 'alloc', client: 0, order: 0 });
    expect(() => w.step({ kind: 'request', client: 0, handle: 0, offset: 0, order: 0, vaddr: 0 })).toThrow(
      'design careless: serve() reported exhaustion with slots[0].handle undefined, not the handle whose frames the slot holds; exhaustedSpace(task, spaceOrder, slots) builds the report from proxy slots',
    );
  });
});
