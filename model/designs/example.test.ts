// The README's example design, exactly as printed there, through the vitest suites a user runs.
// Its safety breaks at 5 steps (a grant it cannot revoke; see index.test.ts and the README), so
// the suites here are the properties it keeps.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDesigns } from '../../suites.ts';
import { revokeServed } from './example.ts';

checkDesigns(revokeServed, {
  profiles: ['extended'],
  runs: 300,
  properties: ['isolation', 'availability', 'service', 'structure'],
  out: join(mkdtempSync(join(tmpdir(), 'fpcheck-example-')), 'cx'),
});
