import { expect, test } from 'vitest';
import { fuzzCampaign } from './campaign.ts';

// `npm run fuzz` runs the long campaign; this is its short form, on a fixed seed.
test('a fuzz campaign of 3000 hostile inputs finds no crash, and reaches both the accepting and the refusing paths', async () => {
  const r = await fuzzCampaign({ cases: 3000, seed: 20261125, timeBoundMs: 10_000 });
  expect(r.examples).toEqual([]);
  expect(r.crashes).toBe(0);
  expect(r.tried).toBe(3000);
  for (const [name, c] of Object.entries(r.targets)) {
    expect(c.tried, `${name} was never tried`).toBeGreaterThan(0);
    // The rare targets (real processes) are tried a few times in a short campaign: too few to ask for both answers.
    if (c.tried < 20) continue;
    expect(c.accepted, `${name}: no input was accepted, so the campaign tested only the refusals`).toBeGreaterThan(0);
    expect(c.rejected, `${name}: no input was refused`).toBeGreaterThan(0);
  }
}, 180_000);
