import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { buddiesAround, contains, decompose, endOf, fpage, intersect, overlaps, alignmentOrder, MAX_ORDER } from './fpage.ts';

const anyFpage = fc.integer({ min: 0, max: 12 }).chain((order) => fc.nat(2 ** (12 - order) - 1).map((i) => fpage(i * 2 ** order, order)));

describe('fpage arithmetic', () => {
  test('192 MiB decomposes into order 15 at 0 and order 14 at 32768', () => {
    expect(decompose(0, 49_152)).toEqual([
      { base: 0, order: 15 },
      { base: 32_768, order: 14 },
    ]);
  });

  test('fpage() refuses misaligned and out-of-range fpages', () => {
    expect(() => fpage(4, 3)).toThrow(/not aligned/);
    expect(() => fpage(-1, 0)).toThrow(/page number/);
    expect(() => fpage(0, 40)).toThrow(/out of range/);
  });

  test('containment, overlap and intersection on the mail example', () => {
    const big = fpage(0, 15);
    const small = fpage(4, 2);
    expect(contains(big, small)).toBe(true);
    expect(contains(small, big)).toBe(false);
    expect(overlaps(small, big)).toBe(true);
    expect(intersect(big, small)).toEqual(small);
    expect(intersect(fpage(0, 2), fpage(4, 2))).toBeNull();
  });

  test.prop([anyFpage, anyFpage])('aligned fpages either nest or are disjoint', (a, b) => {
    const share = Math.max(a.base, b.base) < Math.min(endOf(a), endOf(b));
    expect(overlaps(a, b)).toBe(share);
    expect(intersect(a, b) !== null).toBe(share);
  });

  test.prop([fc.nat(5000), fc.nat(5000)])('decompose covers the range exactly with aligned, maximal pieces', (start, count) => {
    const parts = decompose(start, count);
    let next = start;
    for (const [i, p] of parts.entries()) {
      expect(p.base).toBe(next);
      expect(p.base % 2 ** p.order).toBe(0);
      next = endOf(p);
      // maximal: doubling the piece would either misalign it or leave the range
      const grown = p.base % 2 ** (p.order + 1) === 0 && p.base + 2 ** (p.order + 1) <= start + count;
      if (i === 0 || parts[i - 1]!.order !== p.order) expect(grown).toBe(false);
    }
    expect(next).toBe(start + count);
  });

  test.prop([anyFpage, fc.nat(12)])('buddiesAround tiles the whole minus the hole', (whole, k) => {
    const order = Math.min(k, whole.order);
    const hole = fpage(whole.base + (((whole.base + 7919 * k) % 2 ** whole.order) >> order << order) % 2 ** whole.order, order);
    const pieces = buddiesAround(whole, hole);
    const pages = new Set<number>();
    for (const p of [...pieces, hole]) for (let i = p.base; i < endOf(p); i++) pages.add(i);
    expect(pages.size).toBe(2 ** whole.order);
    expect(pieces.reduce((s, p) => s + 2 ** p.order, 0) + 2 ** hole.order).toBe(2 ** whole.order);
    for (const p of pieces) expect(contains(whole, p) && !overlaps(p, hole)).toBe(true);
  });

  test('alignmentOrder is the largest power of two dividing the base', () => {
    expect(alignmentOrder(0, 10)).toBe(10);
    expect(alignmentOrder(12)).toBe(2);
    expect(alignmentOrder(5)).toBe(0);
  });

  test.prop([fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer({ min: 2 ** 31 - 8, max: 2 ** 31 + 8 }), fc.nat(21).map((k) => 2 ** k * 2 ** 31)), fc.nat(MAX_ORDER)])(
    'alignmentOrder agrees with dividing by powers of two, beyond 32 bits too',
    (base, cap) => {
      let o = 0;
      while (o < cap && base % 2 ** (o + 1) === 0) o++;
      expect(alignmentOrder(base, cap)).toBe(o);
    },
  );

  test.prop([fc.maxSafeNat().map((n) => n % 2 ** 40), fc.integer({ min: 1, max: 2 ** 40 })])('decompose covers ranges beyond 32 bits with aligned pieces', (start, count) => {
    const parts = decompose(start, count);
    expect(parts[0]!.base).toBe(start);
    expect(parts.reduce((s, p) => s + 2 ** p.order, 0)).toBe(count);
    for (const [i, p] of parts.entries()) {
      expect(p.base % 2 ** p.order).toBe(0);
      if (i > 0) expect(p.base).toBe(endOf(parts[i - 1]!));
    }
  });
});
