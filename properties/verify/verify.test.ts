import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { DEFAULT_CONFIG, DESIGNS, designNamed, World, type Command, type Design, type ProfileName, type Server, type ServerContext, type WorldConfig } from '../../model/index.ts';
import { INVARIANTS } from '../invariants/index.ts';
import { runCommands } from '../trace.ts';
import { exhaustiveSearch, NotVerifiableError, permutations } from './bfs.ts';
import { exhaustiveSearchPooled } from './pool.ts';
import { acceptedCommands, decodeCommand, encodeCommand, forEachTransition, COMMAND_WORDS } from './commands.ts';

/** A scope small enough to enumerate by other means: two clients, 8 pages, blocks of up to 2 pages, spaces of 2. */
const TINY: WorldConfig = { memoryPages: 8, clients: 2, quota: 4, clientSpaceOrder: 1, proxySpaceOrder: 1, maxOrder: 1, superpageOrder: 2 };
/** Three clients, so that symmetry has orders to fold, in a world small enough to search five commands deep in seconds. */
const SMALL: WorldConfig = { memoryPages: 8, clients: 3, quota: 2, clientSpaceOrder: 1, proxySpaceOrder: 1, maxOrder: 0, superpageOrder: 2 };

/** Commands drawn by index from what the world accepts at each step: any run the world allows. */
const anyRun = fc.array(fc.nat(10_000), { minLength: 1, maxLength: 12 });
function play(design: Design, profile: ProfileName, config: WorldConfig, picks: readonly number[], w = new World(config, design, profile)): { world: World; commands: Command[] } {
  const commands: Command[] = [];
  for (const p of picks) {
    const options = acceptedCommands(w);
    if (options.length === 0) break;
    const c = options[p % options.length]!;
    commands.push(c);
    w.step(c);
  }
  return { world: w, commands };
}

/** `c` with clients renamed by `perm`. */
const renamed = (c: Command, perm: readonly number[]): Command => {
  const r = { ...c, client: perm[c.client]! } as Command & { other?: number };
  if ('other' in c) r.other = perm[c.other]!;
  return r;
};

describe('copying and fingerprinting worlds', () => {
  test.prop([fc.constantFrom(...DESIGNS.filter((d) => d.supports('x2'))), anyRun, anyRun], { numRuns: 60 })(
    'a copy steps exactly as the original from then on, and leaves the original as it was',
    (design, before, after) => {
      const { world } = play(design, 'x2', TINY, before);
      const copy = world.clone();
      const was = world.fingerprint();
      const rest = play(design, 'x2', TINY, after, copy).commands;
      expect(world.fingerprint()).toBe(was);
      const again = world.clone();
      for (const c of rest) expect(JSON.stringify(world.step(c))).toBe(JSON.stringify(again.step(c)));
      expect(world.fingerprint()).toBe(copy.fingerprint());
    },
  );

  test('states equal up to handle numbers have equal fingerprints; different states differ', () => {
    const a = new World(TINY, designNamed('shared-proxy')!, 'split');
    a.step({ kind: 'alloc', client: 0, order: 1 });
    const b = new World(TINY, designNamed('shared-proxy')!, 'split');
    for (const c of [{ kind: 'alloc', client: 0, order: 1 }, { kind: 'dealloc', client: 0, handle: 0 }, { kind: 'alloc', client: 0, order: 1 }] as Command[]) b.step(c);
    expect(b.fingerprint()).toBe(a.fingerprint());
    b.step({ kind: 'request', client: 0, handle: 1, offset: 0, order: 0, vaddr: 1 });
    expect(b.fingerprint()).not.toBe(a.fingerprint());
  });

  test.prop([fc.constantFrom(...DESIGNS.filter((d) => d.supports('x2'))), anyRun, anyRun], { numRuns: 80 })('the 64-bit hash separates exactly the states the text separates', (design, x, y) => {
    const [a, b] = [x, y].map((p) => play(design, 'x2', TINY, p).world);
    const hash = (w: World) => {
      const h = new Uint32Array(2);
      w.fingerprintHash([0, 1], h);
      return `${h[0]}:${h[1]}`;
    };
    expect(hash(a!) === hash(b!)).toBe(a!.fingerprint() === b!.fingerprint());
  });

  test.prop([fc.constantFrom(...DESIGNS.filter((d) => d.symmetric && d.supports('x2'))), anyRun], { numRuns: 60 })(
    'symmetric designs: the run with clients renamed reaches the state whose renamed fingerprint is the original\'s',
    (design, picks) => {
      const three: WorldConfig = { ...TINY, clients: 3, memoryPages: 16 };
      const { world, commands } = play(design, 'x2', three, picks);
      for (const perm of permutations(3)) {
        const other = new World(three, design, 'x2');
        for (const c of commands) other.step(renamed(c, perm));
        expect(world.fingerprint(perm)).toBe(other.fingerprint());
      }
    },
  );

  test('holders are told apart by the hash for every client number, past the 32nd', () => {
    const many: WorldConfig = { ...TINY, clients: 64, memoryPages: 256 };
    const hashAfter = (other: number) => {
      const w = new World(many, designNamed('direct-exact')!, 'split');
      for (const c of [{ kind: 'alloc', client: 0, order: 0 }, { kind: 'share', client: 0, handle: 0, other }] as Command[]) expect(w.step(c).outcome.kind).toBe('applied');
      const h = new Uint32Array(2);
      w.fingerprintHash(Array.from({ length: 64 }, (_, i) => i), h);
      return `${h[0]}:${h[1]}`;
    };
    const hashes = new Set([1, 2, 31, 32, 33, 34, 63].map(hashAfter));
    expect(hashes.size).toBe(7);
  });
});

