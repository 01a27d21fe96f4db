/**
 * Fpage arithmetic. An fpage `(base, order)` covers pages `[base, base + 2^order)` and
 * `base` is a multiple of `2^order`. All functions are pure.
 */

/** An aligned power-of-two range of pages. */
export interface Fpage {
  readonly base: number;
  readonly order: number;
}

/** Largest order the model accepts: keeps every page number a safe integer with room for index keys. */
export const MAX_ORDER = 32;

/** Number of pages in an fpage of this order. */
export const pagesOf = (order: number): number => 2 ** order;

/** True when `base` is aligned to `2^order`. */
export const isAligned = (base: number, order: number): boolean => base % 2 ** order === 0;

/** Builds an fpage, throwing a RangeError when it is not aligned or out of range. */
export function fpage(base: number, order: number): Fpage {
  if (!Number.isSafeInteger(base) || base < 0) throw new RangeError(`fpage base ${base} is not a page number`);
  if (!Number.isInteger(order) || order < 0 || order > MAX_ORDER) throw new RangeError(`fpage order ${order} is out of range`);
  if (!isAligned(base, order)) throw new RangeError(`fpage base ${base} is not aligned to 2^${order}`);
  return { base, order };
}

/** First page past the fpage. */
export const endOf = (f: Fpage): number => f.base + 2 ** f.order;

/** True when `outer` covers every page of `inner`. */
export const contains = (outer: Fpage, inner: Fpage): boolean =>
  outer.order >= inner.order && inner.base - (inner.base % 2 ** outer.order) === outer.base;

/** True when the two fpages share at least one page (for aligned fpages: one contains the other). */
export const overlaps = (a: Fpage, b: Fpage): boolean => (a.order >= b.order ? contains(a, b) : contains(b, a));

/** The pages two aligned fpages share: the smaller one if they overlap, else null. */
export const intersect = (a: Fpage, b: Fpage): Fpage | null =>
  a.order >= b.order ? (contains(a, b) ? b : null) : contains(b, a) ? a : null;

/** Largest order `o <= cap` with `base` aligned to `2^o`. */
export function alignmentOrder(base: number, cap: number = MAX_ORDER): number {
  if (base === 0) return cap;
  // Trailing zero bits from the lowest set bit, where the number fits 32 bits (every page number of a default world).
  if (base < 2 ** 31) return Math.min(cap, 31 - Math.clz32(base & -base));
  let o = 0;
  while (o < cap && base % 2 ** (o + 1) === 0) o++;
  return o;
}

/** Largest order `o` with `2^o <= count` (count >= 1). */
const floorLog2 = (count: number): number => {
  if (count < 2 ** 32) return 31 - Math.clz32(count);
  let o = 31;
  while (2 ** (o + 1) <= count) o++;
  return o;
};

/**
 * Splits the page range `[start, start + count)` into maximal aligned fpages, in address order
 * (the buddy decomposition: 49,152 pages from 0 give order 15 at 0 and order 14 at 32,768).
 */
export function decompose(start: number, count: number, maxOrder: number = MAX_ORDER): Fpage[] {
  const out: Fpage[] = [];
  let base = start;
  let left = count;
  while (left > 0) {
    const o = Math.min(alignmentOrder(base, maxOrder), floorLog2(left));
    out.push({ base, order: o });
    base += 2 ** o;
    left -= 2 ** o;
  }
  return out;
}

/**
 * The buddy pieces that remain of `whole` once the aligned `hole` inside it is cut out:
 * one piece per order from `whole.order - 1` down to `hole.order`, largest first.
 */
export function buddiesAround(whole: Fpage, hole: Fpage): Fpage[] {
  const out: Fpage[] = [];
  for (let o = whole.order - 1; o >= hole.order; o--) {
    const pathBase = hole.base - (hole.base % 2 ** o);
    const parentBase = hole.base - (hole.base % 2 ** (o + 1));
    out.push({ base: pathBase === parentBase ? parentBase + 2 ** o : parentBase, order: o });
  }
  return out;
}

/** Human-readable form used in traces and messages: `0x20000/15` style but in pages. */
export const showFpage = (f: Fpage): string => `[${f.base}+${2 ** f.order})`;

/**
 * The send-base rule of a map item whose receive window is not the send fpage's size (X.2's
 * "send base"; kernkonzept/fiasco src/kern/map_util.cpp `Mu::free_constraint`, l4ka/pistachio
 * kernel/src/generic/linear_ptab_walker.cc `space_t::map_fpage`, lines 258-273): a larger window
 * takes the send fpage at the hot spot's offset within it, a smaller window takes the part of the
 * send fpage at the hot spot's offset within that. Either way one fpage is sent to a place of its
 * own size. Both fpages must be aligned. Pure.
 */
export function sendBase(send: Fpage, window: Fpage, hotSpot: number): { readonly send: Fpage; readonly rcvBase: number } {
  if (window.order >= send.order) {
    const within = hotSpot % 2 ** window.order;
    return { send, rcvBase: window.base + (within - (within % 2 ** send.order)) };
  }
  const within = hotSpot % 2 ** send.order;
  return { send: { base: send.base + (within - (within % 2 ** window.order)), order: window.order }, rcvBase: window.base };
}
