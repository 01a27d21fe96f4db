import type { Fpage } from './fpage.ts';

/**
 * An index of ids placed at aligned fpages of one space (a task's virtual space, or the
 * physical frames). It is a binary trie over the page bits: each slot `(level, prefix)`
 * holds the ids placed exactly there, and an occupancy count of everything below it, so
 * that a query costs in proportion to the ids it returns times the depth, never to the
 * total number of ids.
 *
 * It is the one mutable structure of the kernel model; the kernel owns it and no caller
 * sees it.
 */
export class AlignedIndex {
  /** Slot sets are never changed in place (a change replaces the set), so copies can share them. */
  private slots = new Map<number, ReadonlySet<number>>();
  private occupancy = new Map<number, number>();
  /** False while the maps are shared with a copy: the first change then copies them (copy on write). */
  private owned = true;

  /** @param topLevel order of the whole space: no fpage in it is larger. */
  constructor(readonly topLevel: number) {}

  /**
   * An independent copy, sharing the maps until either side changes: a search that copies a
   * world for every transition then copies only the spaces the transition touches.
   */
  clone(): AlignedIndex {
    // Not through the constructor: its field initialisers would build two maps only to drop them.
    this.owned = false;
    return Object.assign(Object.create(AlignedIndex.prototype) as AlignedIndex, { topLevel: this.topLevel, slots: this.slots, occupancy: this.occupancy, owned: false });
  }

  private own(): void {
    if (this.owned) return;
    this.slots = new Map(this.slots);
    this.occupancy = new Map(this.occupancy);
    this.owned = true;
  }

  /** The slot of the aligned block of `2^level` pages holding `base`. Bases are below 2^32, so an unsigned shift serves (JS masks shift counts at 32). */
  private static key(level: number, base: number): number {
    return (level >= 32 ? 0 : base >>> level) * 64 + level;
  }

  add(f: Fpage, id: number): void {
    const k = AlignedIndex.key(f.order, f.base);
    this.own();
    const s = this.slots.get(k);
    this.slots.set(k, s ? new Set(s).add(id) : new Set([id]));
    for (let l = f.order; l <= this.topLevel; l++) {
      const ok = AlignedIndex.key(l, f.base);
      this.occupancy.set(ok, (this.occupancy.get(ok) ?? 0) + 1);
    }
  }

  remove(f: Fpage, id: number): void {
    const k = AlignedIndex.key(f.order, f.base);
    const s = this.slots.get(k);
    if (!s || !s.has(id)) throw new Error(`index has no id ${id} at ${f.base}/${f.order}`);
    this.own();
    if (s.size === 1) this.slots.delete(k);
    else {
      const rest = new Set(s);
      rest.delete(id);
      this.slots.set(k, rest);
    }
    for (let l = f.order; l <= this.topLevel; l++) {
      const ok = AlignedIndex.key(l, f.base);
      const n = (this.occupancy.get(ok) ?? 0) - 1;
      if (n === 0) this.occupancy.delete(ok);
      else this.occupancy.set(ok, n);
    }
  }

  /** Ids placed exactly at `f`. */
  at(f: Fpage): ReadonlySet<number> | undefined {
    return this.slots.get(AlignedIndex.key(f.order, f.base));
  }

  /** Ids at fpages strictly larger than `f` that contain it. */
  containing(f: Fpage, out: number[] = []): number[] {
    for (let l = f.order + 1; l <= this.topLevel; l++) {
      const s = this.slots.get(AlignedIndex.key(l, f.base));
      if (s) for (const id of s) out.push(id);
    }
    return out;
  }

  /** Ids at fpages inside `f` (including `f` itself), in address order. */
  inside(f: Fpage, out: number[] = []): number[] {
    this.descend(f.order, f.base, out);
    return out;
  }

  /** Ids at fpages that share a page with `f`: the containing ones, then the inside ones. */
  meeting(f: Fpage, out: number[] = []): number[] {
    this.containing(f, out);
    return this.inside(f, out);
  }

  /** True when nothing is placed in or around `f`. */
  isEmpty(f: Fpage): boolean {
    return !this.occupancy.has(AlignedIndex.key(f.order, f.base)) && this.containing(f).length === 0;
  }

  /**
   * The lowest base of an aligned `2^order` block below `limit` with nothing placed in or
   * around it, or null. Walks down from the top, left half first, skipping empty halves whole,
   * so it costs the depth times the occupied blocks on the way, not the size of the space.
   */
  firstFree(order: number, limit: number): number | null {
    return order > this.topLevel ? null : this.freeBelow(this.topLevel, 0, order, limit);
  }

  private freeBelow(level: number, base: number, order: number, limit: number): number | null {
    if (base + 2 ** order > limit) return null;
    const k = AlignedIndex.key(level, base);
    if (this.slots.has(k)) return null;
    if (!this.occupancy.has(k)) return base;
    if (level === order) return null;
    return this.freeBelow(level - 1, base, order, limit) ?? this.freeBelow(level - 1, base + 2 ** (level - 1), order, limit);
  }

  private descend(level: number, base: number, out: number[]): void {
    if (!this.occupancy.has(AlignedIndex.key(level, base))) return;
    const s = this.slots.get(AlignedIndex.key(level, base));
    if (s) for (const id of s) out.push(id);
    if (level === 0) return;
    this.descend(level - 1, base, out);
    this.descend(level - 1, base + 2 ** (level - 1), out);
  }
}
