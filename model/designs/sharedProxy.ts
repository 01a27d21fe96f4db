import type { Design } from './design.ts';
import { ProxySpace, slotsFingerprint } from './proxySpace.ts';
import { stateful } from './state.ts';

/** One proxy for all clients, reusing a proxy mapping when frames, size and alignment fit; its space is finite. */
export const sharedProxy: Design = {
  name: 'shared-proxy',
  summary: 'one proxy task maps to all clients, reusing slots that fit; revokes by unmapping the proxy\'s slot',
  supports: () => true,
  symmetric: true,
  start: stateful(
    (ctx) => ProxySpace.create(ctx, 'proxy', ctx.config.proxySpaceOrder).state,
    (ctx, state) => {
      const proxy = new ProxySpace(ctx, state);
      return { serve: (req) => proxy.serve(req), revoke: (client, alloc) => proxy.revoke(client, alloc), free: (alloc) => proxy.free(alloc) };
    },
    (state, canon) => slotsFingerprint(state.slots, canon),
  ),
};
