/**
 * Realistic buggy variants of the two sound designs, per-task-proxy and kernel-extension: what
 * a tired implementer writes. Never registered: a test holds the default search to catching each,
 * and a hand-written scenario proves each differs from its base.
 */
import { ClientMap, designNamed, RWX, serveFromPhysmem, stateful, type Command, type Design, type ProfileName, type Server, type ServerContext } from '../../index.ts';
import { BuggyProxySpace, type ProxyBugs } from './proxy.ts';

export interface Mutant {
  readonly design: Design;
  /** The design it is a variant of. */
  readonly base: string;
  /** The profile it is searched on. */
  readonly profile: ProfileName;
  /** The property the default search must find broken (designs do not know the invariants: the test checks the name). */
  readonly breaks: 'safety' | 'isolation' | 'availability' | 'service' | 'structure';
  /** Commands on which it does something other than its base. */
  readonly differsOn: readonly Command[];
}

/** per-task-proxy whose proxies have `bugs`, and whose server may be changed further by `wrap`. */
function perTaskProxy(name: string, bugs: ProxyBugs, wrap?: (server: Server, proxies: readonly BuggyProxySpace[], ctx: ServerContext) => Partial<Server>): Design {
  const over = (proxies: readonly BuggyProxySpace[], ctx: ServerContext): Server => {
    const server: Server = {
      serve: (req) => proxies[req.client]!.serve(req),
      revoke: (client, alloc) => proxies[client]!.revoke(client, alloc),
      free: (alloc) => {
        for (const p of proxies) p.free(alloc);
      },
      fork: (c) => over(proxies.map((p) => p.fork(c)), c),
      fingerprint: (canon) => proxies.map((p, i) => `${canon.client(i)}{${p.fingerprint(canon)}}`).sort().join(''),
    };
    return { ...server, ...wrap?.(server, proxies, ctx) };
  };
  return {
    name,
    summary: `per-task-proxy with a bug: ${name}`,
    supports: () => true,
    symmetric: true,
    start: (ctx) => over(Array.from({ length: ctx.config.clients }, (_, i) => new BuggyProxySpace(ctx, ctx.createTask(`proxy-${ctx.client(i)}`, ctx.config.proxySpaceOrder, i), ctx.config.proxySpaceOrder, bugs)), ctx),
  };
}

/**
 * kernel-extension with its server changed by `wrap`; `state` is bookkeeping the bug keeps (plain
 * data, forked and fingerprinted by `stateful`). `symmetric` is false for a bug that treats a
 * client apart by its number: verify would refuse the claim.
 */
function kernelExtension<S>(name: string, state: () => S, wrap: (ctx: ServerContext, state: S) => Partial<Server>, symmetric = true): Design {
  const base = designNamed('kernel-extension')!;
  return {
    name,
    summary: `kernel-extension with a bug: ${name}`,
    supports: (p) => p === 'extended',
    symmetric,
    start: stateful(state, (ctx, s) => {
      const b = base.start(ctx);
      return { serve: b.serve, revoke: b.revoke, free: b.free, ...wrap(ctx, s) };
    }),
  };
}

const alloc = (client: number, order: number): Command => ({ kind: 'alloc', client, order });
const request = (client: number, handle: number, offset: number, order: number, vaddr: number): Command => ({ kind: 'request', client, handle, offset, order, vaddr });
const share = (client: number, handle: number, other: number): Command => ({ kind: 'share', client, handle, other });
const release = (client: number, handle: number): Command => ({ kind: 'release', client, handle });
const dealloc = (client: number, handle: number): Command => ({ kind: 'dealloc', client, handle });

/** A block shared with client 1, which maps it; then client 1 lets go. */
const sharedThenReleased = [alloc(0, 1), share(0, 0, 1), request(0, 0, 0, 1, 0), request(1, 0, 0, 1, 0), release(1, 0)];
/** A block shared and mapped by both clients; then the owner deallocs. */
const sharedThenFreed = [alloc(0, 1), share(0, 0, 1), request(0, 0, 0, 1, 0), request(1, 0, 0, 1, 0), dealloc(0, 0)];

