import type { Kernel } from '../../kernel.ts';
import { SIGMA0, type MapNode, type TaskId } from '../../mapdb.ts';

/**
 * Fiasco's mapping database (kernkonzept/fiasco src/kern/mapdb.cpp, mapping_tree.cpp), read off
 * fpcheck's derivation tree instead of kept beside it. Fiasco keeps a hierarchy of *Treemaps*, one
 * level per page size: each physical frame of a level holds a *Mapping_tree*, a list of mappings in
 * pre-order with their depth, and a mapping with smaller children holds a nested Treemap (a
 * *submap*) as its first child. Everything in that representation follows from the tree and from
 * one fact about order: `Mapping_tree::allocate` inserts a new mapping right after its parent (after
 * the parent's submap, if it has one), so siblings stand newest first, and a grant keeps the
 * mapping's place (`Mapping_tree::grant`). Node ids grow with creation and survive a grant, so the
 * list of any frame is the tree walked in pre-order with children by descending id.
 *
 * Only the lookups are computed from lists; they are where the order shows (`lookup_src_dst`).
 */

/** The mapping database's page orders, largest first, as `init_mapdb_mem` (src/kern/map_util-mem.cpp) derives them: from the physical address width down to the base page, at most 12 orders apart, taking the hardware's page sizes. */
export function mdbLevels(physOrder: number, hardwareOrders: readonly number[]): number[] {
  const MAX_DIFF = 12;
  const out: number[] = [];
  const ps = [...hardwareOrders, 0].sort((a, b) => b - a);
  let i = 0;
  let c = physOrder;
  do {
    c -= MAX_DIFF;
    if (c <= ps[i]!) c = ps[i++]!;
    out.push(c);
  } while (c !== 0);
  return out;
}

/** Who owns a Treemap: sigma0 (the synthetic root of every tree) or the mapping whose submap it is. */
export type Owner = MapNode | 'sigma0';

/** One element of a Mapping_tree list. */
export type Item =
  | { readonly kind: 'map'; readonly node: MapNode; readonly depth: number }
  | { readonly kind: 'sub'; readonly level: number; readonly owner: Owner };

/** A lookup's result (Fiasco's `Frame`): a mapping, or sigma0's insertion head of a top-level frame. */
export type Found = { readonly kind: 'map'; readonly node: MapNode; readonly depth: number } | { readonly kind: 'sigma0' };

/** The result of `Mapdb::lookup_src_dst`. */
export type SrcDst =
  | { readonly kind: 'fail' }
  | { readonly kind: 'child'; readonly src: Found; readonly dst: Found }
  | { readonly kind: 'unrelated'; readonly src: Found; readonly dst: Found }
  | { readonly kind: 'ancestor'; readonly dst: Found };

export class Treemaps {
  constructor(
    private readonly k: Kernel,
    /** Page orders of the levels, largest first. */
    readonly levels: readonly number[],
  ) {}

  /** The children of `o` that live in the frame of `level` at `frame`. */
  private childrenIn(o: Owner, level: number, frame: number): MapNode[] {
    const f = { base: frame, order: this.levels[level]! };
    if (typeof o === 'string') {
      // The frame index spans memory only; a frame of a larger level holds all of it or none.
      const mem = this.k.db.memoryOrder;
      const q = f.order <= mem ? f : frame === 0 ? { base: 0, order: mem } : null;
      return q ? this.sigma0Children(q, frame) : [];
    }
    const out: MapNode[] = [];
    for (const c of this.k.db.children(o.id)) {
      const n = this.k.db.get(c)!;
      if (n.frame >= frame && n.frame < frame + 2 ** f.order) out.push(n);
    }
    return out;
  }

  private sigma0Children(q: { base: number; order: number }, frame: number): MapNode[] {
    return this.k.db.onFrames(q).filter((n) => n.task !== SIGMA0 && n.parent !== null && this.k.db.get(n.parent)!.parent === null && n.frame >= frame);
  }

  /** The Mapping_tree of the frame of `level` at `frame` (aligned) under `owner`: the list Fiasco would hold. */
  items(level: number, owner: Owner, frame: number): Item[] {
    const order = this.levels[level]!;
    const out: Item[] = [];
    const kids = this.childrenIn(owner, level, frame);
    if (level + 1 < this.levels.length && kids.some((c) => c.order < order)) out.push({ kind: 'sub', level: level + 1, owner });
    const walk = (n: MapNode, depth: number): void => {
      out.push({ kind: 'map', node: n, depth });
      const below = [...this.k.db.children(n.id)].map((c) => this.k.db.get(c)!);
      if (level + 1 < this.levels.length && below.some((c) => c.order < order)) out.push({ kind: 'sub', level: level + 1, owner: n });
      for (const c of below.filter((c) => c.order === order).sort(newestFirst)) walk(c, depth + 1);
    };
    for (const c of kids.filter((c) => c.order === order).sort(newestFirst)) walk(c, 0);
    return out;
  }

