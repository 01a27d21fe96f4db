import { buddiesAround, contains, overlaps, type Fpage } from './fpage.ts';
import type { KernelEffect, RemovalCause } from './effects.ts';
import { framesOf, SIGMA0, type MapNode, type MappingDatabase, type TaskId } from './mapdb.ts';

/**
 * The revocation algorithms shared by unmap, flush, unmapIn and overmapping. Each works on
 * one operation's effect record, so every removal, split and re-parenting is reported.
 */
export class Revoker {
  constructor(
    private readonly db: MappingDatabase,
    private readonly effect: KernelEffect,
  ) {}

  /** True when `id` derives (strictly) from `ancestor`. */
  derivesFrom(id: number, ancestor: number): boolean {
    let p = this.db.get(id)?.parent ?? null;
    while (p !== null) {
      if (p === ancestor) return true;
      p = this.db.get(p)?.parent ?? null;
    }
    return false;
  }

  /** Removes a node and everything derived from it, in every task. sigma0's roots are never removed: of a root, only what derives from it goes. */
  removeSubtree(id: number, cause: RemovalCause): void {
    const top = this.db.get(id);
    if (!top) return;
    if (top.task === SIGMA0 && top.parent === null) return this.removeDescendants(id, cause);
    const order: Array<{ node: MapNode; ancestry: TaskId[] }> = [];
    const stack = [{ node: top, ancestry: this.db.ancestry(top) }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      order.push(item);
      const below = [item.node.task, ...item.ancestry];
      for (const c of this.db.children(item.node.id)) stack.push({ node: this.db.get(c)!, ancestry: below });
    }
    for (const { node, ancestry } of order) {
      this.effect.removed.push({ node, ancestry, cause });
      this.effect.lost.push({ node, task: node.task, virtual: { base: node.vbase, order: node.order }, frames: framesOf(node), ancestry, cause });
    }
    for (let i = order.length - 1; i >= 0; i--) this.db.remove(order[i]!.node.id);
  }

  /** Removes every node derived from `id`, keeping `id` itself. */
  removeDescendants(id: number, cause: RemovalCause): void {
    for (const c of [...this.db.children(id)]) this.removeSubtree(c, cause);
  }

  /** Removes, each with its subtree, the children of `id` whose frames meet `cov`; the others stay whole (nodes are never split). */
  removeMeeting(id: number, cov: Fpage, cause: RemovalCause): void {
    for (const c of [...this.db.children(id)]) {
      const child = this.db.get(c);
      if (child && overlaps(cov, framesOf(child))) this.removeSubtree(child.id, cause);
    }
  }

  /** Removes the descendants of `id` whose frames lie entirely inside `cov`; straddlers stay. */
  removeInner(id: number, cov: Fpage, cause: RemovalCause): void {
    const inside = this.db.onFrames(cov).filter((n) => contains(cov, framesOf(n)) && this.derivesFrom(n.id, id));
    for (const n of inside) this.removeSubtree(n.id, cause);
  }

  /**
   * Split-semantics revocation of the frames `cov` below `parent`: children inside `cov` go
   * with their subtrees, children straddling it are split. With a `target`, only nodes of
   * that task (and what derives from them) are hit; others are walked through untouched.
   */
  revokeRange(parent: MapNode, cov: Fpage, target: TaskId | null, cause: RemovalCause): void {
    for (const c of this.childrenMeeting(parent, cov)) {
      const child = this.db.get(c);
      if (!child) continue;
      const hit = target === null || child.task === target;
      const inside = contains(cov, framesOf(child));
      if (hit && inside) this.removeSubtree(child.id, cause);
      else if (hit) this.split(child, cov, null, cause);
      else this.revokeRange(child, cov, target, cause);
    }
  }

  /**
   * Splits `node`, whose frames strictly contain `cov`, into the aligned buddy pieces around
   * `cov`; the covered piece goes with all that derives from it, the other children move to
   * the piece that holds their frames. `parentPieces` are the pieces of a parent split in the
   * same operation.
   */
  split(node: MapNode, cov: Fpage, parentPieces: MapNode[] | null, cause: RemovalCause): void {
    if (node.task === SIGMA0 && node.parent === null) {
      this.revokeRange(node, cov, null, cause);
      return;
    }
    const pieces = buddiesAround(framesOf(node), cov).map((p) =>
      this.create({
        task: node.task,
        vbase: node.vbase + (p.base - node.frame),
        order: p.order,
        frame: p.base,
        rights: node.rights,
        parent: parentPieces ? pieceHolding(parentPieces, p).id : node.parent,
      }),
    );
    for (const c of [...this.db.children(node.id)]) {
      const child = this.db.get(c)!;
      const f = framesOf(child);
      if (contains(cov, f)) this.removeSubtree(child.id, cause);
      else if (pieces.some((p) => contains(framesOf(p), f))) {
        this.effect.changed.push(this.db.update(child.id, { parent: pieceHolding(pieces, f).id }));
      } else this.split(child, cov, pieces, cause);
    }
    const ancestry = this.db.ancestry(node);
    this.effect.removed.push({ node, ancestry, cause: 'split' });
    this.effect.lost.push({
      node,
      task: node.task,
      virtual: { base: node.vbase + (cov.base - node.frame), order: cov.order },
      frames: cov,
      ancestry,
      cause,
    });
    this.db.remove(node.id);
  }

  create(fields: Omit<MapNode, 'id'>): MapNode {
    const n = this.db.add(fields);
    this.effect.created.push(n);
    return n;
  }

  /** Children of `parent` whose frames meet `cov`, found through the frame index unless `cov` is all of it. */
  private childrenMeeting(parent: MapNode, cov: Fpage): number[] {
    if (cov.order >= parent.order) return [...this.db.children(parent.id)];
    return this.db
      .onFrames(cov)
      .filter((n) => n.parent === parent.id)
      .map((n) => n.id);
  }
}

function pieceHolding(pieces: MapNode[], f: Fpage): MapNode {
  const p = pieces.find((q) => contains(framesOf(q), f));
  if (!p) throw new Error(`no piece holds frames ${f.base}/${f.order}`);
  return p;
}
