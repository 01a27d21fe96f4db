import { stateless, type Design } from './design.ts';
import { serveFromPhysmem } from './pieces.ts';

/** The mail's wish: physmem maps directly and revokes per task with the extended kernel's `unmapIn`. */
export const kernelExtension: Design = {
  name: 'kernel-extension',
  summary: 'maps from physmem\'s own fpages; revokes one client\'s mappings with unmapIn (extended kernel only)',
  supports: (profile) => profile === 'extended',
  symmetric: true,
  start: stateless((ctx) => ({
    serve: serveFromPhysmem(ctx),
    revoke: (client, alloc) => void ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(client)),
    free: (alloc) => {
      for (let i = 0; i < ctx.config.clients; i++) ctx.kernel.unmapIn(ctx.physmem, alloc.fpage, ctx.client(i));
    },
  })),
};
