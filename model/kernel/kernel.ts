import { decompose, MAX_ORDER, sendBase, showFpage, type Fpage } from './fpage.ts';
import { emptyEffect, type KernelEffect } from './effects.ts';
import type { EngineElement, KernelEngine, Transfer } from './engine.ts';
import { engineFor } from './engines/index.ts';
import { MappingDatabase, SIGMA0, type MapNode, type TaskId } from './mapdb.ts';
import { profile as profileOf, type KernelChoices, type KernelProfile, type ProfileName } from './profiles.ts';
import { RWX, showRights, type Rights } from './rights.ts';

/** Smallest order whose fpage holds `pages` pages. */
export const orderFor = (pages: number): number => Math.max(0, Math.ceil(Math.log2(pages)));

/** The superpage order that keeps a small world in scale: blocks of up to 8 pages lie inside superpages of 16. */
export const SCALED_SUPERPAGE_ORDER = 4;
/** Superpage orders of the real architectures, in 4 KiB pages: 4 MiB on ia32, 2 MiB on amd64 (Pistachio's HW_PGSHIFTS in kernel/src/arch/x86/x32/ptab.h and x64/ptab.h). */
export const ARCH_SUPERPAGE_ORDER = { ia32: 10, amd64: 9 } as const;
export type Arch = keyof typeof ARCH_SUPERPAGE_ORDER;

export interface KernelOptions {
  /** Order of a superpage in pages; named-kernel profiles store mappings as base pages and superpages. */
  readonly superpageOrder?: number;
}

/**
 * The L4 X.2 kernel model: sigma0's identity roots, the mapping database and the four
 * operations `map`, `grant`, `unmap` (with or without flush) and `unmapIn`. Deterministic:
 * every nondeterministic kernel decision is read from the `KernelChoices` passed in, and every
 * call returns its effect as data. A refused call changes nothing. The argument checks every
 * kernel makes are here; what a call then does is its profile's engine's (see `engine.ts`).
 */
export class Kernel {
  readonly db: MappingDatabase;
  readonly profile: KernelProfile;
  /** sigma0's root node ids, in address order: they never change. */
  readonly roots: readonly number[];
  readonly superpageOrder: number;
  private engine: KernelEngine;

  constructor(
    readonly memoryPages: number,
    profileName: ProfileName,
    options: KernelOptions = {},
  ) {
    if (!Number.isSafeInteger(memoryPages) || memoryPages < 1 || memoryPages > 2 ** MAX_ORDER) {
      throw new RangeError(`memory of ${memoryPages} pages is not a whole number of pages in 1..2^${MAX_ORDER}`);
    }
    this.superpageOrder = options.superpageOrder ?? SCALED_SUPERPAGE_ORDER;
    if (!Number.isInteger(this.superpageOrder) || this.superpageOrder < 1 || this.superpageOrder > MAX_ORDER) {
      throw new RangeError(`superpage order ${this.superpageOrder} is outside 1..${MAX_ORDER}`);
    }
    this.profile = profileOf(profileName);
    this.engine = engineFor(this.profile);
    this.db = new MappingDatabase(orderFor(memoryPages));
    this.db.addTask(SIGMA0, orderFor(memoryPages));
    this.roots = decompose(0, memoryPages).map(
      (f) => this.db.add({ task: SIGMA0, vbase: f.base, order: f.order, frame: f.base, rights: RWX, parent: null }).id,
    );
  }

  /** An independent copy of this kernel, its mapping database and its engine's state (the profile and roots are shared: they never change). */
  clone(): Kernel {
    const c = Object.create(Kernel.prototype) as Kernel;
    Object.assign(c, {
      memoryPages: this.memoryPages,
      profile: this.profile,
      roots: this.roots,
      superpageOrder: this.superpageOrder,
      db: this.db.clone(),
      engine: this.engine.clone(),
    });
    return c;
  }

  /** Creates an empty address space of `2^spaceOrder` pages. */
  createTask(task: TaskId, spaceOrder: number): void {
    this.db.addTask(task, spaceOrder);
    this.engine.taskCreated(task);
  }

  /** True when a non-root node of this order can exist under the profile's granularity. */
  isNodeOrder(order: number): boolean {
    return this.profile.granularity === 'fpage' || order === 0 || order === this.superpageOrder;
  }

  /**
   * Where the kernel's mapping database files node `n`, when that is not where its page-table
   * entry says (Pistachio's database can disagree with its page table); null when they agree.
   */
  databaseSlot(n: MapNode): { readonly frame: number; readonly order: number } | null {
    return this.engine.databaseSlot(n);
  }

  /** The engine's state beyond the node database that decides later calls (see `EngineElement`). */
  engineElements(): Iterable<EngineElement> {
    return this.engine.elements();
  }

  /**
   * Maps the part of `send` that S has into R at `rcvBase`, as children of S's nodes. With a
   * `window` of another size than `send` at `rcvBase`, the send-base rule (`sendBase`) picks
   * what is sent where, by the window's hot spot.
   */
  map(s: TaskId, send: Fpage, r: TaskId, rcvBase: number, rights: Rights, choices: KernelChoices, window?: ReceiveWindow): KernelEffect {
    return this.transfer('map', s, send, r, rcvBase, rights, choices, window);
  }

  /** Moves S's nodes inside `send` to R at `rcvBase`, keeping their identity and subtrees (`window` as for `map`). */
  grant(s: TaskId, send: Fpage, r: TaskId, rcvBase: number, rights: Rights, choices: KernelChoices, window?: ReceiveWindow): KernelEffect {
    return this.transfer('grant', s, send, r, rcvBase, rights, choices, window);
  }

