/** FNV-1a over a string: a stable 32-bit hash, used to derive per-cell seeds and file names. Pure. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The seed of one search round of one seed block of one cell: independent of which other cells
 * or blocks run, where, or in which order. Block 0 keeps the form a cell had before cells were
 * split into blocks, so its seeds (and the files it saves) did not change.
 */
export const cellSeed = (seed: number, design: string, profile: string, round: number, block = 0): number =>
  fnv1a(block === 0 ? `${seed}/${design}/${profile}/${round}` : `${seed}/${design}/${profile}/${round}/block${block}`) | 0;
