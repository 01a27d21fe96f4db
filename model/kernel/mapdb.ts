import { AlignedIndex } from './alignedIndex.ts';
import type { Fpage } from './fpage.ts';
import type { Rights } from './rights.ts';

/** A task name: `sigma0`, `physmem`, a proxy or a client. */
export type TaskId = string;

/** The task that owns all physical memory at boot; its nodes are the roots. */
export const SIGMA0: TaskId = 'sigma0';

/**
 * One mapping: the aligned virtual fpage `(vbase, order)` of `task` maps frames
 * `[frame, frame + 2^order)`. `parent` is the node it derives from (null only for sigma0's roots).
 */
export interface MapNode {
  readonly id: number;
  readonly task: TaskId;
  readonly vbase: number;
  readonly order: number;
  readonly frame: number;
  readonly rights: Rights;
  readonly parent: number | null;
}

export const virtualOf = (n: MapNode): Fpage => ({ base: n.vbase, order: n.order });
export const framesOf = (n: MapNode): Fpage => ({ base: n.frame, order: n.order });

/**
 * The mapping database: the derivation forest plus the three indexes that keep every
 * kernel operation proportional to the nodes it touches (per-task virtual index, physical
 * frame index, children per node). Nodes are immutable values; every change replaces the
 * value and bumps `version`, so a caller can tell that nothing changed.
 *
 * Only the kernel mutates it.
 */
export class MappingDatabase {
  private nodes = new Map<number, MapNode>();
  /** Children per node. After a clone both copies share the sets; a set is changed in place only once this copy owns it (copy on write). */
  private kids = new Map<number, Set<number>>();
  private ownedKids = new Set<number>();
  /** False while `nodes` and `kids` are shared with a copy: the first change copies them (copy on write). */
  private ownMaps = true;
  private readonly spaces = new Map<TaskId, AlignedIndex>();
  private frames: AlignedIndex;
  private nextId = 1;
  private mutations = 0;

  constructor(readonly memoryOrder: number) {
    this.frames = new AlignedIndex(memoryOrder);
  }

  /** An independent copy: nodes are immutable values, so only the indexes are copied. Ids continue where this one's do. */
  clone(): MappingDatabase {
    // Not through the constructor: its field initialisers would build maps and an index only to drop them.
    const spaces = new Map<TaskId, AlignedIndex>();
    for (const [t, ix] of this.spaces) spaces.set(t, ix.clone());
    this.ownMaps = false;
    this.ownedKids = new Set();
    const c = Object.create(MappingDatabase.prototype) as MappingDatabase;
    return Object.assign(c, { memoryOrder: this.memoryOrder, nodes: this.nodes, kids: this.kids, ownedKids: new Set<number>(), ownMaps: false, spaces, frames: this.frames.clone(), nextId: this.nextId, mutations: this.mutations });
  }

  /** The tasks, in the order they were created. */
  tasks(): IterableIterator<TaskId> {
    return this.spaces.keys();
  }

  /** Counts every mutation: equal versions mean an unchanged database. */
  get version(): number {
    return this.mutations;
  }

  get size(): number {
    return this.nodes.size;
  }

  addTask(task: TaskId, spaceOrder: number): void {
    if (this.spaces.has(task)) throw new Error(`task ${task} exists`);
    this.spaces.set(task, new AlignedIndex(spaceOrder));
  }

  hasTask(task: TaskId): boolean {
    return this.spaces.has(task);
  }

  spaceOrder(task: TaskId): number | undefined {
    return this.spaces.get(task)?.topLevel;
  }

  get(id: number): MapNode | undefined {
    return this.nodes.get(id);
  }

  has(id: number): boolean {
    return this.nodes.has(id);
  }

  all(): IterableIterator<MapNode> {
    return this.nodes.values();
  }

  /** Tasks `node` derives through: its parent's task first, the sigma0 root's last. */
  ancestry(node: MapNode): TaskId[] {
    const out: TaskId[] = [];
    for (let p = node.parent; p !== null; ) {
      const up = this.nodes.get(p);
      if (!up) break;
      out.push(up.task);
      p = up.parent;
    }
    return out;
  }

  children(id: number): ReadonlySet<number> {
    return this.kids.get(id) ?? EMPTY;
  }

