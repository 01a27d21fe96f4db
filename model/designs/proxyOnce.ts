import { contains, isAligned, orderFor, virtualOf, type Fpage, type TaskId } from '../kernel/index.ts';
import type { Design, Server, ServerContext } from './design.ts';

/** The server over `proxy`: everything it knows is in the proxy's mappings, so it forks by rebinding and fingerprints empty. */
const overProxy = (ctx: ServerContext, proxy: TaskId): Server => ({
  serve: (req) => {
    const aligned = isAligned(req.frame, req.order);
    const step = aligned ? 2 ** req.order : 1;
    for (let i = 0; i < 2 ** req.order; i += step) {
      const f = { base: req.frame + i, order: aligned ? req.order : 0 };
      fill(ctx, proxy, f);
      ctx.kernel.map(proxy, f, ctx.client(req.client), req.vaddr + i, req.rights);
    }
    return null;
  },
  revoke: (_client, alloc) => void ctx.kernel.unmap(proxy, alloc.fpage, false),
  free: (alloc) => void ctx.kernel.unmap(proxy, alloc.fpage, true),
  fork: (c) => overProxy(c, proxy),
  fingerprint: () => '',
});

/**
 * One proxy that holds each frame at most once, at its own frame number. A request whose
 * frames are misaligned for its size is served as single pages.
 */
export const proxyOnce: Design = {
  name: 'proxy-once',
  summary: 'one proxy holds each frame at most once; misaligned requests fall back to 4 KiB pieces',
  supports: () => true,
  symmetric: true,
  start: (ctx) => overProxy(ctx, ctx.createTask('proxy', orderFor(ctx.config.memoryPages))),
};

/** Maps from physmem only the parts of `f` the proxy does not hold yet, so no frame is mapped twice. */
function fill(ctx: ServerContext, proxy: string, f: Fpage): void {
  if (ctx.kernel.free(proxy, f)) {
    ctx.kernel.map(ctx.physmem, f, proxy, f.base);
    return;
  }
  if (f.order === 0 || ctx.kernel.nodes(proxy, f).some((n) => contains(virtualOf(n), f))) return;
  fill(ctx, proxy, { base: f.base, order: f.order - 1 });
  fill(ctx, proxy, { base: f.base + 2 ** (f.order - 1), order: f.order - 1 });
}
