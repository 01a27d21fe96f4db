/**
 * A set of 64-bit fingerprints in one typed array (open addressing, linear probing, kept at
 * most half full): 8 bytes a slot, so 16 to 32 bytes a state depending on where it stands
 * between two doublings. The all-zero key marks an empty slot, so a zero fingerprint is stored
 * as (0, 1).
 */
export class FingerprintSet {
  private table: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialSlots = 1 << 16) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, initialSlots)));
    this.table = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes the table holds. */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** Adds the fingerprint; true when it was not there before. */
  add(h1: number, h2: number): boolean {
    if (h1 === 0 && h2 === 0) h2 = 1;
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    return this.insert(this.table, this.mask, h1 >>> 0, h2 >>> 0);
  }

  has(h1: number, h2: number): boolean {
    if (h1 === 0 && h2 === 0) h2 = 1;
    const t = this.table;
    for (let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) return false;
      if (a === h1 >>> 0 && b === h2 >>> 0) return true;
    }
  }

  private insert(t: Uint32Array, mask: number, h1: number, h2: number): boolean {
    for (let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) {
        t[2 * i] = h1;
        t[2 * i + 1] = h2;
        if (t === this.table) this.count++;
        return true;
      }
      if (a === h1 && b === h2) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    const slots = (this.mask + 1) * 2;
    const next = new Uint32Array(slots * 2);
    const mask = slots - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(next, mask, old[i]!, old[i + 1]!);
    this.table = next;
    this.mask = mask;
  }
}