  /** Nodes of `task` whose virtual fpage shares a page with `f`. */
  inSpace(task: TaskId, f: Fpage): MapNode[] {
    return this.space(task).meeting(f).map((id) => this.must(id));
  }

  /** Nodes of `task` placed exactly at `f`. */
  exactlyAt(task: TaskId, f: Fpage): MapNode[] {
    return [...(this.space(task).at(f) ?? EMPTY)].map((id) => this.must(id));
  }

  /** True when nothing in `task` meets `f`. */
  spaceFree(task: TaskId, f: Fpage): boolean {
    return this.space(task).isEmpty(f);
  }

  /** Nodes (any task) whose frames share a page with `f`. */
  onFrames(f: Fpage): MapNode[] {
    return this.frames.meeting(f).map((id) => this.must(id));
  }

  /** Ids in the index entry of `task` at exactly `f` (for the structure checker). */
  spaceEntry(task: TaskId, f: Fpage): ReadonlySet<number> {
    return this.spaces.get(task)?.at(f) ?? EMPTY;
  }

  /** Ids in the frame index entry at exactly `f` (for the structure checker). */
  frameEntry(f: Fpage): ReadonlySet<number> {
    return this.frames.at(f) ?? EMPTY;
  }

  add(fields: Omit<MapNode, 'id'>): MapNode {
    const node: MapNode = { id: this.nextId++, ...fields };
    this.writable();
    this.nodes.set(node.id, node);
    this.space(node.task).add(virtualOf(node), node.id);
    this.frames.add(framesOf(node), node.id);
    if (node.parent !== null) this.addChild(node.parent, node.id);
    this.mutations++;
    return node;
  }

  /** Removes one node; its children must already be gone or re-parented. */
  remove(id: number): MapNode {
    const node = this.must(id);
    if (this.children(id).size > 0) throw new Error(`node ${id} still has children`);
    this.writable();
    this.nodes.delete(id);
    this.kids.delete(id);
    this.ownedKids.delete(id);
    this.space(node.task).remove(virtualOf(node), id);
    this.frames.remove(framesOf(node), id);
    if (node.parent !== null) this.removeChild(node.parent, id);
    this.mutations++;
    return node;
  }

  /** Replaces a node's value, keeping its id; indexes follow the change. */
  update(id: number, change: Partial<Omit<MapNode, 'id' | 'frame' | 'order'>>): MapNode {
    const old = this.must(id);
    const next: MapNode = { ...old, ...change };
    if (next.task !== old.task || next.vbase !== old.vbase) {
      this.space(old.task).remove(virtualOf(old), id);
      this.space(next.task).add(virtualOf(next), id);
    }
    if (next.parent !== old.parent) {
      if (old.parent !== null) this.removeChild(old.parent, id);
      if (next.parent !== null) this.addChild(next.parent, id);
    }
    this.writable();
    this.nodes.set(id, next);
    this.mutations++;
    return next;
  }

  private must(id: number): MapNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private space(task: TaskId): AlignedIndex {
    const s = this.spaces.get(task);
    if (!s) throw new Error(`no task ${task}`);
    return s;
  }

  /** Copies the node and children maps if a copy shares them (the sets inside stay shared until `ownKids`). */
  private writable(): void {
    if (this.ownMaps) return;
    this.nodes = new Map(this.nodes);
    this.kids = new Map(this.kids);
    this.ownMaps = true;
  }

  /** The children set of `parent`, owned by this copy (copied first if shared), created if absent. */
  private ownKids(parent: number): Set<number> {
    this.writable();
    let s = this.kids.get(parent);
    if (s && this.ownedKids.has(parent)) return s;
    s = s ? new Set(s) : new Set();
    this.kids.set(parent, s);
    this.ownedKids.add(parent);
    return s;
  }

  private addChild(parent: number, id: number): void {
    this.ownKids(parent).add(id);
  }

  private removeChild(parent: number, id: number): void {
    if (!this.kids.get(parent)?.has(id)) return;
    this.writable();
    const s = this.ownKids(parent);
    s.delete(id);
    if (s.size === 0) {
      this.kids.delete(parent);
      this.ownedKids.delete(parent);
    }
  }
}

const EMPTY: ReadonlySet<number> = new Set();
