import { describe, expect, test } from 'vitest';
import { AlignedIndex } from './alignedIndex.ts';
import { fpage } from './fpage.ts';
import { MappingDatabase, SIGMA0 } from './mapdb.ts';
import { R, RWX } from './rights.ts';

/** sigma0 with one order-4 root, a task p holding it, and a child of p's node in c. */
function tree() {
  const db = new MappingDatabase(4);
  for (const t of [SIGMA0, 'p', 'c']) db.addTask(t, 4);
  const root = db.add({ task: SIGMA0, vbase: 0, order: 4, frame: 0, rights: RWX, parent: null });
  const p = db.add({ task: 'p', vbase: 0, order: 4, frame: 0, rights: RWX, parent: root.id });
  const c = db.add({ task: 'c', vbase: 8, order: 2, frame: 4, rights: R, parent: p.id });
  return { db, root, p, c };
}

describe('mapping database', () => {
  test('tasks are kept in creation order and a second task of one name is refused', () => {
    const { db } = tree();
    expect([...db.tasks()]).toEqual([SIGMA0, 'p', 'c']);
    expect(() => db.addTask('p', 3)).toThrow('task p exists');
    expect(db.spaceOrder('p')).toBe(4);
    expect(db.spaceOrder('q')).toBeUndefined();
    expect(() => db.inSpace('q', fpage(0, 0))).toThrow('no task q');
  });

  test('every add, update and removal bumps the version; size counts nodes', () => {
    const { db, c } = tree();
    expect([db.version, db.size]).toEqual([3, 3]);
    db.update(c.id, { rights: RWX });
    expect([db.version, db.size]).toEqual([4, 3]);
    db.remove(c.id);
    expect([db.version, db.size]).toEqual([5, 2]);
  });

  test('ancestry lists the tasks a node derives through, parent first', () => {
    const { db, root, c } = tree();
    expect(db.ancestry(c)).toEqual(['p', SIGMA0]);
    expect(db.ancestry(root)).toEqual([]);
  });

  test('an update that moves a node moves it in the indexes; one that re-parents it moves it between children', () => {
    const { db, root, p, c } = tree();
    db.addTask('d', 4);
    const moved = db.update(c.id, { task: 'd', vbase: 4 });
    expect(moved).toMatchObject({ id: c.id, task: 'd', vbase: 4, frame: 4, order: 2 });
    expect(db.inSpace('c', fpage(0, 4))).toEqual([]);
    expect(db.exactlyAt('d', fpage(4, 2)).map((n) => n.id)).toEqual([c.id]);
    expect(db.onFrames(fpage(4, 2)).map((n) => n.id)).toContain(c.id);
    db.update(c.id, { parent: root.id });
    expect([...db.children(p.id)]).toEqual([]);
    expect([...db.children(root.id)].sort()).toEqual([p.id, c.id].sort());
  });

  test('a node with children is not removed; unknown ids are reported', () => {
    const { db, p } = tree();
    expect(() => db.remove(p.id)).toThrow(`node ${p.id} still has children`);
    expect(() => db.remove(99)).toThrow('no node 99');
    expect(() => db.update(99, { rights: R })).toThrow('no node 99');
    expect(db.get(99)).toBeUndefined();
    expect(db.has(99)).toBe(false);
  });

  test('removing the last child leaves no children entry', () => {
    const { db, p, c } = tree();
    db.remove(c.id);
    expect(db.children(p.id).size).toBe(0);
    expect(db.spaceFree('c', fpage(0, 4))).toBe(true);
  });

  test('a copy and its original change independently, children sets included, in both directions', () => {
    const { db, root, p, c } = tree();
    const copy = db.clone();
    const extra = copy.add({ task: 'c', vbase: 0, order: 2, frame: 0, rights: R, parent: p.id });
    expect([...db.children(p.id)]).toEqual([c.id]);
    expect([...copy.children(p.id)].sort()).toEqual([c.id, extra.id].sort());
    db.remove(c.id);
    expect([...copy.children(p.id)].sort()).toEqual([c.id, extra.id].sort());
    expect(copy.has(c.id)).toBe(true);
    expect(db.children(p.id).size).toBe(0);
    // After the copy, a second change to the same set in the original still leaves the copy alone.
    const again = db.add({ task: 'c', vbase: 4, order: 2, frame: 8, rights: R, parent: p.id });
    db.add({ task: 'c', vbase: 12, order: 2, frame: 12, rights: R, parent: p.id });
    expect(copy.has(again.id)).toBe(true); // the copy made `extra` with that id...
    expect(copy.get(again.id)!.frame).toBe(0); // ...its own node, not the original's
    expect([...copy.children(root.id)]).toEqual([p.id]);
    expect(copy.version).toBe(4);
    expect(db.version).toBe(6);
  });
});