describe('commands', () => {
  test.prop([fc.constantFrom(...DESIGNS.filter((d) => d.supports('x2'))), anyRun], { numRuns: 40 })('every accepted command survives its 36-byte encoding', (design, picks) => {
    const { world } = play(design, 'x2', TINY, picks);
    const buf = new Int32Array(COMMAND_WORDS);
    for (const c of acceptedCommands(world)) {
      forEachTransition(world, c, true, (ran) => {
        encodeCommand(ran, buf, 0);
        expect(decodeCommand(buf, 0)).toEqual(ran);
      });
    }
  });

  test('under x2 a partial unmap branches into every outcome X.2 allows, and nothing else', () => {
    const w = new World(TINY, designNamed('direct-exact')!, 'x2');
    for (const c of [{ kind: 'alloc', client: 0, order: 0 }, { kind: 'request', client: 0, handle: 0, offset: 0, order: 0, vaddr: 0 }] as Command[]) w.step(c);
    const ran: Command[] = [];
    forEachTransition(w, { kind: 'dealloc', client: 0, handle: 0 }, true, (c) => ran.push(c));
    expect(ran.map((c) => c.kernel?.partial ?? [])).toEqual([[], ['overlapping'], ['inner'], ['ignore']]);
  });
});

/** An independent count of the states per depth: replay every path from scratch, compare canonical texts, no hashing, no copies. */
function bruteForce(design: Design, profile: ProfileName, config: WorldConfig, depth: number, symmetric: boolean): number[] {
  const perms = symmetric ? permutations(config.clients) : [Array.from({ length: config.clients }, (_, i) => i)];
  const canon = (w: World) => perms.map((p) => w.fingerprint(p)).sort()[0]!;
  const replay = (path: readonly Command[]) => {
    const w = new World(config, design, profile);
    for (const c of path) w.step(c);
    return w;
  };
  const seen = new Set([canon(replay([]))]);
  let layer: Command[][] = [[]];
  const counts = [1];
  for (let d = 0; d < depth; d++) {
    const next: Command[][] = [];
    for (const path of layer) {
      for (const c of acceptedCommands(replay(path))) {
        forEachTransition(replay(path), c, true, (ran, _w, obs) => {
          const w = replay([...path, ran]);
          if (runCommands({ config, design, profile }, [...path, ran], INVARIANTS).violation) return;
          void obs;
          const key = canon(w);
          if (!seen.has(key)) {
            seen.add(key);
            next.push([...path, ran]);
          }
        });
      }
    }
    counts.push(next.length);
    layer = next;
  }
  return counts;
}

