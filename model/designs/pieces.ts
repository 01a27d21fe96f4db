import { alignmentOrder } from '../kernel/index.ts';
import type { Exhausted, MapRequest, ServerContext } from './design.ts';

/** One aligned piece of a request: frames at `frame`, placed at `vaddr`, both aligned to `2^order`. */
export interface Piece {
  readonly frame: number;
  readonly vaddr: number;
  readonly order: number;
}

/**
 * Cuts frames `[frame, frame + 2^order)` placed at the aligned `vaddr` into the largest pieces
 * the kernel can map: a misaligned frame start limits every piece to its alignment. Pure.
 * @example
 * piecesOf(5, 2, 8) // [{ frame: 5, vaddr: 8, order: 0 }, { frame: 6, vaddr: 9, order: 0 }, ...]: 16 KiB at an odd frame goes as four pages
 * for (const p of piecesOf(req.frame, req.order, req.vaddr)) ctx.kernel.map(ctx.physmem, { base: p.frame, order: p.order }, ctx.client(req.client), p.vaddr, req.rights);
 */
export function piecesOf(frame: number, order: number, vaddr: number): Piece[] {
  const o = Math.min(order, alignmentOrder(frame, order));
  const out: Piece[] = [];
  for (let i = 0; i < 2 ** order; i += 2 ** o) out.push({ frame: frame + i, vaddr: vaddr + i, order: o });
  return out;
}

/** physmem maps the request straight from its identity-mapped fpages into the client. */
export function mapFromPhysmem(ctx: ServerContext, req: MapRequest): void {
  for (const p of piecesOf(req.frame, req.order, req.vaddr)) {
    ctx.kernel.map(ctx.physmem, { base: p.frame, order: p.order }, ctx.client(req.client), p.vaddr, req.rights);
  }
}

/** A `serve` that maps from physmem directly; direct mapping never runs out of space. */
export const serveFromPhysmem =
  (ctx: ServerContext) =>
  (req: MapRequest): Exhausted | null => {
    mapFromPhysmem(ctx, req);
    return null;
  };
