import type { Design, Server, ServerContext } from './design.ts';
import { ProxySpace } from './proxySpace.ts';

/** The server over one proxy space per client, indexed by client. */
const overProxies = (proxies: readonly ProxySpace[]): Server => ({
  serve: (req) => proxies[req.client]!.serve(req),
  revoke: (client, alloc) => proxies[client]!.revoke(client, alloc),
  free: (alloc) => {
    for (const p of proxies) p.free(alloc);
  },
  fork: (ctx: ServerContext) => overProxies(proxies.map((p) => p.fork(ctx))),
  // Each proxy goes with its client when clients are renamed.
  fingerprint: (canon) =>
    proxies
      .map((p, i) => `${canon.client(i)}{${p.fingerprint(canon)}}`)
      .sort()
      .join(''),
});

/** A proxy per client: revoking through a client's own proxy cannot reach anyone else. */
export const perTaskProxy: Design = {
  name: 'per-task-proxy',
  summary: 'each client gets its own proxy task; revokes by unmapping in that client\'s proxy',
  supports: () => true,
  symmetric: true,
  start: (ctx) =>
    overProxies(Array.from({ length: ctx.config.clients }, (_, i) => new ProxySpace(ctx, ctx.createTask(`proxy-${ctx.client(i)}`, ctx.config.proxySpaceOrder, i), ctx.config.proxySpaceOrder))),
};
