import type { OvermapChoice, PartialChoice, RightsText } from '../kernel/index.ts';

/** The kernel's answers to the nondeterminism one command meets (read in order; `x2` and `pistachio` use them). */
export interface KernelInput {
  readonly partial?: readonly PartialChoice[];
  readonly overmap?: readonly OvermapChoice[];
}

interface Base {
  readonly kernel?: KernelInput;
}

/**
 * A client's send to another client: the fpage `order` at `vaddr`, to `toVaddr` of `other`, with
 * `rights` (all when absent). With `window`, the receive window at `toVaddr` has that order and
 * the send-base rule places the send by `hotSpot` (0 when absent).
 */
interface Send {
  readonly client: number;
  readonly vaddr: number;
  readonly order: number;
  readonly other: number;
  readonly toVaddr: number;
  readonly rights?: RightsText;
  readonly window?: number;
  readonly hotSpot?: number;
}

/** One step of the world, as plain data. Clients are numbered from 0; handles count allocations from 0. */
export type Command =
  | (Base & { readonly kind: 'alloc'; readonly client: number; readonly order: number })
  | (Base & { readonly kind: 'request'; readonly client: number; readonly handle: number; readonly offset: number; readonly order: number; readonly vaddr: number })
  /** The owner lets `other` hold the handle too, with `rights` (all when absent; `r-x` for a shared library). */
  | (Base & { readonly kind: 'share'; readonly client: number; readonly handle: number; readonly other: number; readonly rights?: RightsText })
  | (Base & { readonly kind: 'release'; readonly client: number; readonly handle: number })
  | (Base & { readonly kind: 'dealloc'; readonly client: number; readonly handle: number })
  | (Base & Send & { readonly kind: 'map' })
  /** Like map, but the client's own mapping moves to `other` (L4 grant). */
  | (Base & Send & { readonly kind: 'grant' })
  | (Base & { readonly kind: 'unmap'; readonly client: number; readonly vaddr: number; readonly order: number; readonly flush: boolean })
  | (Base & { readonly kind: 'touch'; readonly client: number; readonly vaddr: number })
  | (Base & { readonly kind: 'exit'; readonly client: number });

export type CommandKind = Command['kind'];
export const COMMAND_KINDS: readonly CommandKind[] = ['alloc', 'request', 'share', 'release', 'dealloc', 'map', 'grant', 'unmap', 'touch', 'exit'];

/** The task name of client `i`. */
export const clientTask = (i: number): string => `c${i}`;
