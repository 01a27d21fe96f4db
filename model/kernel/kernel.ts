import { match } from 'ts-pattern';
import { contains, decompose, endOf, intersect, isAligned, MAX_ORDER, showFpage, type Fpage } from './fpage.ts';
import { emptyEffect, type KernelBranch, type KernelEffect } from './effects.ts';
import { MappingDatabase, SIGMA0, virtualOf, type MapNode, type TaskId } from './mapdb.ts';
import { profile as profileOf, type KernelChoices, type KernelProfile, type PartialMode, type ProfileName } from './profiles.ts';
import { Revoker } from './revoke.ts';
import { RWX, showRights, type Rights } from './rights.ts';

/** Smallest order whose fpage holds `pages` pages. */
export const orderFor = (pages: number): number => Math.max(0, Math.ceil(Math.log2(pages)));

/**
 * The L4 X.2 kernel model: sigma0's identity roots, the mapping database and the four
 * operations `map`, `grant`, `unmap` (with or without flush) and `unmapIn`. Deterministic:
 * every nondeterministic kernel decision is read from the `KernelChoices` passed in, and every
 * call returns its effect as data. A refused call changes nothing.
 */
export class Kernel {
  readonly db: MappingDatabase;
  readonly profile: KernelProfile;
  /** sigma0's root node ids, in address order: they never change. */
  readonly roots: readonly number[];

  constructor(
    readonly memoryPages: number,
    profileName: ProfileName,
  ) {
    if (!Number.isSafeInteger(memoryPages) || memoryPages < 1 || memoryPages > 2 ** MAX_ORDER) {
      throw new RangeError(`memory of ${memoryPages} pages is not a whole number of pages in 1..2^${MAX_ORDER}`);
    }
    this.profile = profileOf(profileName);
    this.db = new MappingDatabase(orderFor(memoryPages));
    this.db.addTask(SIGMA0, orderFor(memoryPages));
    this.roots = decompose(0, memoryPages).map(
      (f) => this.db.add({ task: SIGMA0, vbase: f.base, order: f.order, frame: f.base, rights: RWX, parent: null }).id,
    );
  }

