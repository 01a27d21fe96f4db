// The project's design through fpcheck/vitest with a run record, for `npx fpcheck report` afterwards.
import { checkDesigns } from 'fpcheck/vitest';
import { leaky } from './leaky-design.mjs';

checkDesigns(leaky, { profiles: ['x2'], runs: 40, certifyTransitions: 0, out: 'vitest-cx', record: 'vitest-runs' });
