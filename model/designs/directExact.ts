import { stateless, type Design } from './design.ts';
import { serveFromPhysmem } from './pieces.ts';

/** physmem maps from its own large fpages and revokes by unmapping exactly the allocation's pages: a partial unmap of its big node. */
export const directExact: Design = {
  name: 'direct-exact',
  summary: 'maps from physmem\'s own fpages; revokes by unmapping exactly the allocation (a partial unmap)',
  supports: () => true,
  symmetric: true,
  start: stateless((ctx) => ({
    serve: serveFromPhysmem(ctx),
    revoke: (_client, alloc) => void ctx.kernel.unmap(ctx.physmem, alloc.fpage, false),
    free: (alloc) => void ctx.kernel.unmap(ctx.physmem, alloc.fpage, false),
  })),
};
