/* Transitional: the rule-table kernel that the pistachio profile ran on before it had an engine of its own. */
import { match } from 'ts-pattern';
import { contains, endOf, intersect, isAligned, MAX_ORDER, showFpage, type Fpage } from '../fpage.ts';
import { emptyEffect, type KernelBranch, type KernelEffect } from '../effects.ts';
import type { EngineElement, KernelEngine, Transfer } from '../engine.ts';
import type { Kernel } from '../kernel.ts';
import { virtualOf, type MapNode, type TaskId } from '../mapdb.ts';
import type { KernelChoices } from '../profiles.ts';
import { SIGMA0 } from '../mapdb.ts';
type PartialMode = 'whole' | 'overlapping' | 'inner' | 'ignore' | 'split' | 'stride';
import { Revoker } from '../revoke.ts';
import { RWX, showRights, type Rights } from '../rights.ts';

type Refusal = string;
const P = {
  name: 'pistachio', granularity: 'hardware', partial: { unmap: 'stride', flush: 'whole' }, largerOvermap: 'skip', smallerOvermap: 'replace',
  pieceOverExisting: 'skip', sameFrame: 'frame', partialGrant: 'refuse', oversize: 'clamp', unmapIn: false,
} as { name: string; granularity: string; partial: { unmap: PartialMode; flush: PartialMode }; largerOvermap: 'skip' | 'replace' | 'choose'; smallerOvermap: string; pieceOverExisting: string; sameFrame: string; partialGrant: string; oversize: string; unmapIn: boolean };

class Legacy {
  constructor(private readonly k: Kernel) {}
  /** Maps the part of `send` that S has into R at `rcvBase`, as children of S's nodes. */
  map(s: TaskId, send: Fpage, r: TaskId, rcvBase: number, rights: Rights, choices: KernelChoices): KernelEffect {
    return this.transfer('map', s, send, r, rcvBase, rights, choices);
  }

  /** Moves S's nodes inside `send` to R at `rcvBase`, keeping their identity and subtrees. */
  grant(s: TaskId, send: Fpage, r: TaskId, rcvBase: number, rights: Rights, choices: KernelChoices): KernelEffect {
    return this.transfer('grant', s, send, r, rcvBase, rights, choices);
  }

  /** Revokes everything derived from T's mappings in `fp`; with `flush`, T's own mappings too. */
  unmap(t: TaskId, fp: Fpage, flush: boolean, choices: KernelChoices): KernelEffect {
    const effect = emptyEffect(`${flush ? 'flush' : 'unmap'}(${t}, ${showFpage(fp)})`);
    const range = this.badTask(t) ?? this.rangeIn(t, fp, effect, 'unmap.clamped');
    if (typeof range === 'string') return refuse(effect, range);
    const rv = new Revoker(this.k.db, effect);
    const own = range ? this.k.db.inSpace(t, range) : [];
    if (own.length === 0) effect.branches.push('unmap.nothing-mapped');
    const cause = flush ? 'flush' : 'revoke';
    for (const n of own) {
      // An earlier node's revocation may have taken this one (T's node can derive from another of T's).
      const node = this.k.db.get(n.id);
      if (!node || !range) continue;
      if (contains(range, virtualOf(node))) {
        effect.branches.push('unmap.whole-node');
        rv.removeDescendants(node.id, cause);
        if (flush) rv.removeSubtree(node.id, cause);
        continue;
      }
      const mode = this.partialMode(flush, choices);
      effect.branches.push(PARTIAL_BRANCH[mode]);
      const cov = coveredFrames(node, range);
      match(mode)
        .with('whole', () => {
          rv.removeDescendants(node.id, cause);
          if (flush) rv.removeSubtree(node.id, cause);
        })
        // kernkonzept/fiasco src/kern/mapdb.cpp Mapdb::flush: descendants within the range go, partially
        // overlapping ones entirely; with self_unmap the whole mapping goes with all its descendants.
        .with('overlapping', () => (flush ? rv.removeSubtree(node.id, cause) : rv.removeMeeting(node.id, cov, cause)))
        .with('inner', () => rv.removeInner(node.id, cov, cause))
        .with('ignore', () => undefined)
        .with('split', () => (flush ? rv.split(node, cov, null, cause) : rv.revokeRange(node, cov, null, cause)))
        .with('stride', () => (flush ? rv.removeSubtree(node.id, cause) : this.unmapStride(rv, t, range)))
        .exhaustive();
    }
    return effect;
  }

