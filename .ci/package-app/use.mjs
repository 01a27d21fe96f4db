// A user's script: the library from plain Node, no TypeScript anywhere.
import { check, DESIGNS, PROFILE_NAMES } from 'fpcheck';

const r = check({ designs: ['direct-exact'], profiles: ['x2'], runs: 60, certifyTransitions: 0 });
const found = r.cells.flatMap((c) => c.findings.map((f) => f.violation.invariant));
if (!found.some((i) => i.startsWith('safety.'))) throw new Error(`expected a safety violation of direct-exact on x2, found ${found.join(', ') || 'none'}`);
if (DESIGNS.length < 6 || !PROFILE_NAMES.includes('fiasco')) throw new Error('the registries are not exported');
console.log(`check from plain Node: ${found.join(', ')}`);
