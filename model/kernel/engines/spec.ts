import { match } from 'ts-pattern';
import { contains, endOf, intersect, isAligned, showFpage, type Fpage } from '../fpage.ts';
import type { KernelBranch, KernelEffect } from '../effects.ts';
import type { EngineElement, KernelEngine, Transfer } from '../engine.ts';
import type { Kernel } from '../kernel.ts';
import { virtualOf, type MapNode, type TaskId } from '../mapdb.ts';
import type { KernelChoices, PartialMode, SpecProfile } from '../profiles.ts';
import { Revoker } from '../revoke.ts';
import { RWX, type Rights } from '../rights.ts';

/**
 * The spec-level kernels (`split`, `ignore`, `whole`, `overlapping`, `inner`, `x2`, `extended`):
 * X.2 as SPEC.md reads the manual. Nodes are the fpages as sent; every rule in which these
 * kernels differ is a field of the profile, and `x2`'s nondeterministic ones are read from the
 * call's choices. The engine has no state of its own.
 */
export class SpecEngine implements KernelEngine {
  constructor(private readonly profile: SpecProfile) {}

  clone(): KernelEngine {
    return this;
  }

  taskCreated(): void {}

  *elements(): Iterable<EngineElement> {}

  databaseSlot(): null {
    return null;
  }

  transferRefusal(k: Kernel, t: Transfer): string | null {
    const sendRange = rangeIn(k, t.s, t.send);
    if (typeof sendRange === 'string') return sendRange;
    const target = rangeIn(k, t.r, { base: t.rcvBase, order: t.send.order });
    if (typeof target === 'string') return target;
    if (t.kind === 'grant' && k.db.inSpace(t.s, sendRange).some((n) => !contains(t.send, virtualOf(n)))) {
      return 'partial-grant: the send fpage would split a mapping (left out of the model)';
    }
    return null;
  }

  unmapRefusal(k: Kernel, task: TaskId, fp: Fpage): string | null {
    const range = rangeIn(k, task, fp);
    return typeof range === 'string' ? range : null;
  }

  transfer(k: Kernel, t: Transfer, effect: KernelEffect, choices: KernelChoices): void {
    const sources = k.db.inSpace(t.s, t.send);
    const rv = new Revoker(k.db, effect);
    for (const src of sources) {
      const n = k.db.get(src.id);
      if (!n) continue;
      const piece = intersect(virtualOf(n), t.send)!;
      const to: Fpage = { base: t.rcvBase + (piece.base - t.send.base), order: piece.order };
      this.place(k, t.kind, rv, effect, n, to, n.frame + (piece.base - n.vbase), t.rights, t.r, choices);
    }
  }

  /** Maps (or grants) one piece: frames `[frame, frame + 2^to.order)` of sender node `n` at `to` in R. */
  private place(k: Kernel, kind: 'map' | 'grant', rv: Revoker, effect: KernelEffect, n: MapNode, to: Fpage, frame: number, rights: Rights, r: TaskId, choices: KernelChoices): void {
    const granted = n.rights & rights;
    if (granted === 0) {
      effect.branches.push('map.no-rights');
      return;
    }
    if (!this.clearLarger(k, rv, effect, r, to, choices)) return;
    const here = k.db.inSpace(r, to);
    const exact = here.find((e) => e.vbase === to.base && e.order === to.order);
    if (kind === 'map' && exact && exact.frame === frame) {
      effect.branches.push('map.rights-upgrade');
      if (exact.parent !== n.id) effect.skipped.push({ task: r, virtual: to, cause: 'kept' });
      // The node keeps its parent, so its rights never pass the parent's.
      const cap = exact.parent === null ? RWX : (k.db.get(exact.parent)?.rights ?? RWX);
      const next = exact.rights | (granted & cap);
      if (next !== exact.rights) effect.changed.push(k.db.update(exact.id, { rights: next }));
      return;
    }
    if (here.length > 0) effect.branches.push('map.overmap-smaller');
    for (const o of here) rv.removeSubtree(o.id, 'overmap');
    if (!k.db.has(n.id)) {
      effect.branches.push('map.sender-lost');
      return;
    }
    if (kind === 'map') {
      effect.branches.push('map.new');
      rv.create({ task: r, vbase: to.base, order: to.order, frame, rights: granted, parent: n.id });
    } else {
      effect.branches.push('grant.move');
      effect.changed.push(k.db.update(n.id, { task: r, vbase: to.base, rights: granted }));
      maskSubtree(k, n.id, granted, effect);
    }
  }

