import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { designNamed, World, type WorldConfig } from '../../model/index.ts';
import { INVARIANTS } from '../invariants/index.ts';
import { SearchSpace, transitionCommands } from './expand.ts';
import { COMMAND_WORDS, decodeCommand } from './commands.ts';
import { decodePath, PathCache, StateStore } from './store.ts';

const TINY: WorldConfig = { memoryPages: 8, clients: 2, quota: 4, clientSpaceOrder: 1, proxySpaceOrder: 1, maxOrder: 1, superpageOrder: 2 };

// Paths of transition numbers drawn at random; each is stored, sent through the worker encoding, and rebuilt.
test.prop([fc.constantFrom('per-task-proxy', 'shared-proxy', 'direct-exact'), fc.constantFrom('x2' as const, 'fiasco' as const), fc.array(fc.array(fc.nat(10_000), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 })], { numRuns: 40 })(
  'a state stored as parent and transition number rebuilds to the world its commands reach, here and through the worker encoding',
  (name, profile, paths) => {
    const space = new SearchSpace(designNamed(name)!, profile, TINY, INVARIANTS, true);
    const store = new StateStore();
    const cache = new PathCache(space);
    const rows: Array<{ row: number; expected: string }> = [];
    for (const picks of paths) {
      let row = 0;
      const w = new World(TINY, space.design, profile);
      for (const p of picks) {
        const options = transitionCommands(space, w);
        const n = options.length / COMMAND_WORDS;
        if (n === 0) break;
        const k = p % n;
        w.step(decodeCommand(options, k * COMMAND_WORDS));
        row = store.add(row, k);
      }
      rows.push({ row, expected: w.fingerprint() });
    }
    const words: number[] = [];
    for (const { row } of rows) store.encodePath(row, words);
    const encoded = Int32Array.from(words);
    const other = new PathCache(space);
    let at = 0;
    for (const { row, expected } of rows) {
      expect(cache.world(store.steps(row)).fingerprint()).toBe(expected);
      const replayed = new World(TINY, space.design, profile);
      for (const c of cache.commands(store.steps(row))) replayed.step(c);
      expect(replayed.fingerprint()).toBe(expected);
      const { steps, next } = decodePath(encoded, at);
      at = next;
      expect(other.world(steps).fingerprint()).toBe(expected);
    }
  },
);
