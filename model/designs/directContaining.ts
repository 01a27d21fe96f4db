import { virtualOf } from '../kernel/index.ts';
import type { Allocation } from '../world/allocations.ts';
import { stateless, type Design, type ServerContext } from './design.ts';
import { serveFromPhysmem } from './pieces.ts';

/** Unmaps each whole fpage physmem holds around the allocation: never partial, but it takes every neighbour's mappings too. */
function unmapContaining(ctx: ServerContext, alloc: Allocation): void {
  for (const n of ctx.kernel.nodes(ctx.physmem, alloc.fpage)) ctx.kernel.unmap(ctx.physmem, virtualOf(n), false);
}

export const directContaining: Design = {
  name: 'direct-containing',
  summary: 'maps from physmem\'s own fpages; revokes by unmapping the whole containing fpage physmem holds',
  supports: () => true,
  symmetric: true,
  start: stateless((ctx) => ({
    serve: serveFromPhysmem(ctx),
    revoke: (_client, alloc) => unmapContaining(ctx, alloc),
    free: (alloc) => unmapContaining(ctx, alloc),
  })),
};
