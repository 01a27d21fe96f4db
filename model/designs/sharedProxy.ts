import type { Design, Server, ServerContext } from './design.ts';
import { ProxySpace } from './proxySpace.ts';

/** The server over one shared proxy space. */
const overProxy = (proxy: ProxySpace): Server => ({
  serve: (req) => proxy.serve(req),
  revoke: (client, alloc) => proxy.revoke(client, alloc),
  free: (alloc) => proxy.free(alloc),
  fork: (ctx: ServerContext) => overProxy(proxy.fork(ctx)),
  fingerprint: (canon) => proxy.fingerprint(canon),
});

/** One proxy for all clients, reusing a proxy mapping when frames, size and alignment fit; its space is finite. */
export const sharedProxy: Design = {
  name: 'shared-proxy',
  summary: 'one proxy task maps to all clients, reusing slots that fit; revokes by unmapping the proxy\'s slot',
  supports: () => true,
  symmetric: true,
  start: (ctx) => overProxy(new ProxySpace(ctx, ctx.createTask('proxy', ctx.config.proxySpaceOrder), ctx.config.proxySpaceOrder)),
};