describe('the exhaustive search', () => {
  test('counts the states of a one-page world by hand: 1, 2, 1, 1', () => {
    const one: WorldConfig = { memoryPages: 1, clients: 1, quota: 1, clientSpaceOrder: 0, proxySpaceOrder: 0, maxOrder: 0, superpageOrder: 1 };
    // initial; allocated or exited; mapped; unmapped by its own flush but still asked for.
    const r = exhaustiveSearch(designNamed('direct-exact')!, 'split', one, INVARIANTS, { depth: 5 });
    expect(r.statesPerDepth).toEqual([1, 2, 1, 1, 0, 0]);
    expect(r.states).toBe(5);
    expect(r.violations).toEqual([]);
  });

  const THREE: WorldConfig = { ...TINY, clients: 3, memoryPages: 16 };
  test.each<[string, ProfileName, boolean, string]>([
    ['direct-exact', 'x2', false, 'two clients'],
    ['shared-proxy', 'split', false, 'two clients'],
    ['per-task-proxy', 'pistachio', true, 'two clients'],
    ['direct-containing', 'fiasco', true, 'two clients'],
    ['shared-proxy', 'x2', true, 'three clients'],
    ['per-task-proxy', 'overlapping', true, 'three clients'],
  ])('counts %s on %s per depth as a search that replays every path from scratch does (symmetry %s, %s)', (name, profile, symmetric, clients) => {
    const config = clients === 'two clients' ? TINY : THREE;
    const design = designNamed(name)!;
    const depth = config.clients === 3 ? 2 : 3;
    const r = exhaustiveSearch(design, profile, config, INVARIANTS, { depth, symmetry: symmetric });
    expect(r.statesPerDepth).toEqual(bruteForce(design, profile, config, depth, symmetric));
  });

  test.each(DESIGNS.flatMap((d) => (['x2', 'split', 'pistachio', 'extended'] as const).filter((p) => d.supports(p)).map((p) => [d.name, p] as const)))(
    '%s on %s: symmetry reduction keeps every verdict and every shortest length',
    (name, profile) => {
      const design = designNamed(name)!;
      const summary = (symmetry: boolean) => {
        const r = exhaustiveSearch(design, profile, TINY, INVARIANTS, { depth: 4, symmetry });
        return r.violations.map((v) => `${v.violation.invariant}@${v.commands.length}`).sort();
      };
      expect(summary(true)).toEqual(summary(false));
    },
  );

  test('finds the shortest counterexamples by itself, and each replays to the same violation', () => {
    const found = [
      ...exhaustiveSearch(designNamed('direct-exact')!, 'x2', TINY, INVARIANTS, { depth: 4 }).violations.map((v) => ({ v, design: 'direct-exact', profile: 'x2' as const })),
      ...exhaustiveSearch(designNamed('shared-proxy')!, 'split', TINY, INVARIANTS, { depth: 5 }).violations.map((v) => ({ v, design: 'shared-proxy', profile: 'split' as const })),
    ];
    expect(found.map((f) => `${f.design} ${f.v.violation.invariant}`)).toEqual(expect.arrayContaining(['direct-exact safety.no-extant-after-dealloc', 'shared-proxy isolation.no-cross-task-flush']));
    for (const { v, design, profile } of found) {
      const replay = runCommands({ config: TINY, design: designNamed(design)!, profile }, v.commands, INVARIANTS).violation;
      expect(replay).toEqual(v.violation);
      expect(v.violation.step).toBe(v.commands.length - 1);
    }
  });

  test.each<[string, ProfileName]>([
    ['direct-exact', 'x2'],
    ['shared-proxy', 'split'],
    ['per-task-proxy', 'fiasco'],
  ])('%s on %s shared over two worker threads finds the same states, counts and counterexamples as one thread', async (name, profile) => {
    const design = designNamed(name)!;
    const one = exhaustiveSearch(design, profile, TINY, INVARIANTS, { depth: 4 });
    const two = await exhaustiveSearchPooled(design, profile, TINY, INVARIANTS, { depth: 4, workers: 2 });
    expect(one.states).toBeGreaterThan(100);
    expect(two).toEqual(one);
  });

  test('stops at the budget and says how deep it got', () => {
    const r = exhaustiveSearch(designNamed('per-task-proxy')!, 'x2', TINY, INVARIANTS, { depth: 6, maxTransitions: 500 });
    expect(r.stoppedBy).toBe('budget');
    expect(r.depthDone).toBeLessThan(6);
    expect(r.transitions).toBeGreaterThanOrEqual(500);
  });

  test('a design that cannot be copied is refused with a reason', () => {
    const plain: Design = { name: 'test-plain', summary: '', supports: () => true, start: (ctx) => ({ serve: () => null, revoke: () => undefined, free: () => undefined }) };
    expect(() => exhaustiveSearch(plain, 'split', TINY, INVARIANTS, { depth: 2 })).toThrow(NotVerifiableError);
    expect(() => exhaustiveSearch(plain, 'split', TINY, INVARIANTS, { depth: 2 })).toThrow(/must implement fork\(ctx\) and fingerprint\(canon\)/);
  });

  test('a design whose fingerprint hides state it acts on is refused, not verified', () => {
    // Like direct-exact, but on its third serve it also maps the frame into a cache task of its own:
    // it counts serves in a variable its fingerprint leaves out, so a request repeated is not the same state.
    const hidden = (count: { n: number }, cache: string) => (ctx: ServerContext): Server => {
      const inner = designNamed('direct-exact')!.start(ctx);
      return {
        ...inner,
        serve: (r) => {
          if (++count.n === 3) ctx.kernel.map(ctx.physmem, { base: r.frame, order: 0 }, cache, 0);
          return inner.serve(r);
        },
        fork: (c) => hidden({ n: count.n }, cache)(c),
        fingerprint: () => '',
      };
    };
    const design: Design = { name: 'test-hidden', summary: '', supports: () => true, symmetric: true, start: (ctx) => hidden({ n: 0 }, ctx.createTask('cache', 1))(ctx) };
    expect(() => exhaustiveSearch(design, 'split', TINY, INVARIANTS, { depth: 4 })).toThrow(/two states with the same fingerprint behave differently/);
  });

  test('a design that skips revocation for client 0 but says it treats clients alike is refused with the two renamed paths; without the claim it is searched and caught', () => {
    const base = designNamed('kernel-extension')!;
    const skipsZero = (symmetric: boolean): Design => ({
      name: 'test-skips-zero',
      summary: '',
      supports: (p) => p === 'extended',
      symmetric,
      start: (ctx) => {
        const b = base.start(ctx);
        const free = (a: Parameters<Server['free']>[0]) => {
          for (let i = 1; i < ctx.config.clients; i++) ctx.kernel.unmapIn(ctx.physmem, a.fpage, ctx.client(i));
        };
        return { ...b, free, fork: (c) => skipsZero(symmetric).start(c) };
      },
    });
    expect(() => exhaustiveSearch(skipsZero(true), 'extended', DEFAULT_CONFIG, INVARIANTS, { depth: 4 })).toThrow(
      /^design test-skips-zero is declared symmetric but treats clients apart: .* and its renaming .* are judged differently/,
    );
    const honest = exhaustiveSearch(skipsZero(false), 'extended', DEFAULT_CONFIG, INVARIANTS, { depth: 3 });
    expect(honest.violations.map((v) => v.violation.invariant)).toContain('safety.no-extant-after-dealloc');
  });

  test('shards divide the states three commands deep by fingerprint: under symmetry each searches a part, and together they find what the whole search finds', () => {
    const whole = exhaustiveSearch(designNamed('direct-exact')!, 'x2', SMALL, INVARIANTS, { depth: 4 });
    const parts = [1, 2, 3].map((index) => exhaustiveSearch(designNamed('direct-exact')!, 'x2', SMALL, INVARIANTS, { depth: 4, shard: { index, count: 3 } }));
    // The first three commands are searched by every shard alike; the states of depth 3 and 4 are divided.
    for (const p of parts) {
      expect(p.statesPerDepth.slice(0, 3)).toEqual(whole.statesPerDepth.slice(0, 3));
      expect(p.statesPerDepth[3]!).toBeLessThan(whole.statesPerDepth[3]!);
      expect(p.states).toBeLessThan(whole.states);
      expect(p.shard).toEqual({ index: parts.indexOf(p) + 1, count: 3, depth: 3 });
    }
    expect(parts.reduce((n, p) => n + p.statesPerDepth[3]!, 0)).toBe(whole.statesPerDepth[3]);
    const shortest = (vs: typeof whole.violations) => Object.fromEntries(vs.map((v) => [v.violation.invariant, v.commands.length]));
    const together: Record<string, number> = {};
    for (const p of parts) for (const [k, n] of Object.entries(shortest(p.violations))) together[k] = Math.min(together[k] ?? n, n);
    expect(together).toEqual(shortest(whole.violations));
  });

  test('a memory bound stops the search cleanly at its last whole depth, with what it found', () => {
    const r = exhaustiveSearch(designNamed('direct-exact')!, 'x2', SMALL, INVARIANTS, { depth: 9, maxBytes: 800_000 });
    expect(r.stoppedBy).toBe('memory');
    expect(r.depthDone).toBeLessThan(9);
    expect(r.bytes.visited + r.bytes.store).toBeGreaterThan(800_000);
    expect(r.violations.length).toBeGreaterThan(0);
  });

  test('each first violation is told as it is found, with the counts of that moment', () => {
    const told: string[] = [];
    const r = exhaustiveSearch(designNamed('direct-exact')!, 'x2', SMALL, INVARIANTS, { depth: 4, onViolation: (v) => told.push(`${v.violation.invariant}@${v.found.transitions}`) });
    expect(told).toEqual(r.violations.map((v) => `${v.violation.invariant}@${v.found.transitions}`));
    for (const v of r.violations) expect(v.found.transitions).toBeLessThanOrEqual(r.transitions);
  });
});
