// A user's own design, typed against the package's declarations.
import { check, serveFromPhysmem, stateless, type CheckResult, type Design, type ProfileName } from 'fpcheck';

export const myDesign: Design = {
  name: 'my-design',
  summary: 'maps directly, revokes with unmapIn',
  supports: (profile: ProfileName) => profile === 'extended',
  symmetric: true,
  start: stateless((ctx) => ({
    serve: serveFromPhysmem(ctx),
    revoke: (client, alloc) => void ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(client)),
    free: (alloc) => {
      for (let i = 0; i < ctx.config.clients; i++) ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(i));
    },
  })),
};

export const result: CheckResult = check({ designs: [myDesign], profiles: ['extended'], runs: 10 });
