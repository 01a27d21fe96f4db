import { MAX_ORDER, profile, type ProfileName } from '../kernel/index.ts';

/** The world a search runs in. All sizes are in pages. */
export interface WorldConfig {
  /** Physical memory; need not be a power of two (192 MiB is 49,152). */
  readonly memoryPages: number;
  readonly clients: number;
  /** Pages each client may hold allocated at once. */
  readonly quota: number;
  /** Each client's address space is `2^clientSpaceOrder` pages. */
  readonly clientSpaceOrder: number;
  /** A proxy task's address space is `2^proxySpaceOrder` pages (the shared proxy's limit). */
  readonly proxySpaceOrder: number;
  /** Largest order a client may alloc or request. */
  readonly maxOrder: number;
  /**
   * Order of a hardware superpage: the named-kernel profiles (`fiasco`, `pistachio`) store every
   * mapping as base pages and superpages of this order. 10 is ia32's 4 MiB, 9 amd64's 2 MiB; a
   * small world scales it down so that smaller blocks lie inside superpages, as in the mail, and
   * the largest block is one superpage (so the kernels' superpage rules are reached).
   */
  readonly superpageOrder: number;
}

/**
 * The world `run` searches: three clients (an owner, a sharer and a third party), 32 pages of
 * memory, a quota of 8 pages, blocks of up to 4 pages and superpages of 4, client spaces of
 * 4 pages (one whole block, or pieces of several) and proxy spaces of 8. Small enough that an
 * exhaustive search certifies a counterexample of five commands shortest in seconds, large
 * enough for every design's failure to fit, misaligned multi-page requests included.
 */
export const DEFAULT_CONFIG: WorldConfig = {
  memoryPages: 32,
  clients: 3,
  quota: 8,
  clientSpaceOrder: 2,
  proxySpaceOrder: 3,
  maxOrder: 2,
  superpageOrder: 2,
};

/** The world `verify` searches exhaustively by default: `run`'s, so both answer about the same world. */
export const VERIFY_CONFIG: WorldConfig = DEFAULT_CONFIG;

/**
 * The most hardware pages (superpages, or base pages inside a block) a world of a named-kernel
 * profile (`fiasco`, `pistachio`) may hold: memory of `memoryPages` is booted as
 * `memoryPages / 2^superpageOrder` superpage mappings, and a block of `2^maxOrder` pages may be
 * cut into `2^(maxOrder - superpageOrder)` of them. 2^14 takes ia32 (superpages of 2^10 pages)
 * up to the largest memory, 2^24 pages; a world this size boots in well under a second and tens
 * of MB. Beyond it a hostile file or flag would run for minutes and out of memory.
 */
export const MAX_HARDWARE_PAGES = 2 ** 14;

/**
 * Reasons the configuration makes no sense, empty when it is usable. Pure. With `profiles`, the
 * bound on hardware pages applies only if one of them is a named kernel's (without, always).
 * @example configProblems({ ...DEFAULT_CONFIG, clients: 0 }) // ['clients must be a whole number from 1 to 64, got 0']
 */
export function configProblems(c: WorldConfig, profiles?: readonly ProfileName[]): string[] {
  const out: string[] = [];
  const whole = (name: keyof WorldConfig, min: number, max: number) => {
    const v = c[name];
    if (!Number.isSafeInteger(v) || v < min || v > max) out.push(`${name} must be a whole number from ${min} to ${max}, got ${String(v)}`);
  };
  whole('memoryPages', 1, 2 ** 24);
  whole('clients', 1, 64);
  whole('quota', 1, 2 ** 24);
  whole('clientSpaceOrder', 0, MAX_ORDER);
  whole('proxySpaceOrder', 0, MAX_ORDER);
  whole('maxOrder', 0, MAX_ORDER);
  whole('superpageOrder', 1, MAX_ORDER);
  if (out.length > 0) return out;
  if (2 ** c.maxOrder > c.quota) out.push(`maxOrder ${c.maxOrder} asks for blocks of ${2 ** c.maxOrder} pages, more than the quota of ${c.quota}`);
  if (c.maxOrder > c.clientSpaceOrder) out.push(`maxOrder ${c.maxOrder} does not fit a client space of order ${c.clientSpaceOrder}`);
  if (c.maxOrder > c.proxySpaceOrder) out.push(`maxOrder ${c.maxOrder} does not fit a proxy space of order ${c.proxySpaceOrder}`);
  if (c.clients * c.quota > c.memoryPages) out.push(`${c.clients} clients with a quota of ${c.quota} pages need ${c.clients * c.quota} pages, more than the ${c.memoryPages} of memory`);
  if (!profiles || profiles.some((p) => profile(p).granularity === 'hardware')) {
    const frames = Math.ceil(c.memoryPages / 2 ** c.superpageOrder);
    if (frames > MAX_HARDWARE_PAGES) out.push(`memoryPages ${c.memoryPages} in superpages of 2^${c.superpageOrder} pages (superpageOrder ${c.superpageOrder}) makes ${frames} superpages, more than the bound of ${MAX_HARDWARE_PAGES} for the fiasco and pistachio profiles: raise superpageOrder or lower memoryPages`);
    const pieces = 2 ** Math.max(0, c.maxOrder - c.superpageOrder);
    if (pieces > MAX_HARDWARE_PAGES) out.push(`maxOrder ${c.maxOrder} with superpageOrder ${c.superpageOrder} cuts a block into ${pieces} superpages, more than the bound of ${MAX_HARDWARE_PAGES} for the fiasco and pistachio profiles`);
  }
  return out;
}
