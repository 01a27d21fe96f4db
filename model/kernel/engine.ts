import type { KernelEffect } from './effects.ts';
import type { Fpage } from './fpage.ts';
import type { Kernel } from './kernel.ts';
import type { MapNode, TaskId } from './mapdb.ts';
import type { KernelChoices } from './profiles.ts';
import type { Rights } from './rights.ts';

/** A map or grant call, after the kernel's common argument checks. */
export interface Transfer {
  readonly kind: 'map' | 'grant';
  readonly s: TaskId;
  readonly send: Fpage;
  readonly r: TaskId;
  readonly rcvBase: number;
  readonly rights: Rights;
}

/**
 * A piece of an engine's state beyond the node database that decides what later calls do (a page
 * table that outlives its mappings, where a database files a node): the task it belongs to and
 * numbers. World fingerprints hash these with the task renamed, so two states that differ only
 * here are never merged.
 */
export interface EngineElement {
  readonly task: TaskId;
  readonly values: readonly number[];
}

/**
 * How one family of kernels carries out map, grant and unmap on the mapping database. `Kernel`
 * checks the arguments every kernel checks (tasks exist, no send to oneself or to sigma0, rights
 * a subset of rwx, fpages well formed) and hands the call here with the effect to record into.
 * The spec-level profiles share one engine driven by the profile's rules; each named kernel has an
 * engine of its own that follows that kernel's code path by path and cites it. An engine keeps
 * no reference to its kernel: the kernel is passed in, so that a cloned kernel clones its engine.
 */
export interface KernelEngine {
  /** Why this kernel refuses the call before changing anything, or null. */
  transferRefusal(k: Kernel, t: Transfer): string | null;
  transfer(k: Kernel, t: Transfer, effect: KernelEffect, choices: KernelChoices): void;
  /** Why this kernel refuses the unmap before changing anything, or null. */
  unmapRefusal(k: Kernel, task: TaskId, fp: Fpage): string | null;
  unmap(k: Kernel, task: TaskId, fp: Fpage, flush: boolean, effect: KernelEffect, choices: KernelChoices): void;
  /** The `extended` kernel's targeted revocation; only engines whose profiles offer it have it. */
  unmapIn?(k: Kernel, task: TaskId, fp: Fpage, target: TaskId, effect: KernelEffect): void;
  /** Called when the kernel creates an address space. */
  taskCreated(task: TaskId): void;
  /** An independent copy of the engine's own state. */
  clone(): KernelEngine;
  /** The engine's own state, for fingerprints (see `EngineElement`). */
  elements(): Iterable<EngineElement>;
  /** Where the kernel's database files `n`, when that differs from its page-table entry; else null. */
  databaseSlot(n: MapNode): { readonly frame: number; readonly order: number } | null;
}