  /** Applies the larger-overmap rule; false when this piece is skipped. */
  private clearLarger(k: Kernel, rv: Revoker, effect: KernelEffect, r: TaskId, to: Fpage, choices: KernelChoices): boolean {
    const larger = k.db.inSpace(r, to).filter((e) => e.order > to.order);
    if (larger.length === 0) return true;
    const rule = this.profile.largerOvermap;
    const choice = rule === 'choose' ? choices.largerOvermap() : rule;
    if (choice === 'skip') {
      effect.branches.push('map.overmap-larger-skip');
      effect.skipped.push({ task: r, virtual: to, cause: 'larger' });
      return false;
    }
    effect.branches.push('map.overmap-larger-replace');
    for (const e of larger) rv.removeSubtree(e.id, 'overmap');
    return true;
  }

  unmap(k: Kernel, t: TaskId, fp: Fpage, flush: boolean, effect: KernelEffect, choices: KernelChoices): void {
    const range = fp;
    const rv = new Revoker(k.db, effect);
    const own = k.db.inSpace(t, range);
    if (own.length === 0) effect.branches.push('unmap.nothing-mapped');
    const cause = flush ? 'flush' : 'revoke';
    for (const n of own) {
      // An earlier node's revocation may have taken this one (T's node can derive from another of T's).
      const node = k.db.get(n.id);
      if (!node) continue;
      if (contains(range, virtualOf(node))) {
        effect.branches.push('unmap.whole-node');
        rv.removeDescendants(node.id, cause);
        if (flush) rv.removeSubtree(node.id, cause);
        continue;
      }
      const rule = flush ? this.profile.partial.flush : this.profile.partial.unmap;
      const mode: PartialMode = rule === 'choose' ? choices.partialUnmap() : rule;
      effect.branches.push(PARTIAL_BRANCH[mode]);
      const cov = coveredFrames(node, range);
      match(mode)
        .with('whole', () => {
          rv.removeDescendants(node.id, cause);
          if (flush) rv.removeSubtree(node.id, cause);
        })
        .with('overlapping', () => (flush ? rv.removeSubtree(node.id, cause) : rv.removeMeeting(node.id, cov, cause)))
        .with('inner', () => rv.removeInner(node.id, cov, cause))
        .with('ignore', () => undefined)
        .with('split', () => (flush ? rv.split(node, cov, null, cause) : rv.revokeRange(node, cov, null, cause)))
        .exhaustive();
    }
  }

  unmapIn(k: Kernel, t: TaskId, fp: Fpage, target: TaskId, effect: KernelEffect): void {
    const rv = new Revoker(k.db, effect);
    for (const n of k.db.inSpace(t, fp)) {
      const node = k.db.get(n.id);
      if (!node) continue;
      effect.branches.push('unmapIn.revoke');
      rv.revokeRange(node, coveredFrames(node, fp), target, 'revoke');
    }
  }
}

/** Why `f` is no range of T's space: unaligned, or reaching past the space (the spec-level kernels refuse oversized fpages). */
function rangeIn(k: Kernel, t: TaskId, f: Fpage): Fpage | string {
  if (!isAligned(f.base, f.order)) return `fpage ${showFpage(f)} is not aligned to its size`;
  const top = k.db.spaceOrder(t)!;
  return endOf(f) <= 2 ** top ? f : `fpage ${showFpage(f)} lies outside ${t}'s space of 2^${top} pages`;
}

/** After a grant reduced a node's rights, no descendant may keep more. */
function maskSubtree(k: Kernel, id: number, mask: Rights, effect: KernelEffect): void {
  const stack = [...k.db.children(id)];
  while (stack.length > 0) {
    const c = k.db.get(stack.pop()!)!;
    if ((c.rights & mask) !== c.rights) effect.changed.push(k.db.update(c.id, { rights: c.rights & mask }));
    stack.push(...k.db.children(c.id));
  }
}

const PARTIAL_BRANCH: Record<PartialMode, KernelBranch> = {
  whole: 'unmap.partial-whole',
  overlapping: 'unmap.partial-overlapping',
  inner: 'unmap.partial-inner',
  ignore: 'unmap.partial-ignore',
  split: 'unmap.partial-split',
};

/** The frames behind the part of `fp` that `node` maps. */
export function coveredFrames(node: MapNode, fp: Fpage): Fpage {
  const piece = intersect(virtualOf(node), fp)!;
  return { base: node.frame + (piece.base - node.vbase), order: piece.order };
}
