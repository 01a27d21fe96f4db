import { contains, decompose, endOf, isAligned } from './fpage.ts';
import type { KernelEffect } from './effects.ts';
import type { Kernel } from './kernel.ts';
import { framesOf, SIGMA0, virtualOf, type MapNode } from './mapdb.ts';
import { rightsWithin } from './rights.ts';

/** The named structural invariants of the mapping database (after seL4's `valid_mdb` and Fiasco's `check_integrity`); `hardware-pages` holds named kernels to their page sizes. */
export const STRUCTURE_RULES = [
  'structure.parent-exists',
  'structure.parent-contains',
  'structure.no-cycle',
  'structure.rights-monotone',
  'structure.no-overlap',
  'structure.reaches-root',
  'structure.sigma0-covers',
  'structure.index-agrees',
  'structure.hardware-pages',
] as const;
export type StructureRule = (typeof STRUCTURE_RULES)[number];

/** One broken rule and the nodes that break it. */
export interface StructureViolation {
  readonly rule: StructureRule;
  readonly nodes: readonly number[];
  readonly message: string;
}

/** Checks every node of the database. Pure with respect to the kernel. */
export function checkStructure(k: Kernel): StructureViolation[] {
  const out: StructureViolation[] = [];
  let total = 0;
  for (const n of k.db.all()) {
    total++;
    checkNode(k, n, out);
  }
  checkRoots(k, out);
  // Every index entry names a live node: entries and nodes are counted the same way.
  let indexed = 0;
  for (const n of k.db.all()) indexed += k.db.spaceOrder(n.task) !== undefined && k.db.spaceEntry(n.task, virtualOf(n)).has(n.id) ? 1 : 0;
  if (indexed !== total) out.push({ rule: 'structure.index-agrees', nodes: [], message: `${total - indexed} nodes missing from their space index` });
  return out;
}

/**
 * Checks only what one step touched: created and changed nodes, the parents and children of
 * removed nodes, and sigma0's roots when a call touched a sigma0 node. Agrees with `checkStructure` on any state reached from
 * a valid one (a test holds the two together).
 */
export function checkStructureAfter(k: Kernel, effects: readonly KernelEffect[]): StructureViolation[] {
  const out: StructureViolation[] = [];
  const seen = new Set<number>();
  for (const e of effects) {
    for (const n of e.created) visit(k, n.id, seen, out);
    for (const n of e.changed) {
      visit(k, n.id, seen, out);
      for (const c of k.db.children(n.id)) visit(k, c, seen, out);
    }
    for (const r of e.removed) {
      if (k.db.has(r.node.id)) continue;
      if (k.db.spaceEntry(r.node.task, virtualOf(r.node)).has(r.node.id) || k.db.frameEntry(framesOf(r.node)).has(r.node.id)) {
        out.push({ rule: 'structure.index-agrees', nodes: [r.node.id], message: `removed node ${r.node.id} is still indexed` });
      }
      if (k.db.children(r.node.id).size > 0) {
        out.push({ rule: 'structure.parent-exists', nodes: [...k.db.children(r.node.id)], message: `children of removed node ${r.node.id} remain` });
      }
    }
  }
  // sigma0's roots change only through calls that touch a sigma0 node; re-deriving them every step cost more than the rest.
  if (effects.some(touchesSigma0)) checkRoots(k, out);
  return out;
}

/** Checks node `id` once per step (a module function: a closure here is rebuilt, and named, on every step). */
function visit(k: Kernel, id: number, seen: Set<number>, out: StructureViolation[]): void {
  if (seen.has(id)) return;
  seen.add(id);
  const n = k.db.get(id);
  if (n) checkNode(k, n, out);
}

const touchesSigma0 = (e: KernelEffect): boolean => e.created.some((n) => n.task === SIGMA0) || e.changed.some((n) => n.task === SIGMA0) || e.removed.some((r) => r.node.task === SIGMA0);

