import { FingerprintSums, makesChoices, World, type Command, type Design, type ProfileName, type WorldConfig } from '../../model/index.ts';
import type { Invariant } from '../invariant.ts';
import { acceptedCommands, COMMAND_WORDS, decodeCommand, encodeCommand, forEachTransition } from './commands.ts';

/** Every renaming of `n` clients (n! of them), in lexicographic order: the identity first. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let i = n - 1; i >= 0; i--) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  return out.sort((a, b) => (a.join() < b.join() ? -1 : 1));
}

/** Symmetry over more clients than this would cost more per state (n! fingerprints) than it saves. */
export const MAX_SYMMETRIC_CLIENTS = 4;

/** Thrown when a design cannot be searched exhaustively, with the reason a user can act on. */
export class NotVerifiableError extends Error {
  readonly code = 'ENOTVERIFIABLE';
}

/**
 * What is fixed for one exhaustive search: the initial world, the invariants, the renamings of
 * clients a fingerprint is taken over, and whether the kernel takes choices from the input.
 */
export class SearchSpace {
  readonly root: World;
  readonly symmetric: boolean;
  readonly choosing: boolean;
  private readonly perms: number[][];
  private readonly h = new Uint32Array(2);
  private readonly sums: FingerprintSums;

  constructor(
    readonly design: Design,
    readonly profile: ProfileName,
    readonly config: WorldConfig,
    readonly invariants: readonly Invariant[],
    symmetry: boolean,
  ) {
    this.root = new World(config, design, profile);
    if (!this.root.branchable) {
      throw new NotVerifiableError(
        `design ${design.name} cannot be searched exhaustively: its server must implement fork(ctx) and fingerprint(canon) (see the README; a server with no bookkeeping can use stateless())`,
      );
    }
    this.symmetric = symmetry && design.symmetric === true && config.clients <= MAX_SYMMETRIC_CLIENTS;
    this.perms = this.symmetric ? permutations(config.clients) : [Array.from({ length: config.clients }, (_, i) => i)];
    this.choosing = makesChoices(this.root.kernel.profile);
    this.sums = new FingerprintSums(config.clients);
  }

  /**
   * The state's 64-bit fingerprint, written to `out[at]`, `out[at + 1]`: under symmetry the
   * least hash over the renamings of clients that put them in order of their signatures (see
   * `World.canonicalHash`), otherwise the hash as the clients are numbered.
   */
  fingerprint(w: World, out: Uint32Array, at: number): void {
    w.canonicalHash(this.perms, this.sums, this.h);
    out[at] = this.h[0]!;
    out[at + 1] = this.h[1]!;
  }
}

/**
 * What one state's transitions led to, in order: per transition the command as it ran, and the
 * invariant it violated (with the message) or the fingerprint of the state it reached. Plain
 * typed arrays and strings, so it crosses to and from worker threads as it is.
 */
export interface Expansion {
  count: number;
  commands: Int32Array;
  hashes: Uint32Array;
  /** Per transition: the index of the violated invariant in the search's list, or -1. */
  violated: Int32Array;
  messages: string[];
}

/** Judges every transition from `world` (a pure function of the state). With `hash` false the states reached are not fingerprinted. */
export function expand(space: SearchSpace, world: World, hash: boolean, firstOnly?: readonly boolean[]): Expansion {
  const cmds: number[] = [];
  const hashes: number[] = [];
  const violated: number[] = [];
  const messages: string[] = [];
  const buf = new Int32Array(COMMAND_WORDS);
  const h = new Uint32Array(2);
  let count = 0;
  const visit = (ran: Command, next: World, obs: ReturnType<World['step']>): void => {
    encodeCommand(ran, buf, 0);
    for (let i = 0; i < COMMAND_WORDS; i++) cmds.push(buf[i]!);
    // The invariants in order up to the first violated one: they are pure, so the rest cannot change what is recorded.
    const invariants = space.invariants;
    let bad = -1;
    let message = '';
    for (let i = 0; i < invariants.length; i++) {
      const v = invariants[i]!.check(obs, next);
      if (v.kind === 'violated') {
        bad = i;
        message = v.message;
        break;
      }
    }
    violated.push(bad);
    // A message is kept only where it may be reported: the first violation of its invariant so far.
    messages.push(bad >= 0 && (!firstOnly || firstOnly[bad]) ? message : '');
    if (bad < 0 && hash) space.fingerprint(next, h, 0);
    else h[0] = h[1] = 0;
    hashes.push(h[0]!, h[1]!);
    count++;
  };
  for (const c of acceptedCommands(world)) forEachTransition(world, c, space.choosing, visit);
  return { count, commands: Int32Array.from(cmds), hashes: Uint32Array.from(hashes), violated: Int32Array.from(violated), messages };
}

/**
 * The commands of every transition from `world`, as they ran, in `expand`'s order (so transition
 * `i` here is transition `i` there), `COMMAND_WORDS` words each: what a stored state's number
 * among its parent's transitions is read back with. Nothing is judged or hashed.
 */
export function transitionCommands(space: SearchSpace, world: World): Int32Array {
  const words: number[] = [];
  const buf = new Int32Array(COMMAND_WORDS);
  for (const c of acceptedCommands(world)) {
    forEachTransition(world, c, space.choosing, (ran) => {
      encodeCommand(ran, buf, 0);
      for (let i = 0; i < COMMAND_WORDS; i++) words.push(buf[i]!);
    });
  }
  return Int32Array.from(words);
}

/** The command of transition `i` of an expansion. */
export const commandAt = (e: Expansion, i: number): Command => decodeCommand(e.commands, i * COMMAND_WORDS);
