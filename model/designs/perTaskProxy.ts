import type { Design } from './design.ts';
import { ProxySpace } from './proxySpace.ts';

/** A proxy per client: revoking through a client's own proxy cannot reach anyone else. */
export const perTaskProxy: Design = {
  name: 'per-task-proxy',
  summary: 'each client gets its own proxy task; revokes by unmapping in that client\'s proxy',
  supports: () => true,
  start: (ctx) => {
    const proxies = Array.from({ length: ctx.config.clients }, (_, i) => new ProxySpace(ctx, ctx.createTask(`proxy-${ctx.client(i)}`, ctx.config.proxySpaceOrder), ctx.config.proxySpaceOrder));
    return {
      serve: (req) => proxies[req.client]!.serve(req),
      revoke: (client, alloc) => proxies[client]!.revoke(client, alloc),
      free: (alloc) => {
        for (const p of proxies) p.free(alloc);
      },
    };
  },
};
