/**
 * A set of 64-bit fingerprints in one typed array (open addressing, linear probing): 8 bytes a
 * slot, grown by half whenever it is four fifths full, so it holds 10 to 15 bytes a state
 * wherever it stands between two growths. The all-zero key marks an empty slot, so a zero
 * fingerprint is stored as (0, 1).
 */
export class FingerprintSet {
  private table: Uint32Array;
  private slots: number;
  private count = 0;

  constructor(initialSlots = 1 << 16) {
    this.slots = Math.max(16, Math.ceil(initialSlots));
    this.table = new Uint32Array(this.slots * 2);
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
    if ((this.count + 1) * 5 > this.slots * 4) this.grow();
    return this.insert(this.table, this.slots, h1 >>> 0, h2 >>> 0);
  }

  has(h1: number, h2: number): boolean {
    if (h1 === 0 && h2 === 0) h2 = 1;
    const t = this.table;
    const a1 = h1 >>> 0;
    const a2 = h2 >>> 0;
    for (let i = start(a1, a2, this.slots); ; i = i + 1 === this.slots ? 0 : i + 1) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) return false;
      if (a === a1 && b === a2) return true;
    }
  }

  private insert(t: Uint32Array, slots: number, h1: number, h2: number): boolean {
    for (let i = start(h1, h2, slots); ; i = i + 1 === slots ? 0 : i + 1) {
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
    const slots = this.slots + (this.slots >> 1);
    const next = new Uint32Array(slots * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(next, slots, old[i]!, old[i + 1]!);
    this.table = next;
    this.slots = slots;
  }
}

/** The home slot of a fingerprint in a table of `slots`: the mixed key scaled to the table (no power of two needed). */
function start(h1: number, h2: number, slots: number): number {
  const mixed = (h1 ^ Math.imul(h2, 0x9e3779b1)) >>> 0;
  return Math.floor((mixed / 2 ** 32) * slots);
}