describe('aligned index', () => {
  test('a copy and its original change independently in both directions', () => {
    const a = new AlignedIndex(4);
    a.add(fpage(0, 2), 1);
    const b = a.clone();
    b.add(fpage(4, 2), 2);
    expect(a.at(fpage(4, 2))).toBeUndefined();
    expect(a.isEmpty(fpage(4, 2))).toBe(true);
    a.add(fpage(8, 2), 3);
    expect(b.isEmpty(fpage(8, 2))).toBe(true);
    a.remove(fpage(0, 2), 1);
    expect([...(b.at(fpage(0, 2)) ?? [])]).toEqual([1]);
    expect(b.meeting(fpage(0, 4))).toEqual([1, 2]);
    expect(a.meeting(fpage(0, 4))).toEqual([3]);
    // A copy of a copy keeps the same independence.
    const c = b.clone();
    c.remove(fpage(4, 2), 2);
    expect(b.inside(fpage(0, 4))).toEqual([1, 2]);
    expect(c.inside(fpage(0, 4))).toEqual([1]);
  });

  test('removal of an id not placed there is refused with the place', () => {
    const a = new AlignedIndex(4);
    a.add(fpage(0, 2), 1);
    expect(() => a.remove(fpage(0, 2), 2)).toThrow('index has no id 2 at 0/2');
    expect(() => a.remove(fpage(4, 2), 1)).toThrow('index has no id 1 at 4/2');
  });

  test('two ids at one place are removed one at a time', () => {
    const a = new AlignedIndex(4);
    a.add(fpage(0, 2), 1);
    a.add(fpage(0, 2), 2);
    a.remove(fpage(0, 2), 1);
    expect([...(a.at(fpage(0, 2)) ?? [])]).toEqual([2]);
    expect(a.isEmpty(fpage(0, 4))).toBe(false);
    a.remove(fpage(0, 2), 2);
    expect(a.isEmpty(fpage(0, 4))).toBe(true);
  });

  test('containing finds only strictly larger places; meeting finds those and the inside ones', () => {
    const a = new AlignedIndex(4);
    a.add(fpage(0, 3), 1);
    a.add(fpage(0, 1), 2);
    a.add(fpage(2, 1), 3);
    expect(a.containing(fpage(0, 1))).toEqual([1]);
    expect(a.containing(fpage(0, 3))).toEqual([]);
    expect(a.inside(fpage(0, 2))).toEqual([2, 3]);
    expect(a.meeting(fpage(2, 1))).toEqual([1, 3]);
    expect(a.isEmpty(fpage(4, 1))).toBe(false); // inside order-3 place 1
    expect(a.isEmpty(fpage(8, 3))).toBe(true);
  });

  test('firstFree: an order past the top has no place; a limit below the block has none', () => {
    const a = new AlignedIndex(3);
    expect(a.firstFree(4, 100)).toBeNull();
    expect(a.firstFree(3, 8)).toBe(0);
    expect(a.firstFree(3, 7)).toBeNull();
    a.add(fpage(0, 1), 1);
    expect(a.firstFree(1, 8)).toBe(2);
    expect(a.firstFree(2, 8)).toBe(4);
    expect(a.firstFree(2, 7)).toBeNull();
    a.add(fpage(0, 3), 2);
    expect(a.firstFree(0, 8)).toBeNull();
  });
});