  /** Creates an empty address space of `2^spaceOrder` pages. */
  createTask(task: TaskId, spaceOrder: number): void {
    this.db.addTask(task, spaceOrder);
  }

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
    const bad = this.badTask(t) ?? this.badRange(t, fp);
    if (bad) return refuse(effect, bad);
    const rv = new Revoker(this.db, effect);
    const own = this.db.inSpace(t, fp);
    if (own.length === 0) effect.branches.push('unmap.nothing-mapped');
    for (const n of own) {
      const node = this.db.get(n.id);
      if (!node) continue;
      const cov = coveredFrames(node, fp);
      const cause = flush ? 'flush' : 'revoke';
      if (contains(fp, virtualOf(node))) {
        effect.branches.push('unmap.whole-node');
        rv.removeDescendants(node.id, cause);
        if (flush) rv.removeSubtree(node.id, cause);
        continue;
      }
      const mode = this.partialMode(flush, choices);
      effect.branches.push(PARTIAL_BRANCH[mode]);
      match(mode)
        .with('whole', () => {
          rv.removeDescendants(node.id, cause);
          if (flush) rv.removeSubtree(node.id, cause);
        })
        .with('inner', () => rv.removeInner(node.id, cov, cause))
        .with('ignore', () => undefined)
        .with('split', () => (flush ? rv.split(node, cov, null, cause) : rv.revokeRange(node, cov, null, cause)))
        .exhaustive();
    }
    return effect;
  }

  /**
   * The `extended` kernel's call: revokes, with split semantics, only the mappings derived
   * from T's mappings in `fp` that live in `target`, and what derives from them. T keeps its own.
   */
  unmapIn(t: TaskId, fp: Fpage, target: TaskId): KernelEffect {
    const effect = emptyEffect(`unmapIn(${t}, ${showFpage(fp)}, ${target})`);
    if (!this.profile.unmapIn) return refuse(effect, `the ${this.profile.name} kernel has no unmapIn`);
    const bad = this.badTask(t) ?? this.badTask(target) ?? this.badRange(t, fp);
    if (bad) return refuse(effect, bad);
    const rv = new Revoker(this.db, effect);
    for (const n of this.db.inSpace(t, fp)) {
      const node = this.db.get(n.id);
      if (!node) continue;
      effect.branches.push('unmapIn.revoke');
      rv.revokeRange(node, coveredFrames(node, fp), target, 'revoke');
    }
    return effect;
  }

  private transfer(
    kind: 'map' | 'grant',
    s: TaskId,
    send: Fpage,
    r: TaskId,
    rcvBase: number,
    rights: Rights,
    choices: KernelChoices,
  ): KernelEffect {
    const effect = emptyEffect(`${kind}(${s} ${showFpage(send)} -> ${r} @${rcvBase}, ${showRights(rights)})`);
    const target: Fpage = { base: rcvBase, order: send.order };
    const sources = this.badTask(s) || this.badTask(r) ? [] : this.db.inSpace(s, send);
    const bad =
      this.badTask(s) ??
      this.badTask(r) ??
      this.badRange(s, send) ??
      this.badRange(r, target) ??
      (s === r ? 'sender and receiver are the same task' : null) ??
      (r === SIGMA0 ? 'sigma0 receives no mappings' : null) ??
      (kind === 'grant' && s === SIGMA0 ? 'sigma0 grants nothing: its roots stay' : null) ??
      ((rights & RWX) === 0 || rights !== (rights & RWX) ? `rights ${rights} are not a non-empty subset of rwx` : null) ??
      (kind === 'grant' && sources.some((n) => !contains(send, virtualOf(n)))
        ? 'partial-grant: the send fpage would split a mapping (left out of the model)'
        : null);
    if (bad) return refuse(effect, bad);
    const rv = new Revoker(this.db, effect);
    for (const src of sources) {
      const n = this.db.get(src.id);
      if (!n) continue;
      const piece = intersect(virtualOf(n), send)!;
      const to: Fpage = { base: rcvBase + (piece.base - send.base), order: piece.order };
      const frame = n.frame + (piece.base - n.vbase);
      const granted = n.rights & rights;
      if (granted === 0) {
        effect.branches.push('map.no-rights');
        continue;
      }
      if (!this.clearLarger(rv, effect, r, to, choices)) continue;
      if (kind === 'map') {
        const same = this.db.exactlyAt(r, to).find((e) => e.frame === frame && e.parent === n.id);
        if (same) {
          effect.branches.push('map.rights-upgrade');
          if ((same.rights | granted) !== same.rights) effect.changed.push(this.db.update(same.id, { rights: same.rights | granted }));
          continue;
        }
      }
      const overmapped = this.db.inSpace(r, to);
      if (overmapped.length > 0) effect.branches.push('map.overmap-smaller');
      for (const o of overmapped) rv.removeSubtree(o.id, 'overmap');
      if (!this.db.has(n.id)) {
        effect.branches.push('map.sender-lost');
        continue;
      }
      if (kind === 'map') {
        effect.branches.push('map.new');
        rv.create({ task: r, vbase: to.base, order: to.order, frame, rights: granted, parent: n.id });
      } else {
        effect.branches.push('grant.move');
        effect.changed.push(this.db.update(n.id, { task: r, vbase: to.base, rights: granted }));
        this.maskSubtree(n.id, granted, effect);
      }
    }
    return effect;
  }

  /** Applies the larger-overmap rule; false when this piece is skipped. */
  private clearLarger(rv: Revoker, effect: KernelEffect, r: TaskId, to: Fpage, choices: KernelChoices): boolean {
    const larger = this.db.inSpace(r, to).filter((e) => e.order > to.order);
    if (larger.length === 0) return true;
    const rule = this.profile.largerOvermap;
    const choice = rule === 'choose' ? choices.largerOvermap() : rule;
    if (choice === 'skip') {
      effect.branches.push('map.overmap-larger-skip');
      return false;
    }
    effect.branches.push('map.overmap-larger-replace');
    for (const e of larger) rv.removeSubtree(e.id, 'overmap');
    return true;
  }

  /** After a grant reduced a node's rights, no descendant may keep more. */
  private maskSubtree(id: number, mask: Rights, effect: KernelEffect): void {
    const stack = [...this.db.children(id)];
    while (stack.length > 0) {
      const c = this.db.get(stack.pop()!)!;
      if ((c.rights & mask) !== c.rights) effect.changed.push(this.db.update(c.id, { rights: c.rights & mask }));
      stack.push(...this.db.children(c.id));
    }
  }

  private partialMode(flush: boolean, choices: KernelChoices): PartialMode {
    const rule = flush ? this.profile.partial.flush : this.profile.partial.unmap;
    return rule === 'choose' ? choices.partialUnmap() : rule;
  }

  private badTask(t: TaskId): string | null {
    return this.db.hasTask(t) ? null : `no task ${t}`;
  }

  private badRange(t: TaskId, f: Fpage): string | null {
    if (!Number.isSafeInteger(f.base) || !Number.isInteger(f.order) || f.base < 0 || f.order < 0) return `fpage ${showFpage(f)} is malformed`;
    if (!isAligned(f.base, f.order)) return `fpage ${showFpage(f)} is not aligned to its size`;
    const top = this.db.spaceOrder(t)!;
    if (endOf(f) > 2 ** top) return `fpage ${showFpage(f)} lies outside ${t}'s space of 2^${top} pages`;
    return null;
  }
}

const PARTIAL_BRANCH: Record<PartialMode, KernelBranch> = {
  whole: 'unmap.partial-whole',
  inner: 'unmap.partial-inner',
  ignore: 'unmap.partial-ignore',
  split: 'unmap.partial-split',
};

/** The frames behind the part of `fp` that `node` maps. */
function coveredFrames(node: MapNode, fp: Fpage): Fpage {
  const piece = intersect(virtualOf(node), fp)!;
  return { base: node.frame + (piece.base - node.vbase), order: piece.order };
}

function refuse(effect: KernelEffect, reason: string): KernelEffect {
  effect.branches.push('refused');
  return { ...effect, refused: reason };
}

