// The README's example design, exactly as printed there, through the vitest suites a user runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDesigns } from '../../suites.ts';
import { revokeServed } from './example.ts';

checkDesigns(revokeServed, { profiles: ['extended'], runs: 100, out: join(mkdtempSync(join(tmpdir(), 'fpcheck-example-')), 'cx') });
