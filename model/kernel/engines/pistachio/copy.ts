/**
 * A deep copy of the machine's state that keeps its sharing (a node reached from a list, a
 * page-table link and a back pointer stays one node, and so does every other object reached
 * twice) and its arrays' holes, as `structuredClone` does, at a fraction of its cost: the state
 * is copied before every kernel call, and is a few hundred small objects of known shapes.
 */
import type { Dual, Entry, Link, MachineState, MNode, Next, Pg, Prev, RootArr, RootPtr, Table } from './machine.ts';

export function copyState(st: MachineState): MachineState {
  const seen = new Map<object, object>();
  /** The copy of `v`: `shell` holds its plain fields and is registered before `fill` copies what it points to, so cycles close. */
  const copyOf = <T extends object>(v: T, shell: () => T, fill: (out: T) => void): T => {
    const known = seen.get(v);
    if (known !== undefined) return known as T;
    const out = shell();
    seen.set(v, out);
    fill(out);
    return out;
  };
  const holey = <T>(a: ReadonlyArray<T | undefined>, item: (x: T) => T): Array<T | undefined> => {
    const out = new Array<T | undefined>(a.length);
    // Holes stay holes: the walks use forEach, which skips them.
    for (let i = 0; i < a.length; i++) if (i in a) out[i] = a[i] === undefined ? undefined : item(a[i]!);
    return out;
  };
  const later = null as never;
  const table = (t: Table): Table =>
    copyOf(t, () => ({ level: t.level, order: t.order, vbase: t.vbase, e: [], back: [], front: [] }), (out) => {
      out.e = holey(t.e, entry);
      out.back = holey(t.back, link);
      out.front = holey(t.front, link);
    });
  const entry = (e: Entry): Entry => copyOf(e, () => ({ ...e, sub: null }), (out) => void (out.sub = e.sub && table(e.sub)));
  const link = (l: Link): Link => copyOf(l, () => ({ node: later, vaddr: l.vaddr }), (out) => void (out.node = node(l.node)));
  const node = (m: MNode): MNode =>
    copyOf(m, () => ({ id: m.id, space: m.space, depth: m.depth, next: later, prev: null, pg: null }), (out) => {
      out.next = next(m.next);
      out.prev = m.prev && prev(m.prev);
      out.pg = m.pg && pg(m.pg);
    });
  const pg = (p: Pg): Pg => copyOf(p, () => ({ t: later, i: p.i }), (out) => void (out.t = table(p.t)));
  const next = (n: Next): Next => {
    if (n.k === 'map') return copyOf(n, () => ({ k: 'map', m: null }), (out) => void (out.m = n.m && node(n.m)));
    if (n.k === 'root') return copyOf(n, () => ({ k: 'root', r: later }), (out) => void (out.r = rootArr(n.r)));
    return copyOf(n, () => ({ k: 'dual', d: later }), (out) => void (out.d = dual(n.d)));
  };
  const dual = (d: Dual): Dual =>
    copyOf(d, (): Dual => ({ map: null, root: later }), (out) => {
      out.map = d.map && node(d.map);
      out.root = rootArr(d.root);
    });
  const rootArr = (r: RootArr): RootArr => copyOf(r, () => ({ ...r, n: [] }), (out) => void (out.n = holey(r.n, next) as Next[]));
  const rootPtr = (p: RootPtr): RootPtr => copyOf(p, () => ({ a: later, i: p.i }), (out) => void (out.a = rootArr(p.a)));
  const prev = (p: Prev): Prev => {
    if (p.k === 'map') return copyOf(p, () => ({ k: 'map', m: later }), (out) => void (out.m = node(p.m)));
    return copyOf(p, () => ({ k: 'root', r: later }), (out) => void (out.r = rootPtr(p.r)));
  };
  const tables: MachineState['tables'] = new Map();
  for (const [task, t] of st.tables) tables.set(task, table(t));
  return { tables, sigma0: node(st.sigma0) };
}