  /**
   * Pistachio's default build unmapping `fp`, smaller than a superpage, out of a superpage the
   * caller holds (l4ka/pistachio kernel/src/generic/linear_ptab_walker.cc `space_t::mapctrl`
   * with kernel/src/generic/mapping.cc `mdb_flush`, CONFIG_NEW_MDB off). `mapctrl` counts the
   * fpage's base pages but, finding a superpage entry, steps to the next superpage entry for
   * each count; `mdb_flush` then revokes only the base-page mappings derived at the fpage's
   * offset in that superpage (`rcnt = 1`). Where an entry is a page table of base pages, the walk
   * goes on base page by base page for the rest of the count; at an empty entry it stops.
   */
  private unmapStride(rv: Revoker, t: TaskId, fp: Fpage): void {
    const S = this.k.superpageOrder;
    const top = 2 ** this.k.db.spaceOrder(t)!;
    let count = 2 ** fp.order;
    for (let vaddr = fp.base; count > 0 && vaddr < top; vaddr += 2 ** S, count--) {
      const slot: Fpage = { base: vaddr - (vaddr % 2 ** S), order: S };
      const nodes = this.k.db.inSpace(t, slot);
      const big = nodes.find((n) => n.order >= S);
      if (big) {
        const frame = big.frame + (vaddr - big.vbase);
        for (const c of [...this.k.db.children(big.id)]) {
          const child = this.k.db.get(c);
          if (child && child.order < S && child.frame === frame) rv.removeSubtree(child.id, 'revoke');
        }
        continue;
      }
      if (nodes.length === 0) return;
      for (let p = vaddr; p < vaddr + count && p < endOf(slot); p++) {
        for (const b of this.k.db.inSpace(t, { base: p, order: 0 })) rv.removeDescendants(b.id, 'revoke');
      }
      return;
    }
  }

  /**
   * The `extended` kernel's call: revokes, with split semantics, only the mappings derived
   * from T's mappings in `fp` that live in `target`, and what derives from them. T keeps its own.
   */
  unmapIn(t: TaskId, fp: Fpage, target: TaskId): KernelEffect {
    const effect = emptyEffect(`unmapIn(${t}, ${showFpage(fp)}, ${target})`);
    if (!P.unmapIn) return refuse(effect, `the ${P.name} kernel has no unmapIn`);
    const range = this.badTask(t) ?? this.badTask(target) ?? this.rangeIn(t, fp, effect, 'unmap.clamped');
    if (typeof range === 'string') return refuse(effect, range);
    const rv = new Revoker(this.k.db, effect);
    for (const n of range ? this.k.db.inSpace(t, range) : []) {
      const node = this.k.db.get(n.id);
      if (!node || !range) continue;
      effect.branches.push('unmapIn.revoke');
      rv.revokeRange(node, coveredFrames(node, range), target, 'revoke');
    }
    return effect;
  }

  transfer(
    kind: 'map' | 'grant',
    s: TaskId,
    send: Fpage,
    r: TaskId,
    rcvBase: number,
    rights: Rights,
    choices: KernelChoices,
  ): KernelEffect {
    const effect = emptyEffect(`${kind}(${s} ${showFpage(send)} -> ${r} @${rcvBase}, ${showRights(rights)})`);
    const bad =
      this.badTask(s) ??
      this.badTask(r) ??
      (s === r ? 'sender and receiver are the same task' : null) ??
      (r === SIGMA0 ? 'sigma0 receives no mappings' : null) ??
      (kind === 'grant' && s === SIGMA0 ? 'sigma0 grants nothing: its roots stay' : null) ??
      ((rights & RWX) === 0 || rights !== (rights & RWX) ? `rights ${rights} are not a non-empty subset of rwx` : null);
    if (bad) return refuse(effect, bad);
    const sendRange = this.rangeIn(s, send, effect, 'map.clamped');
    if (typeof sendRange === 'string') return refuse(effect, sendRange);
    const target: Fpage = { base: rcvBase, order: send.order };
    const rcvBad = this.rangeIn(r, target, effect, 'map.clamped');
    if (typeof rcvBad === 'string') return refuse(effect, rcvBad);
    const sources = sendRange ? this.k.db.inSpace(s, sendRange) : [];
    if (kind === 'grant' && P.partialGrant === 'refuse' && sources.some((n) => !contains(send, virtualOf(n)))) {
      return refuse(effect, 'partial-grant: the send fpage would split a mapping (left out of the model)');
    }
    const rv = new Revoker(this.k.db, effect);
    const top = 2 ** this.k.db.spaceOrder(r)!;
    let mode = kind;
    for (const src of sources) {
      const n = this.k.db.get(src.id);
      if (!n) continue;
      const piece = intersect(virtualOf(n), send)!;
      const unit = this.unitOrder(piece.order);
      for (let off = 0; off < 2 ** piece.order; off += 2 ** unit) {
        const to: Fpage = { base: rcvBase + (piece.base - send.base) + off, order: unit };
        // Fiasco and Pistachio stop at the end of the receiver's space (see PROFILE_SOURCES oversize).
        if (endOf(to) > top) continue;
        const frame = n.frame + (piece.base - n.vbase) + off;
        if (mode === 'grant' && unit < n.order) {
          // kernkonzept/fiasco src/kern/map_util.cpp map(): "Can't GRANT page from superpage ... demoting to MAP", for the rest of the call.
          effect.branches.push('grant.demoted');
          mode = 'map';
        }
        // kernkonzept/fiasco src/kern/map_util.cpp map(): a superpage is lowered to base pages where the receiver already holds smaller mappings.
        if (P.smallerOvermap === 'cut' && unit > 0 && this.k.db.inSpace(r, to).some((e) => e.order < unit)) {
          effect.branches.push('map.cut-to-pages');
          for (let p = 0; p < 2 ** unit; p++) this.place(mode, rv, effect, n, { base: to.base + p, order: 0 }, frame + p, rights, r, choices);
          continue;
        }
        this.place(mode, rv, effect, n, to, frame, rights, r, choices);
      }
    }
    return effect;
  }

