/**
 * A 64-bit fingerprint of a string as two independent 32-bit hashes (FNV-1a and a
 * multiply-rotate mix, each finished with murmur3's avalanche). The exhaustive search keeps
 * these instead of states (hash compaction): a collision could hide a state, with a chance
 * under n²/2^65 for n states. Pure.
 */
export function hash64(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [avalanche(a), avalanche(b ^ s.length)];
}

const avalanche = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};
