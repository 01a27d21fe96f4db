import { World, type Command } from '../../model/index.ts';
import { judge } from '../trace.ts';
import { acceptedCommands } from './commands.ts';
import type { SearchSpace } from './expand.ts';

/** `c` with its clients renamed: client `i` becomes `perm[i]` (handles number allocations in order, which a renaming keeps). */
export function renameCommand(c: Command, perm: readonly number[]): Command {
  const out: Record<string, unknown> = { ...c };
  if ('client' in c) out.client = perm[c.client];
  if ('other' in c) out.other = perm[c.other];
  return out as unknown as Command;
}

/** The transpositions of `n` clients: enough renamings to find a design that treats one client apart. */
function transpositions(n: number): number[][] {
  const out: number[][] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const p = Array.from({ length: n }, (_, i) => i);
      p[a] = b;
      p[b] = a;
      out.push(p);
    }
  }
  return out;
}

const show = (cs: readonly Command[]) => (cs.length === 0 ? 'the initial state' : cs.map((c) => `${c.kind} by c${'client' in c ? c.client : '?'}${'other' in c ? ` to c${c.other}` : ''}`).join(', '));

/**
 * Checks a design's claim to treat clients alike at one reachable state: for each swap of two
 * clients, the state reached by the renamed commands must be the renamed state, and every
 * command from it must be taken, judged and lead on exactly as its renamed command does from
 * the renamed state. Returns what differs (the two renamed sequences), or null. Pure.
 */
export function symmetryBreach(space: SearchSpace, path: readonly Command[]): string | null {
  const h = new Uint32Array(2);
  const g = new Uint32Array(2);
  const identity = Array.from({ length: space.config.clients }, (_, i) => i);
  const replay = (cs: readonly Command[]): World | null => {
    const w = new World(space.config, space.design, space.profile);
    for (const c of cs) if (w.step(c).outcome.kind === 'refused') return null;
    return w;
  };
  const w = replay(path);
  if (!w) return null;
  for (const perm of transpositions(space.config.clients)) {
    const renamed = path.map((c) => renameCommand(c, perm));
    const v = replay(renamed);
    if (!v) return `${show(path)} is taken, but the same with clients ${perm.join('<->')} swapped (${show(renamed)}) is refused`;
    w.fingerprintHash(perm, h);
    v.fingerprintHash(identity, g);
    if (h[0] !== g[0] || h[1] !== g[1]) return `${show(path)} and ${show(renamed)} reach states that are not renamings of each other`;
    for (const c of acceptedCommands(w)) {
      const rc = renameCommand(c, perm);
      const a = w.clone();
      const b = v.clone();
      const oa = a.step(c);
      const ob = b.step(rc);
      const ja = judge(space.invariants, oa, a).map((x) => x.kind).join(',');
      const jb = judge(space.invariants, ob, b).map((x) => x.kind).join(',');
      a.fingerprintHash(perm, h);
      b.fingerprintHash(identity, g);
      if (oa.outcome.kind !== ob.outcome.kind || ja !== jb || h[0] !== g[0] || h[1] !== g[1]) {
        return `${show([...path, c])} and its renaming ${show([...renamed, rc])} ${ja !== jb ? `are judged differently (${ja} against ${jb})` : 'lead to states that are not renamings of each other'}`;
      }
    }
  }
  return null;
}