  /** The order of the nodes one piece of a send becomes: the piece itself, or the largest hardware page that fits it. */
  private unitOrder(pieceOrder: number): number {
    if (P.granularity === 'fpage') return pieceOrder;
    // l4ka/pistachio linear_ptab_walker.cc map_fpage: the largest hardware page size not above the send; kernkonzept/fiasco map_util.cpp map(): to_fit_size.
    return pieceOrder >= this.k.superpageOrder ? this.k.superpageOrder : 0;
  }

  /** Maps (or grants) one unit: frames `[frame, frame + 2^to.order)` of sender node `n` at `to` in R. */
  private place(kind: 'map' | 'grant', rv: Revoker, effect: KernelEffect, n: MapNode, to: Fpage, frame: number, rights: Rights, r: TaskId, choices: KernelChoices): void {
    const granted = n.rights & rights;
    if (granted === 0) {
      effect.branches.push('map.no-rights');
      return;
    }
    if (!this.clearLarger(rv, effect, r, to, choices)) return;
    const here = this.k.db.inSpace(r, to);
    const exact = here.find((e) => e.vbase === to.base && e.order === to.order);
    if (kind === 'map' && exact && exact.frame === frame && (P.sameFrame === 'frame' || exact.parent === n.id)) {
      effect.branches.push('map.rights-upgrade');
      if (exact.parent !== n.id) effect.skipped.push({ task: r, virtual: to, cause: 'kept' });
      // The node keeps its parent, so its rights never pass the parent's.
      const cap = exact.parent === null ? RWX : (this.k.db.get(exact.parent)?.rights ?? RWX);
      const next = exact.rights | (granted & cap);
      if (next !== exact.rights) effect.changed.push(this.k.db.update(exact.id, { rights: next }));
      return;
    }
    // l4ka/pistachio linear_ptab_walker.cc map_fpage: a piece of a larger sender page onto another frame's mapping: "Mapping already exists", skipped.
    if (exact && exact.frame !== frame && P.pieceOverExisting === 'skip' && n.parent !== null && to.order < n.order) {
      effect.branches.push('map.exists-skip');
      effect.skipped.push({ task: r, virtual: to, cause: 'exists' });
      return;
    }
    if (here.length > 0) effect.branches.push('map.overmap-smaller');
    for (const o of here) rv.removeSubtree(o.id, 'overmap');
    if (!this.k.db.has(n.id)) {
      effect.branches.push('map.sender-lost');
      return;
    }
    if (kind === 'map') {
      effect.branches.push('map.new');
      rv.create({ task: r, vbase: to.base, order: to.order, frame, rights: granted, parent: n.id });
    } else {
      effect.branches.push('grant.move');
      effect.changed.push(this.k.db.update(n.id, { task: r, vbase: to.base, rights: granted }));
      this.maskSubtree(n.id, granted, effect);
    }
  }

