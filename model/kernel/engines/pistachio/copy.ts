/**
 * A deep copy of the machine's state that keeps its sharing (a node reached from a list, a
 * page-table link and a back pointer stays one node, and so does every other object reached
 * twice) and its arrays' holes, as `structuredClone` does, at a fraction of its cost: the state
 * is copied before every kernel call, and is a few hundred small objects of known shapes.
 */
import type { Dual, Entry, Link, MachineState, MNode, Next, Pg, Prev, RootArr, RootPtr, Table } from './machine.ts';

export function copyState(st: MachineState): MachineState {
  const seen = new Map<object, object>();
  const once = <T extends object>(v: T, make: (v: T) => T): T => {
    const known = seen.get(v);
    if (known !== undefined) return known as T;
    return make(v);
  };
  // Each maker registers its copy before it copies what the object points to, so cycles close.
  const holey = <T>(a: ReadonlyArray<T | undefined>, item: (x: T) => T): Array<T | undefined> => {
    const out = new Array<T | undefined>(a.length);
    // Holes stay holes: the walks use forEach, which skips them.
    for (let i = 0; i < a.length; i++) if (i in a) out[i] = a[i] === undefined ? undefined : item(a[i]!);
    return out;
  };
  const table = (t: Table): Table =>
    once(t, () => {
      const out: Table = { level: t.level, order: t.order, vbase: t.vbase, e: [], back: [], front: [] };
      seen.set(t, out);
      out.e = holey(t.e, entry);
      out.back = holey(t.back, link);
      out.front = holey(t.front, link);
      return out;
    });
  const entry = (e: Entry): Entry =>
    once(e, () => {
      const out: Entry = { valid: e.valid, superpage: e.superpage, frame: e.frame, w: e.w, sub: null };
      seen.set(e, out);
      out.sub = e.sub && table(e.sub);
      return out;
    });
  const link = (l: Link): Link =>
    once(l, () => {
      const out = { node: null as unknown as MNode, vaddr: l.vaddr };
      seen.set(l, out);
      out.node = node(l.node);
      return out;
    });
  const node = (m: MNode): MNode =>
    once(m, () => {
      const out: MNode = { id: m.id, space: m.space, depth: m.depth, next: null as unknown as Next, prev: null, pg: null };
      seen.set(m, out);
      out.next = next(m.next);
      out.prev = m.prev && prev(m.prev);
      out.pg = m.pg && pg(m.pg);
      return out;
    });
  const pg = (p: Pg): Pg =>
    once(p, () => {
      const out = { t: null as unknown as Table, i: p.i };
      seen.set(p, out);
      out.t = table(p.t);
      return out;
    });
  const next = (n: Next): Next =>
    once(n, (): Next => {
      if (n.k === 'map') {
        const out: Next = { k: 'map', m: null };
        seen.set(n, out);
        out.m = n.m && node(n.m);
        return out;
      }
      if (n.k === 'root') {
        const out = { k: 'root' as const, r: null as unknown as RootArr };
        seen.set(n, out);
        out.r = rootArr(n.r);
        return out;
      }
      const out = { k: 'dual' as const, d: null as unknown as Dual };
      seen.set(n, out);
      out.d = dual(n.d);
      return out;
    });
  const dual = (d: Dual): Dual =>
    once(d, () => {
      const out: Dual = { map: null, root: null as unknown as RootArr };
      seen.set(d, out);
      out.map = d.map && node(d.map);
      out.root = rootArr(d.root);
      return out;
    });
  const rootArr = (r: RootArr): RootArr =>
    once(r, () => {
      const out: RootArr = { size: r.size, length: r.length, order: r.order, span: r.span, n: [] };
      seen.set(r, out);
      out.n = holey(r.n, next) as Next[];
      return out;
    });
  const rootPtr = (p: RootPtr): RootPtr =>
    once(p, () => {
      const out = { a: null as unknown as RootArr, i: p.i };
      seen.set(p, out);
      out.a = rootArr(p.a);
      return out;
    });
  const prev = (p: Prev): Prev =>
    once(p, (): Prev => {
      if (p.k === 'map') {
        const out = { k: 'map' as const, m: null as unknown as MNode };
        seen.set(p, out);
        out.m = node(p.m);
        return out;
      }
      const out = { k: 'root' as const, r: null as unknown as RootPtr };
      seen.set(p, out);
      out.r = rootPtr(p.r);
      return out;
    });
  const tables = new Map<Table['level'] extends never ? never : MachineState['tables'] extends Map<infer K, Table> ? K : never, Table>();
  for (const [task, t] of st.tables) tables.set(task, table(t));
  return { tables, sigma0: node(st.sigma0) };
}
