import type { OvermapChoice, PartialChoice } from '../kernel/index.ts';

/** The kernel's answers to the nondeterminism one command meets (read in order; `x2` and `pistachio` use them). */
export interface KernelInput {
  readonly partial?: readonly PartialChoice[];
  readonly overmap?: readonly OvermapChoice[];
}

interface Base {
  readonly kernel?: KernelInput;
}

/** One step of the world, as plain data. Clients are numbered from 0; handles count allocations from 0. */
export type Command =
  | (Base & { readonly kind: 'alloc'; readonly client: number; readonly order: number })
  | (Base & { readonly kind: 'request'; readonly client: number; readonly handle: number; readonly offset: number; readonly order: number; readonly vaddr: number })
  | (Base & { readonly kind: 'share'; readonly client: number; readonly handle: number; readonly other: number })
  | (Base & { readonly kind: 'release'; readonly client: number; readonly handle: number })
  | (Base & { readonly kind: 'dealloc'; readonly client: number; readonly handle: number })
  | (Base & { readonly kind: 'map'; readonly client: number; readonly vaddr: number; readonly order: number; readonly other: number; readonly toVaddr: number })
  | (Base & { readonly kind: 'unmap'; readonly client: number; readonly vaddr: number; readonly order: number; readonly flush: boolean })
  | (Base & { readonly kind: 'touch'; readonly client: number; readonly vaddr: number })
  | (Base & { readonly kind: 'exit'; readonly client: number });

export type CommandKind = Command['kind'];
export const COMMAND_KINDS: readonly CommandKind[] = ['alloc', 'request', 'share', 'release', 'dealloc', 'map', 'unmap', 'touch', 'exit'];

/** The task name of client `i`. */
export const clientTask = (i: number): string => `c${i}`;
