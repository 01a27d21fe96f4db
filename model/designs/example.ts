// The README's "Adding a design" example, verbatim but for the import path (a test holds them equal).
import { ClientSet, HandleMap, serveFromPhysmem, stateful, type Design } from '../index.ts';

/**
 * Maps each request straight from physmem and remembers whom it served, so that a release
 * revokes only there; a dealloc revokes in every client (a client may have passed pages on).
 */
export const revokeServed: Design = {
  name: 'revoke-served',
  summary: 'maps directly; revokes with unmapIn where it served',
  supports: (profile) => profile === 'extended',
  // Clients are told apart by number only, through ctx.client(i): renaming them changes nothing.
  symmetric: true,
  start: stateful(
    () => ({ served: new HandleMap<ClientSet>() }),
    (ctx, s) => {
      const serve = serveFromPhysmem(ctx);
      return {
        serve: (req) => {
          s.served.set(req.alloc.handle, (s.served.get(req.alloc.handle) ?? new ClientSet()).add(req.client));
          return serve(req);
        },
        revoke: (client, alloc) => {
          if (s.served.get(alloc.handle)?.delete(client)) ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(client));
        },
        free: (alloc) => {
          s.served.delete(alloc.handle);
          for (let i = 0; i < ctx.config.clients; i++) ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(i));
        },
      };
    },
  ),
};