  /** Applies the larger-overmap rule; false when this piece is skipped. */
  private clearLarger(rv: Revoker, effect: KernelEffect, r: TaskId, to: Fpage, choices: KernelChoices): boolean {
    const larger = this.k.db.inSpace(r, to).filter((e) => e.order > to.order);
    if (larger.length === 0) return true;
    const rule = P.largerOvermap;
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

  /** After a grant reduced a node's rights, no descendant may keep more. */
  private maskSubtree(id: number, mask: Rights, effect: KernelEffect): void {
    const stack = [...this.k.db.children(id)];
    while (stack.length > 0) {
      const c = this.k.db.get(stack.pop()!)!;
      if ((c.rights & mask) !== c.rights) effect.changed.push(this.k.db.update(c.id, { rights: c.rights & mask }));
      stack.push(...this.k.db.children(c.id));
    }
  }

  private partialMode(flush: boolean, choices: KernelChoices): PartialMode {
    const rule = flush ? P.partial.flush : P.partial.unmap;
    return rule;
  }

  private badTask(t: TaskId): string | null {
    return this.k.db.hasTask(t) ? null : `no task ${t}`;
  }

  /**
   * The part of `f` that lies in T's space: `f` itself, the whole space when `f` is larger, or
   * null when `f` lies past it. A profile that refuses oversized fpages returns the reason instead.
   */
  private rangeIn(t: TaskId, f: Fpage, effect: KernelEffect, clamped: KernelBranch): Fpage | null | Refusal {
    if (!Number.isSafeInteger(f.base) || !Number.isInteger(f.order) || f.base < 0 || f.order < 0 || f.order > MAX_ORDER) return `fpage ${showFpage(f)} is malformed`;
    if (!isAligned(f.base, f.order)) return `fpage ${showFpage(f)} is not aligned to its size`;
    const top = this.k.db.spaceOrder(t)!;
    if (endOf(f) <= 2 ** top) return f;
    if (P.oversize === 'refuse') return `fpage ${showFpage(f)} lies outside ${t}'s space of 2^${top} pages`;
    effect.branches.push(clamped);
    return f.base === 0 ? { base: 0, order: top } : null;
  }
}

const PARTIAL_BRANCH: Record<PartialMode, KernelBranch> = {
  whole: 'unmap.partial-whole',
  overlapping: 'unmap.partial-overlapping',
  inner: 'unmap.partial-inner',
  ignore: 'unmap.partial-ignore',
  split: 'unmap.partial-split',
  stride: 'unmap.partial-stride',
};

function coveredFrames(node: MapNode, fp: Fpage): Fpage {
  const piece = intersect(virtualOf(node), fp)!;
  return { base: node.frame + (piece.base - node.vbase), order: piece.order };
}

function refuse(effect: KernelEffect, reason: string): KernelEffect {
  effect.branches.push('refused');
  return { ...effect, refused: reason, branches: ['refused'], created: [], removed: [], lost: [], changed: [], skipped: [] };
}

function copyInto(to: KernelEffect, from: KernelEffect): void {
  for (const key of ['created', 'removed', 'lost', 'changed', 'skipped', 'branches'] as const) (to[key] as unknown[]).push(...(from[key] as unknown[]));
}

export class LegacyPistachioEngine implements KernelEngine {
  clone(): KernelEngine { return this; }
  taskCreated(): void {}
  *elements(): Iterable<EngineElement> {}
  databaseSlot(): null { return null; }
  transferRefusal(k: Kernel, t: Transfer): string | null {
    const c = k.clone();
    const e = new Legacy(c).transfer(t.kind, t.s, t.send, t.r, t.rcvBase, t.rights, { partialUnmap: () => 'whole', largerOvermap: () => 'skip' });
    return e.refused;
  }
  unmapRefusal(k: Kernel, task: TaskId, fp: Fpage): string | null {
    const c = k.clone();
    return new Legacy(c).unmap(task, fp, false, { partialUnmap: () => 'whole', largerOvermap: () => 'skip' }).refused;
  }
  transfer(k: Kernel, t: Transfer, effect: KernelEffect, choices: KernelChoices): void {
    copyInto(effect, new Legacy(k).transfer(t.kind, t.s, t.send, t.r, t.rcvBase, t.rights, choices));
  }
  unmap(k: Kernel, task: TaskId, fp: Fpage, flush: boolean, effect: KernelEffect, choices: KernelChoices): void {
    copyInto(effect, new Legacy(k).unmap(task, fp, flush, choices));
  }
}