  /** Revokes everything derived from T's mappings in `fp`; with `flush`, T's own mappings too. */
  unmap(t: TaskId, fp: Fpage, flush: boolean, choices: KernelChoices): KernelEffect {
    const effect = emptyEffect(`${flush ? 'flush' : 'unmap'}(${t}, ${showFpage(fp)})`);
    const bad = this.badTask(t) ?? malformed(fp) ?? this.engine.unmapRefusal(this, t, fp);
    if (bad) return refuse(effect, bad);
    this.engine.unmap(this, t, fp, flush, effect, choices);
    return effect;
  }

  /**
   * The `extended` kernel's call: revokes, with split semantics, only the mappings derived
   * from T's mappings in `fp` that live in `target`, and what derives from them. T keeps its own.
   */
  unmapIn(t: TaskId, fp: Fpage, target: TaskId): KernelEffect {
    const effect = emptyEffect(`unmapIn(${t}, ${showFpage(fp)}, ${target})`);
    if (!this.profile.unmapIn || !this.engine.unmapIn) return refuse(effect, `the ${this.profile.name} kernel has no unmapIn`);
    const bad = this.badTask(t) ?? this.badTask(target) ?? malformed(fp) ?? this.engine.unmapRefusal(this, t, fp);
    if (bad) return refuse(effect, bad);
    this.engine.unmapIn(this, t, fp, target, effect);
    return effect;
  }

  private transfer(kind: 'map' | 'grant', s: TaskId, asked: Fpage, r: TaskId, rcvAsked: number, rights: Rights, choices: KernelChoices, window?: ReceiveWindow): KernelEffect {
    const shown = window ? ` window ${showFpage({ base: rcvAsked, order: window.order })} hot spot ${window.hotSpot}` : '';
    const effect = emptyEffect(`${kind}(${s} ${showFpage(asked)} -> ${r} @${rcvAsked}${shown}, ${showRights(rights)})`);
    const badWindow = window ? (malformed({ base: rcvAsked, order: window.order }) ?? malformed(asked) ?? (Number.isSafeInteger(window.hotSpot) && window.hotSpot >= 0 ? null : `hot spot ${window.hotSpot} is not a page number`)) : null;
    if (badWindow) return refuse(effect, badWindow);
    const placed = window && window.order !== asked.order ? sendBase(alignTo(asked), alignTo({ base: rcvAsked, order: window.order }), window.hotSpot) : { send: asked, rcvBase: rcvAsked };
    const t: Transfer = { kind, s, send: placed.send, r, rcvBase: placed.rcvBase, rights };
    const bad =
      this.badTask(t.s) ??
      this.badTask(t.r) ??
      (t.s === t.r ? 'sender and receiver are the same task' : null) ??
      (t.r === SIGMA0 ? 'sigma0 receives no mappings' : null) ??
      (t.kind === 'grant' && t.s === SIGMA0 ? 'sigma0 grants nothing: its roots stay' : null) ??
      ((t.rights & RWX) === 0 || t.rights !== (t.rights & RWX) ? `rights ${t.rights} are not a non-empty subset of rwx` : null) ??
      malformed(t.send) ??
      (Number.isSafeInteger(t.rcvBase) && t.rcvBase >= 0 ? null : `receive address ${t.rcvBase} is not a page number`) ??
      this.engine.transferRefusal(this, t);
    if (bad) return refuse(effect, bad);
    effect.transfer = { kind, s, send: t.send, r, rcvBase: t.rcvBase, sources: this.sourcesOf(s, alignTo(t.send)) };
    this.engine.transfer(this, t, effect, choices);
    // l4ka/pistachio kernel/src/api/v4/ipcx.cc (lines 209-223): "We are granting an fpage that is larger than
    // receive window. Make sure that the whole fpage of the sender is flushed."
    if (this.profile.engine === 'pistachio' && kind === 'grant' && window && window.order < asked.order) {
      effect.branches.push('grant.window-flush');
      this.engine.unmap(this, s, alignTo(asked), true, effect, choices);
    }
    return effect;
  }

  /** The part of an aligned fpage that lies in T's space (the whole space when it is larger). */
  private sourcesOf(t: TaskId, f: Fpage): MapNode[] {
    const top = this.db.spaceOrder(t)!;
    if (f.order > top) return f.base === 0 ? this.db.inSpace(t, { base: 0, order: top }) : [];
    return f.base + 2 ** f.order <= 2 ** top ? this.db.inSpace(t, f) : [];
  }

  private badTask(t: TaskId): string | null {
    return this.db.hasTask(t) ? null : `no task ${t}`;
  }
}

/** A receive window of its own size at the receive address, and the hot spot that places the send within it (or it within the send). */
export interface ReceiveWindow {
  readonly order: number;
  readonly hotSpot: number;
}

const alignTo = (f: Fpage): Fpage => ({ base: f.base - (f.base % 2 ** f.order), order: f.order });

function malformed(f: Fpage): string | null {
  return Number.isSafeInteger(f.base) && Number.isInteger(f.order) && f.base >= 0 && f.order >= 0 && f.order <= MAX_ORDER ? null : `fpage ${showFpage(f)} is malformed`;
}

function refuse(effect: KernelEffect, reason: string): KernelEffect {
  return { ...effect, refused: reason, branches: ['refused'], created: [], removed: [], lost: [], changed: [], skipped: [] };
}
