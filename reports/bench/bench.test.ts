import { expect, test } from 'vitest';
import { DEFAULT_CONFIG, DESIGNS, PROFILE_NAMES, World } from '../../model/index.ts';
import { opCosts } from './kernelOps.ts';
import { sourceLib } from './lib.ts';
import { pregenerate } from './steps.ts';

// The benchmark's own inputs must be what they claim; its timings are not asserted anywhere.
test('pre-generated command lists replay with every command applying, for every design', async () => {
  const lib = await sourceLib();
  for (const d of DESIGNS) {
    const profile = PROFILE_NAMES.find((p) => d.supports(p))!;
    const lists = pregenerate(lib, d, profile, DEFAULT_CONFIG, 5, 40, 3);
    expect(lists.flat().length, d.name).toBeGreaterThan(20);
    for (const list of lists) {
      const w = new World(DEFAULT_CONFIG, d, profile);
      for (const c of list) {
        expect(w.refusal(c), `${d.name}: ${JSON.stringify(c)}`).toBeNull();
        w.step(c);
      }
    }
  }
});

test('the kernel benchmark measures a database of the size it names, and leaves it that size', () => {
  const r = opCosts(2_000, 100, 1);
  expect(r.nodes).toBe(2_000);
  for (const us of [r.mapUs, r.unmapUs, r.flushUs]) expect(Number.isFinite(us) && us > 0).toBe(true);
});