function checkNode(k: Kernel, n: MapNode, out: StructureViolation[]): void {
  const v = virtualOf(n);
  const space = k.db.spaceOrder(n.task);
  if (space === undefined || !isAligned(n.vbase, n.order) || endOf(v) > 2 ** space || !k.db.spaceEntry(n.task, v).has(n.id) || !k.db.frameEntry(framesOf(n)).has(n.id)) {
    out.push({ rule: 'structure.index-agrees', nodes: [n.id], message: `node ${n.id} of ${n.task} disagrees with its address-space entry` });
    // A node of no known space has no neighbours to compare; judging the rest still names what else is wrong.
    if (space === undefined) return checkAncestry(k, n, out);
  }
  const others = k.db.inSpace(n.task, v).filter((o) => o.id !== n.id);
  if (others.length > 0) {
    out.push({ rule: 'structure.no-overlap', nodes: [n.id, ...others.map((o) => o.id)], message: `node ${n.id} overlaps ${others.map((o) => o.id).join(', ')} in ${n.task}` });
  }
  checkAncestry(k, n, out);
}

/** The rules about a node's place in its tree: page size, parent, rights, and the walk to a sigma0 root. */
function checkAncestry(k: Kernel, n: MapNode, out: StructureViolation[]): void {
  if (n.parent !== null && !k.isNodeOrder(n.order)) {
    out.push({ rule: 'structure.hardware-pages', nodes: [n.id], message: `node ${n.id} of ${n.task} has order ${n.order}, neither a base page nor a superpage of the ${k.profile.name} kernel` });
  }
  if (n.parent === null) {
    if (n.task !== SIGMA0 || n.vbase !== n.frame) out.push({ rule: 'structure.reaches-root', nodes: [n.id], message: `node ${n.id} has no parent but is not a sigma0 identity root` });
    return;
  }
  const p = k.db.get(n.parent);
  if (!p) {
    out.push({ rule: 'structure.parent-exists', nodes: [n.id], message: `node ${n.id}'s parent ${n.parent} does not exist` });
    return;
  }
  if (!k.db.children(p.id).has(n.id)) out.push({ rule: 'structure.index-agrees', nodes: [n.id, p.id], message: `node ${n.id} is missing from its parent's children` });
  if (!contains(framesOf(p), framesOf(n))) out.push({ rule: 'structure.parent-contains', nodes: [n.id, p.id], message: `parent ${p.id}'s frames do not contain node ${n.id}'s` });
  if (!rightsWithin(n.rights, p.rights)) out.push({ rule: 'structure.rights-monotone', nodes: [n.id, p.id], message: `node ${n.id} has rights its parent ${p.id} lacks` });
  // Walk to the root; the walk is bounded by the database size so a cycle cannot hang it.
  let cur: MapNode | undefined = p;
  for (let steps = 0; cur && cur.parent !== null; steps++) {
    if (steps > k.db.size || cur.parent === n.id) {
      out.push({ rule: 'structure.no-cycle', nodes: [n.id], message: `node ${n.id} lies on a derivation cycle` });
      return;
    }
    cur = k.db.get(cur.parent);
  }
  if (!cur || cur.task !== SIGMA0) out.push({ rule: 'structure.reaches-root', nodes: [n.id], message: `node ${n.id} does not reach a sigma0 root` });
}

function checkRoots(k: Kernel, out: StructureViolation[]): void {
  const want = decompose(0, k.memoryPages);
  const bad = k.roots.filter((id, i) => {
    const r = k.db.get(id);
    const f = want[i]!;
    return !r || r.task !== SIGMA0 || r.parent !== null || r.frame !== f.base || r.order !== f.order;
  });
  const extra = k.db.inSpace(SIGMA0, { base: 0, order: k.db.memoryOrder }).filter((n) => !k.roots.includes(n.id));
  if (bad.length > 0 || extra.length > 0 || k.roots.length !== want.length) {
    out.push({ rule: 'structure.sigma0-covers', nodes: [...bad, ...extra.map((n) => n.id)], message: 'sigma0 no longer covers all memory exactly once with its boot roots' });
  }
}
