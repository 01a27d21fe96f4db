import { expect, test } from 'vitest';
import { check, DEFAULT_CONFIG, exhaustiveSearch, INVARIANTS, serveFromPhysmem, stateless, VERIFY_CONFIG, type Design } from './index.ts';
import { revokeServed } from './model/designs/example.ts';

// The README's example, kept honest: a user-defined design checked through the library API.
const myDesign: Design = {
  name: 'my-design',
  summary: 'maps directly, revokes with unmapIn',
  supports: (profile) => profile === 'extended',
  symmetric: true,
  start: stateless((ctx) => ({
    serve: serveFromPhysmem(ctx),
    revoke: (client, alloc) => void ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(client)),
    free: (alloc) => {
      for (let i = 0; i < ctx.config.clients; i++) ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(i));
    },
  })),
};

test('a design of ones own is checked through the library API', () => {
  const result = check({ designs: [myDesign], profiles: ['extended'], runs: 100 });
  expect(result.cells.map((c) => c.profile)).toEqual(['extended']);
  expect(result.cells.flatMap((c) => c.findings.map((f) => f.violation))).toEqual([]);
  expect(result.cells[0]!.stats.runs).toBe(100);
});

test('a design that forgets to revoke is caught through the same API', () => {
  const forgetful: Design = { ...myDesign, name: 'forgetful', start: (ctx) => ({ ...myDesign.start(ctx), free: () => undefined }) };
  const result = check({ designs: [forgetful], profiles: ['extended'], runs: 200 });
  expect(result.cells[0]!.findings.map((f) => f.violation.invariant)).toContain('safety.no-extant-after-dealloc');
});

test('the same design, being stateless, is searched exhaustively as it is', () => {
  const r = exhaustiveSearch(myDesign, 'extended', DEFAULT_CONFIG, INVARIANTS, { depth: 3 });
  expect(r.depthDone).toBe(3);
  expect(r.violations).toEqual([]);
  expect(r.states).toBeGreaterThan(1);
});

test('the stateful design of "Adding a design" forks and fingerprints with no code of its own: verified to depth 3, and nothing found at random', () => {
  const r = exhaustiveSearch(revokeServed, 'extended', VERIFY_CONFIG, INVARIANTS, { depth: 3 });
  expect(r.depthDone).toBe(3);
  expect(r.violations).toEqual([]);
  expect(check({ designs: [revokeServed], profiles: ['extended'], runs: 100 }).cells[0]!.findings).toEqual([]);
});

test('the same design with a release that forgets the client it served is caught', () => {
  const leaky: Design = {
    ...revokeServed,
    name: 'leaky',
    start: (ctx) => {
      const s = revokeServed.start(ctx);
      return { serve: (req) => s.serve(req), revoke: () => undefined, free: (alloc) => s.free(alloc) };
    },
  };
  expect(check({ designs: [leaky], profiles: ['extended'], runs: 200 }).cells[0]!.findings.length).toBeGreaterThan(0);
});
