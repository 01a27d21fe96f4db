import type { Design } from './design.ts';
import { ProxySpace } from './proxySpace.ts';

/** One proxy for all clients, reusing a proxy mapping when frames, size and alignment fit; its space is finite. */
export const sharedProxy: Design = {
  name: 'shared-proxy',
  summary: 'one proxy task maps to all clients, reusing slots that fit; revokes by unmapping the proxy\'s slot',
  supports: () => true,
  start: (ctx) => {
    const proxy = new ProxySpace(ctx, ctx.createTask('proxy', ctx.config.proxySpaceOrder), ctx.config.proxySpaceOrder);
    return {
      serve: (req) => proxy.serve(req),
      revoke: (client, alloc) => proxy.revoke(client, alloc),
      free: (alloc) => proxy.free(alloc),
    };
  },
};
