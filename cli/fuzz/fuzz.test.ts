import { expect, test } from 'vitest';
import { fuzzCampaign } from './campaign.ts';

// `npm run fuzz` runs the long campaign; this is its short form, on a fixed seed, kept to a few
// seconds. Its time bound only catches a hang: an input answered slowly on a loaded machine is no crash.
const CASES = 800;
test(`a fuzz campaign of ${CASES} hostile inputs finds no crash, and reaches both the accepting and the refusing paths`, async () => {
  const r = await fuzzCampaign({ cases: CASES, seed: 20261125, timeBoundMs: 120_000, weights: { 'closed pipe': 8, 'full stream or file-size limit': 3 } });
  expect(r.examples).toEqual([]);
  expect(r.crashes).toBe(0);
  expect(r.tried).toBe(CASES);
  for (const [name, c] of Object.entries(r.targets)) {
    expect(c.tried, `${name} was never tried`).toBeGreaterThan(0);
    // The rare targets (real processes) are tried a few times in a short campaign: too few to ask for both answers.
    if (c.tried < 20) continue;
    expect(c.accepted, `${name}: no input was accepted, so the campaign tested only the refusals`).toBeGreaterThan(0);
    expect(c.rejected, `${name}: no input was refused`).toBeGreaterThan(0);
  }
}, 600_000);
