/** FNV-1a over a string: a stable 32-bit hash, used to derive per-cell seeds and file names. Pure. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The seed of one search round of one cell: independent of which other cells run, or in which order. */
export const cellSeed = (seed: number, design: string, profile: string, round: number): number => fnv1a(`${seed}/${design}/${profile}/${round}`) | 0;
