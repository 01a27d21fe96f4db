import type { KernelEffect } from './effects.ts';
import type { Kernel } from './kernel.ts';
import type { MapNode, TaskId } from './mapdb.ts';

/**
 * Conservation of a map or grant: every page the sender had mapped, in the send fpage or beside
 * it in the same node, is afterwards still the sender's (to the same frame) or, if it lay in the
 * send fpage, the receiver's at the corresponding place. The one loss a kernel may cause is the
 * derivation rule: a sender's page that derived from a receiver mapping the call replaced goes
 * with it (a map onto the source's own ancestor). Judged from the sender's nodes as `Kernel`
 * recorded them before the engine ran, so it holds every engine to the same account. Returns the
 * first page lost, or null. Pure.
 */
export function conservationBreach(k: Kernel, e: KernelEffect): string | null {
  const t = e.transfer;
  if (!t || e.refused) return null;
  for (const src of t.sources) {
    const now = k.db.get(src.id);
    // Untouched: still the sender's, at the same place, so every page of it is held.
    if (now && now.task === t.s && now.vbase === src.vbase && now.order === src.order) continue;
    if (e.removed.some((r) => r.node.id === src.id && r.ancestry.includes(t.r))) continue;
    for (let i = 0; i < 2 ** src.order; i++) {
      const page = src.vbase + i;
      const frame = src.frame + i;
      if (maps(k, t.s, page, frame)) continue;
      const inSend = page >= t.send.base && page < t.send.base + 2 ** t.send.order;
      if (inSend && maps(k, t.r, t.rcvBase + (page - t.send.base), frame)) continue;
      return `${t.kind} ${t.s} -> ${t.r}: frame ${frame}, mapped at page ${page} of ${t.s} before, is held by neither ${t.s}${inSend ? ` nor ${t.r} (at page ${t.rcvBase + (page - t.send.base)})` : ''} after`;
    }
  }
  return null;
}

function maps(k: Kernel, task: TaskId, page: number, frame: number): boolean {
  if (!k.db.hasTask(task)) return false;
  const top = 2 ** k.db.spaceOrder(task)!;
  if (page >= top) return false;
  const n: MapNode | undefined = k.db.inSpace(task, { base: page, order: 0 })[0];
  return n !== undefined && n.frame + (page - n.vbase) === frame;
}
