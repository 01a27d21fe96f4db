import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { DesignError, type Design } from '../../model/index.ts';
import { check } from '../check.ts';
import { checkInWorkers } from '../parallel/pool.ts';
import { verify } from '../verify/matrix.ts';
import { designRef, rememberModule } from './designs.ts';

// A user's design module outside the package: the workers must load it by its own URL.
const dir = mkdtempSync(join(tmpdir(), 'fpcheck-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = pathToFileURL(join(import.meta.dirname, '../../model/index.ts')).href;
const file = join(dir, 'mine.mjs');
writeFileSync(
  file,
  `import { stateless, serveFromPhysmem } from ${JSON.stringify(model)};
export const mine = {
  name: 'mine', summary: 'maps from physmem, revokes exactly', supports: () => true, symmetric: true, module: import.meta.url,
  start: stateless((ctx) => ({ serve: serveFromPhysmem(ctx), revoke: (_c, a) => void ctx.kernel.unmap(ctx.physmem, a.fpage, false), free: (a) => void ctx.kernel.unmap(ctx.physmem, a.fpage, false) })),
};
export const thrower = { ...mine, name: 'thrower', start: () => { throw new TypeError('no server today'); } };
export const serveThrower = { ...mine, name: 'serve-thrower', start: stateless((ctx) => ({ serve: () => { throw new RangeError('serve broke'); }, revoke: () => undefined, free: () => undefined })) };
export const unloadable = { ...mine, name: 'unloadable', module: ${JSON.stringify(pathToFileURL(join(dir, 'missing.mjs')).href)} };
`,
);
const mod = (await import(pathToFileURL(file).href)) as Record<string, Design>;
const TINY = { memoryPages: 8, clients: 2, quota: 4, clientSpaceOrder: 3, proxySpaceOrder: 3, maxOrder: 1 };

describe('one worker pool for run and verify, with user designs', () => {
  test('verify of a user design module in two workers equals the search in this thread', async () => {
    const opts = { designs: [mod.mine!], profiles: ['x2' as const], depth: 3, config: TINY };
    const one = await verify({ ...opts, workers: 1 });
    const two = await verify({ ...opts, workers: 2 });
    expect(two.cells.map((c) => c.exhaustive)).toEqual(one.cells.map((c) => c.exhaustive));
    expect(two.cells[0]!.exhaustive!.states).toBeGreaterThan(1);
    expect(two.cells.map((c) => c.findings.map((f) => f.commands))).toEqual(one.cells.map((c) => c.findings.map((f) => f.commands)));
  });

  test('checkInWorkers of a user design equals check', async () => {
    const opts = { designs: [mod.mine!], profiles: ['x2' as const], runs: 30, blockRuns: 10, certifyTransitions: 0 };
    const one = check(opts);
    const two = await checkInWorkers({ ...opts, workers: 2 });
    expect(two.cells.map((c) => [c.design, c.stats.runs, c.findings.length])).toEqual(one.cells.map((c) => [c.design, c.stats.runs, c.findings.length]));
  });

  test('a design that throws in a worker rejects, naming the design; the process lives on', async () => {
    const err = await verify({ designs: [mod.thrower!], profiles: ['x2'], depth: 2, config: TINY, workers: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DesignError);
    expect((err as DesignError).design).toBe('thrower');
    expect((err as Error).message).toMatch(/thrower/);
  });

  test('a design that throws while serving, in a verify worker, rejects naming the design', async () => {
    const err = await verify({ designs: [mod.serveThrower!], profiles: ['x2'], depth: 3, config: TINY, workers: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DesignError);
    expect((err as DesignError).design).toBe('serve-thrower');
    expect((err as Error).message).toMatch(/serve-thrower: threw RangeError: serve broke/);
  });

  test('a design that throws in a checkInWorkers worker rejects, naming the design', async () => {
    // The main thread plans without starting servers; the first run in a worker starts one.
    const err = await checkInWorkers({ designs: [mod.thrower!], profiles: ['x2'], runs: 4, workers: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/thrower/);
    expect((err as Error).message).toMatch(/no server today/);
  });

  test('a module that does not load rejects, naming the design and the module', async () => {
    const err = await checkInWorkers({ designs: [mod.unloadable!], profiles: ['x2'], runs: 4, workers: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DesignError);
    expect((err as Error).message).toMatch(/unloadable.*missing\.mjs/s);
  });

  test('a design whose module is unknown is refused before any thread starts, with the fix', async () => {
    const { module: _, ...anon } = mod.mine!;
    const nameless = { ...anon, name: 'anon' } as Design;
    const err = await verify({ designs: [nameless], profiles: ['x2'], depth: 2, config: TINY, workers: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DesignError);
    expect((err as Error).message).toMatch(/anon.*module: import\.meta\.url/);
    rememberModule(nameless, file);
    expect(() => designRef(nameless)).not.toThrow();
  });
});
