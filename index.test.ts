import { expect, test } from 'vitest';
import { check, DEFAULT_CONFIG, exhaustiveSearch, INVARIANTS, replayCounterexample, serveFromPhysmem, stateless, VERIFY_CONFIG, type Design } from './index.ts';
import { toFile } from './counterexamples/index.ts';
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

test('a design of ones own is checked through the library API, and what it finds replays with that design', () => {
  const result = check({ designs: [myDesign], profiles: ['extended'], runs: 100, certifyTransitions: 0 });
  expect(result.cells.map((c) => c.profile)).toEqual(['extended']);
  expect(result.cells[0]!.stats.runs).toBeGreaterThan(0);
  for (const f of result.cells[0]!.findings) expect(replayCounterexample(toFile(f, 'test'), '(memory)', [myDesign]).status.kind, f.violation.invariant).toBe('reproduces');
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

test('the stateful design of "Adding a design" forks and fingerprints with no code of its own: searched exhaustively as it is', () => {
  const r = exhaustiveSearch(revokeServed, 'extended', VERIFY_CONFIG, INVARIANTS, { depth: 3 });
  expect(r.depthDone).toBe(3);
  expect(r.violations).toEqual([]);
  expect(r.states).toBeGreaterThan(1);
});

test('regression: the search finds by itself that the example cannot revoke a page its sharer granted on (5 steps, shortest)', () => {
  const [f] = check({ designs: [revokeServed], profiles: ['extended'], runs: 300 }).cells[0]!.findings;
  expect(f?.violation.invariant).toBe('safety.no-foreign-frames');
  expect(f?.commands.map((c) => c.kind)).toEqual(['alloc', 'share', 'request', 'grant', 'release']);
  expect(f?.shortest).toBe(true);
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
