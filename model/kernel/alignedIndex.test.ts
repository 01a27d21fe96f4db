import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { AlignedIndex } from './alignedIndex.ts';

const brute = (ix: AlignedIndex, order: number, limit: number): number | null => {
  for (let base = 0; base + 2 ** order <= limit; base += 2 ** order) if (ix.isEmpty({ base, order })) return base;
  return null;
};

test.prop([fc.array(fc.tuple(fc.nat(6), fc.nat(255), fc.boolean()), { maxLength: 60 }), fc.nat(6), fc.integer({ min: 1, max: 256 })], { numRuns: 300 })(
  'firstFree finds the same block as a scan over every aligned base',
  (ops, order, limit) => {
    const ix = new AlignedIndex(8);
    const placed: Array<{ base: number; order: number; id: number }> = [];
    ops.forEach(([o, at, drop], id) => {
      if (drop && placed.length > 0) {
        const p = placed.splice(at % placed.length, 1)[0]!;
        ix.remove(p, p.id);
      } else {
        const f = { base: at - (at % 2 ** o), order: o };
        ix.add(f, id);
        placed.push({ ...f, id });
      }
    });
    expect(ix.firstFree(order, limit)).toBe(brute(ix, order, limit));
  },
);
