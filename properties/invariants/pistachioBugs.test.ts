/**
 * Verdicts on `pistachio` that come from Pistachio's kernel bugs, not from the design: each
 * counterexample (as the random search found it on direct-exact) violates its invariant on the
 * kernel as built and holds on `pistachio-fixed`, the same engine with the bug rules off.
 */
import { describe, expect, test } from 'vitest';
import { designNamed, World, type Command, type ProfileName, type WorldConfig } from '../../model/index.ts';
import { invariantNamed } from './index.ts';

const CONFIG: WorldConfig = { memoryPages: 32, clients: 3, quota: 8, clientSpaceOrder: 2, proxySpaceOrder: 3, maxOrder: 2, superpageOrder: 3 };

/** The invariant's verdicts after each command. */
function verdicts(profile: ProfileName, invariant: string, commands: readonly Command[]): string[] {
  const w = new World(CONFIG, designNamed('direct-exact')!, profile);
  const inv = invariantNamed(invariant)!;
  return commands.map((c) => inv.check(w.step(c), w).kind);
}

const CASES: ReadonlyArray<{ invariant: string; bug: string; commands: Command[]; message: RegExp }> = [
  {
    invariant: 'safety.no-excess-rights',
    bug: 'rights-unmasked: a grant of a read-only share passes it on writable',
    commands: [
      { kind: 'alloc', client: 2, order: 0 },
      { kind: 'share', client: 2, handle: 0, other: 0, rights: 'r-x' },
      { kind: 'request', client: 0, handle: 0, offset: 0, order: 0, vaddr: 0 },
      { kind: 'grant', client: 0, vaddr: 0, order: 0, other: 1, toVaddr: 0 },
    ],
    message: /with rights rwx, but it and the clients it derives from hold those frames with r-x at most/,
  },
  {
    invariant: 'safety.no-extant-after-dealloc',
    bug: 'doubled-offset, partial-unmap-stride: the piece from offset 1 is filed in slot 2; the unmap of pages 0..1 looks at slot 0 and steps on to the next superpage',
    commands: [
      { kind: 'alloc', client: 1, order: 1 },
      { kind: 'request', client: 1, handle: 0, offset: 1, order: 0, vaddr: 0 },
      { kind: 'dealloc', client: 1, handle: 0 },
    ],
    message: /belong to no live allocation/,
  },
  {
    invariant: 'safety.no-foreign-frames',
    bug: 'partial-unmap-stride: the unmap of pages 0..1 revokes page 0 and steps on to the next superpage, so page 1 stays',
    commands: [
      { kind: 'alloc', client: 2, order: 1 },
      { kind: 'request', client: 2, handle: 0, offset: 0, order: 1, vaddr: 0 },
      { kind: 'dealloc', client: 2, handle: 0 },
      { kind: 'alloc', client: 0, order: 1 },
    ],
    message: /but neither it nor a client it derives from or was handed them by holds those frames/,
  },
  {
    invariant: 'structure.transfer-conserves',
    bug: 'hole-no-advance: the hole at page 2 keeps the receiver address, and frame 0 lands where the granter expected nothing',
    commands: [
      { kind: 'alloc', client: 0, order: 0 },
      { kind: 'request', client: 0, handle: 0, offset: 0, order: 0, vaddr: 0 },
      { kind: 'map', client: 0, vaddr: 0, order: 0, other: 1, toVaddr: 3 },
      { kind: 'grant', client: 1, vaddr: 2, order: 1, other: 0, toVaddr: 2 },
    ],
    message: /is held by neither c1 nor c0/,
  },
];

describe('direct-exact: verdicts on pistachio that are kernel bugs', () => {
  test.each(CASES)('$invariant ($bug)', ({ invariant, commands, message }) => {
    const built = verdicts('pistachio', invariant, commands);
    expect(built.slice(0, -1)).not.toContain('violated');
    expect(built.at(-1)).toBe('violated');
    const w = new World(CONFIG, designNamed('direct-exact')!, 'pistachio');
    const inv = invariantNamed(invariant)!;
    let last = inv.check(w.step(commands[0]!), w);
    for (const c of commands.slice(1)) last = inv.check(w.step(c), w);
    expect(last.kind === 'violated' ? last.message : '').toMatch(message);
    expect(verdicts('pistachio-fixed', invariant, commands)).not.toContain('violated');
  });
});
