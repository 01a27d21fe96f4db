import type { Design } from './design.ts';
import { ProxySpace, slotsFingerprint } from './proxySpace.ts';
import { stateful } from './state.ts';

/** A proxy per client: revoking through a client's own proxy cannot reach anyone else. */
export const perTaskProxy: Design = {
  name: 'per-task-proxy',
  summary: 'each client gets its own proxy task; revokes by unmapping in that client\'s proxy',
  supports: () => true,
  symmetric: true,
  start: stateful(
    // Each proxy is created for its client, so that it goes with its client when verify renames clients.
    (ctx) => Array.from({ length: ctx.config.clients }, (_, i) => ProxySpace.create(ctx, `proxy-${ctx.client(i)}`, ctx.config.proxySpaceOrder, i).state),
    (ctx, states) => {
      const proxies = states.map((s) => new ProxySpace(ctx, s));
      return {
        serve: (req) => proxies[req.client]!.serve(req),
        revoke: (client, alloc) => proxies[client]!.revoke(client, alloc),
        free: (alloc) => {
          for (const p of proxies) p.free(alloc);
        },
      };
    },
    (states, canon) =>
      states
        .map((s, i) => `${canon.client(i)}{${slotsFingerprint(s.slots, canon)}}`)
        .sort()
        .join(''),
  ),
};