  private frameOf(level: number, key: number): number {
    const size = 2 ** this.levels[level]!;
    return key - (key % size);
  }

  /** `match`: the mapping is `space`'s at `va`, masked to the level's page size. */
  private matches(it: Item, level: number, space: TaskId, va: number): it is Extract<Item, { kind: 'map' }> {
    const size = 2 ** this.levels[level]!;
    return it.kind === 'map' && it.node.task === space && it.node.vbase === va - (va % size);
  }

  /** `Treemap::lookup`: the mapping of `space` at `va` that maps physical page `key`, or sigma0's insertion head. */
  lookup(level: number, owner: Owner, key: number, space: TaskId, va: number): Found | null {
    if (space === SIGMA0) return { kind: 'sigma0' };
    const items = this.items(level, owner, this.frameOf(level, key));
    return this.scan(items, 0, level, key, space, va, null).found;
  }

  /**
   * `Treemap::_lookup` from position `from`: descends into submaps and, when `depths` is given,
   * tracks the depth of the last real mapping passed and whether the walk left the subtree of
   * the mapping at `depths.root` (Fiasco's -3).
   */
  private scan(items: readonly Item[], from: number, level: number, key: number, space: TaskId, va: number, depths: { root: number; current: number } | null): { found: Found | null; at: number } {
    for (let i = from; i < items.length; i++) {
      const it = items[i]!;
      if (it.kind === 'sub') {
        const f = this.lookup(it.level, it.owner, key, space, va);
        if (f) return { found: f, at: i };
        continue;
      }
      if (depths) {
        depths.current = it.depth;
        if (depths.root >= depths.current) depths.root = -3;
      }
      if (this.matches(it, level, space, va)) return { found: it, at: i };
    }
    return { found: null, at: items.length };
  }

  /** `Treemap::lookup_src_dst` (src/kern/mapdb.cpp), line by line. */
  lookupSrcDst(level: number, owner: Owner, src: TaskId, srcKey: number, srcVa: number, dst: TaskId, dstKey: number, dstVa: number): SrcDst {
    if (this.frameOf(level, srcKey) !== this.frameOf(level, dstKey)) {
      // different phys frames, do separate lookups
      const d = this.lookup(level, owner, dstKey, dst, dstVa);
      if (!d) return FAIL;
      const s = this.lookup(level, owner, srcKey, src, srcVa);
      if (!s) return FAIL;
      return { kind: 'unrelated', src: s, dst: d };
    }
    const items = this.items(level, owner, this.frameOf(level, dstKey));
    let cDepth = -1; // f->min_depth() - 1
    let srcF: Found | null = null;
    let dstF: Found | null = null;
    // special sigma0 case for synthetic 1. level mapping nodes
    if (items.length > 0 && src === SIGMA0) srcF = { kind: 'sigma0' };
    let i = 0;
    for (; i < items.length && !srcF && !dstF; i++) {
      const it = items[i]!;
      if (it.kind === 'sub') {
        const r = this.lookupSrcDst(it.level, it.owner, src, srcKey, srcVa, dst, dstKey, dstVa);
        if (r.kind !== 'fail') return r;
        continue;
      }
      cDepth = it.depth;
      if (this.matches(it, level, src, srcVa)) srcF = it;
      if (this.matches(it, level, dst, dstVa)) dstF = it;
    }
    if (!srcF && !dstF) return FAIL;
    if (srcF && dstF) return { kind: 'ancestor', dst: dstF }; // src == dst
    const depths = { root: cDepth, current: cDepth };
    if (srcF) {
      // look for dst only
      const { found, at } = this.scan(items, i, level, dstKey, dst, dstVa, depths);
      if (!found) return FAIL;
      if (items[at]!.kind === 'map') return depths.root + 1 === depths.current ? { kind: 'child', src: srcF, dst: found } : { kind: 'unrelated', src: srcF, dst: found };
      if (depths.root === depths.current && found.kind === 'map' && found.depth === 0) return { kind: 'child', src: srcF, dst: found };
      return { kind: 'unrelated', src: srcF, dst: found };
    }
    // src not yet found, look for src only
    const { found, at } = this.scan(items, i, level, srcKey, src, srcVa, depths);
    if (!found) return FAIL;
    if (items[at]!.kind === 'map') return depths.root < -1 ? { kind: 'unrelated', src: found, dst: dstF! } : { kind: 'ancestor', dst: dstF! };
    // smaller mapping in submap found: src in dst's subtree (unmap, nothing to map), or in a sibling subtree
    return depths.root === depths.current ? { kind: 'ancestor', dst: dstF! } : { kind: 'unrelated', src: found, dst: dstF! };
  }
}

const FAIL: SrcDst = { kind: 'fail' };
const newestFirst = (a: MapNode, b: MapNode): number => b.id - a.id;
