// A sound design of the user's: every property holds on the extended kernel.
import { checkDesigns } from 'fpcheck/vitest';
import { serveFromPhysmem, stateless } from 'fpcheck';

checkDesigns(
  {
    name: 'my-design',
    summary: 'maps directly, revokes with unmapIn',
    supports: (p) => p === 'extended',
    start: stateless((ctx) => ({
      serve: serveFromPhysmem(ctx),
      revoke: (client, alloc) => void ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(client)),
      free: (alloc) => {
        for (let i = 0; i < ctx.config.clients; i++) ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(i));
      },
    })),
  },
  { profiles: ['extended'], runs: 300, certifyTransitions: 0 },
);