export const MUTANTS: readonly Mutant[] = [
  // per-task-proxy: the proxy space's bookkeeping
  { design: perTaskProxy('ptp-silent-reuse', { silentReuse: true }), base: 'per-task-proxy', profile: 'x2', breaks: 'service', differsOn: [alloc(0, 1), request(0, 0, 0, 1, 0), request(0, 0, 0, 0, 2)] },
  { design: perTaskProxy('ptp-reuse-off-by-one', { reuseOffByOne: true }), base: 'per-task-proxy', profile: 'x2', breaks: 'service', differsOn: [alloc(0, 1), request(0, 0, 0, 1, 0), request(0, 0, 0, 0, 2)] },
  { design: perTaskProxy('ptp-reuse-misaligned', { reuseMisaligned: true }), base: 'per-task-proxy', profile: 'split', breaks: 'service', differsOn: [alloc(0, 2), request(0, 0, 0, 2, 0), request(0, 0, 1, 1, 0)] },
  { design: perTaskProxy('ptp-place-overlap', { placeOverlap: true }), base: 'per-task-proxy', profile: 'x2', breaks: 'service', differsOn: [alloc(0, 1), request(0, 0, 0, 0, 0), request(0, 0, 1, 0, 1)] },
  { design: perTaskProxy('ptp-leak-slots', { leakSlots: true }), base: 'per-task-proxy', profile: 'x2', breaks: 'availability', differsOn: [alloc(0, 2), request(0, 0, 0, 2, 0), dealloc(0, 0), alloc(0, 2), request(0, 1, 0, 2, 0)] },
  { design: perTaskProxy('ptp-free-without-unmap', { freeWithoutUnmap: true }), base: 'per-task-proxy', profile: 'fiasco', breaks: 'safety', differsOn: [alloc(0, 0), request(0, 0, 0, 0, 0), dealloc(0, 0)] },
  { design: perTaskProxy('ptp-exhausted-early', { exhaustedEarly: true }), base: 'per-task-proxy', profile: 'x2', breaks: 'availability', differsOn: [alloc(0, 0), alloc(0, 0), request(0, 0, 0, 0, 0), request(0, 1, 0, 0, 1)] },
  { design: perTaskProxy('ptp-map-whole-slot', { mapWholeSlot: true }), base: 'per-task-proxy', profile: 'pistachio', breaks: 'service', differsOn: [alloc(0, 1), request(0, 0, 0, 1, 0), request(0, 0, 1, 0, 3)] },
  // per-task-proxy: the server around the proxies
  {
    design: perTaskProxy('ptp-no-revoke', {}, () => ({ revoke: () => undefined })),
    base: 'per-task-proxy',
    profile: 'x2',
    breaks: 'safety',
    differsOn: sharedThenReleased,
  },
  {
    design: perTaskProxy('ptp-free-owner-only', {}, (_s, proxies) => ({ free: (a) => proxies[a.owner]!.free(a) })),
    base: 'per-task-proxy',
    profile: 'whole',
    breaks: 'safety',
    differsOn: sharedThenFreed,
  },
  {
    design: perTaskProxy('ptp-revoke-owner-proxy', {}, (_s, proxies) => ({ revoke: (_c, a) => proxies[a.owner]!.revoke(a.owner, a) })),
    base: 'per-task-proxy',
    profile: 'x2',
    breaks: 'isolation',
    differsOn: sharedThenReleased,
  },
  {
    design: perTaskProxy('ptp-release-frees-all', {}, (s) => ({ revoke: (_c, a) => s.free(a) })),
    base: 'per-task-proxy',
    profile: 'inner',
    breaks: 'isolation',
    differsOn: sharedThenReleased,
  },
  {
    design: perTaskProxy('ptp-sharers-via-owner', {}, (_s, proxies) => ({ serve: (r) => proxies[r.alloc.owner]!.serve(r) })),
    base: 'per-task-proxy',
    profile: 'overlapping',
    breaks: 'safety',
    differsOn: sharedThenReleased,
  },
  {
    design: perTaskProxy('ptp-revoke-first-slot-only', { revokeFirstOnly: true }),
    base: 'per-task-proxy',
    profile: 'x2',
    breaks: 'safety',
    differsOn: [alloc(0, 2), share(0, 0, 1), request(1, 0, 0, 1, 0), request(1, 0, 1, 1, 2), release(1, 0)],
  },
  // kernel-extension
  {
    design: kernelExtension('ke-free-misses-last-client', () => null, (ctx) => ({ free: (a) => { for (let i = 0; i < ctx.config.clients - 1; i++) ctx.kernel.unmapIn(ctx.physmem, a.fpage, ctx.client(i)); } }), false),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'safety',
    differsOn: [alloc(2, 0), request(2, 0, 0, 0, 0), dealloc(2, 0)],
  },
  {
    design: kernelExtension('ke-revoke-next-client', () => null, (ctx) => ({ revoke: (c, a) => void ctx.kernel.unmapIn(ctx.physmem, a.fpage, ctx.client((c + 1) % ctx.config.clients)) }), false),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'isolation',
    differsOn: [alloc(1, 0), share(1, 0, 0), request(1, 0, 0, 0, 0), request(0, 0, 0, 0, 0), release(0, 0)],
  },
  {
    design: kernelExtension('ke-revoke-with-unmap', () => null, (ctx) => ({ revoke: (_c, a) => void ctx.kernel.unmap(ctx.physmem, a.fpage, false) })),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'isolation',
    differsOn: sharedThenReleased,
  },
  {
    design: kernelExtension('ke-free-owner-only', () => null, (ctx) => ({ free: (a) => void ctx.kernel.unmapIn(ctx.physmem, a.fpage, ctx.client(a.owner)) })),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'safety',
    differsOn: sharedThenFreed,
  },
  {
    design: kernelExtension('ke-free-half', () => null, (ctx) => ({
      free: (a) => {
        for (let i = 0; i < ctx.config.clients; i++) ctx.kernel.unmapIn(ctx.physmem, { base: a.fpage.base, order: Math.max(0, a.fpage.order - 1) }, ctx.client(i));
      },
    })),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'safety',
    differsOn: [alloc(0, 1), request(0, 0, 0, 1, 0), dealloc(0, 0)],
  },
  {
    design: kernelExtension('ke-serve-half', () => null, (ctx) => ({
      serve: (r) => {
        ctx.kernel.map(ctx.physmem, { base: r.frame, order: Math.max(0, r.order - 1) }, ctx.client(r.client), r.vaddr, r.rights);
        return null;
      },
    })),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'service',
    differsOn: [alloc(0, 1), request(0, 0, 0, 1, 0)],
  },
  {
    design: kernelExtension('ke-serve-from-block-start', () => null, (ctx) => ({ serve: (r) => serveFromPhysmem(ctx)({ ...r, frame: r.alloc.fpage.base }) })),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'service',
    differsOn: [alloc(0, 1), request(0, 0, 1, 0, 0)],
  },
  {
    // Remembers what it mapped where, and on a request for an address it served before maps the same frames again.
    design: kernelExtension(
      'ke-stale-refault-cache',
      () => new ClientMap<Record<string, number>>(),
      (ctx, cache) => ({
        serve: (r) => {
          const mine = cache.get(r.client) ?? {};
          const key = `${r.vaddr}:${r.order}`;
          const frame = mine[key] ?? r.frame;
          cache.set(r.client, { ...mine, [key]: frame });
          return serveFromPhysmem(ctx)({ ...r, frame });
        },
      }),
    ),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'safety',
    differsOn: [alloc(0, 0), request(0, 0, 0, 0, 0), dealloc(0, 0), alloc(0, 1), request(0, 1, 1, 0, 0)],
  },
  {
    // Revokes what a client last asked for, not the allocation it lets go of.
    design: kernelExtension(
      'ke-revoke-last-asked',
      () => new ClientMap<{ base: number; order: number }>(),
      (ctx, last) => ({
        serve: (r) => {
          last.set(r.client, { ...r.alloc.fpage });
          return serveFromPhysmem(ctx)(r);
        },
        revoke: (c, a) => void ctx.kernel.unmapIn(ctx.physmem, last.get(c) ?? a.fpage, ctx.client(c)),
      }),
    ),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'safety',
    differsOn: [alloc(0, 0), alloc(0, 0), share(0, 0, 1), share(0, 1, 1), request(1, 0, 0, 0, 0), request(1, 1, 0, 0, 1), release(1, 0)],
  },
  {
    // Maps a sharer with everything, as if it owned the block: a read-only library becomes writable.
    design: kernelExtension('ke-maps-full-rights', () => null, (ctx) => ({ serve: (r) => serveFromPhysmem(ctx)({ ...r, rights: RWX }) })),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'safety',
    differsOn: [alloc(0, 0), { kind: 'share', client: 0, handle: 0, other: 1, rights: 'r-x' }, request(1, 0, 0, 0, 0)],
  },
  {
    // Aligns the address to the block's size instead of the request's.
    design: kernelExtension('ke-serve-aligns-to-block', () => null, (ctx) => ({ serve: (r) => serveFromPhysmem(ctx)({ ...r, vaddr: r.vaddr - (r.vaddr % 2 ** r.alloc.fpage.order) }) })),
    base: 'kernel-extension',
    profile: 'extended',
    breaks: 'service',
    differsOn: [alloc(0, 1), request(0, 0, 0, 0, 1)],
  },
];

/**
 * Mutants too deep for the default random budget, each held by the scenario that breaks it
 * (found by search on its base before the base was fixed). The default budget catches
 * ptp-proxy-full-rights on 1 of 6 seeds on `ignore` and none on x2, split or fiasco: it needs
 * seven commands, two shares with different rights and a map onto the same frame.
 */
export const DEEP_MUTANTS: readonly Mutant[] = [
  {
    design: perTaskProxy('ptp-proxy-full-rights', { fullRightsInProxy: true }),
    base: 'per-task-proxy',
    profile: 'whole',
    breaks: 'safety',
    differsOn: [
      alloc(1, 0),
      { kind: 'share', client: 1, handle: 0, other: 2 },
      request(2, 0, 0, 0, 0),
      { kind: 'share', client: 1, handle: 0, other: 0, rights: 'r-x' },
      request(0, 0, 0, 0, 0),
      { kind: 'map', client: 2, vaddr: 0, order: 0, other: 0, toVaddr: 0 },
      { kind: 'release', client: 2, handle: 0 },
    ],
  },
];
