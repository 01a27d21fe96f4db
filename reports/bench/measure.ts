/** Timing helpers for the benchmark; only the benchmark reads the clock. */

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Milliseconds `f` takes, and what it returned. */
export function timed<T>(f: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = f();
  return { ms: performance.now() - start, value };
}

/** Milliseconds until the promise `f` returns settles. */
export async function timedAsync(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await f();
  return performance.now() - start;
}

/** The median over `reps` repetitions of `f`'s time, after one warm-up run (so the JIT has seen the code). */
export function medianMs(reps: number, f: () => void): number {
  f();
  return median(Array.from({ length: reps }, () => timed(f).ms));
}

export const round = (x: number, digits = 0): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
