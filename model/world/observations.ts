import type { ChoicesUsed, Fpage, KernelEffect, Rights, TaskId } from '../kernel/index.ts';
import type { Command } from './commands.ts';

/** A proxy address-space region in use, for judging who filled a full proxy. */
export interface SpaceSlot {
  readonly region: Fpage;
  /** Clients the region serves. */
  readonly users: readonly number[];
  /** The allocation whose frames the region holds. */
  readonly handle: number;
}

/** How a command ended. */
export type Outcome =
  | { readonly kind: 'applied' }
  | { readonly kind: 'refused'; readonly reason: string }
  /** The server could not serve a valid request: its proxy space `space` (of `2^spaceOrder` pages) had no room. */
  | {
      readonly kind: 'exhausted';
      readonly client: number;
      readonly order: number;
      readonly space: TaskId;
      readonly spaceOrder: number;
      readonly slots: readonly SpaceSlot[];
    };

/** What a request or touch asked the server for: frames `[frame, frame + 2^order)` of `handle` at `vaddr` in the client. */
export interface ServeRequest {
  readonly client: number;
  readonly handle: number;
  readonly frame: number;
  readonly order: number;
  readonly vaddr: number;
  /** The rights the client holds the allocation with, which the mapping must give. */
  readonly rights: Rights;
}

/** Everything one step did, as data: what properties judge. */
export interface StepObservation {
  readonly index: number;
  readonly command: Command;
  /** Clients on whose behalf the step acted (a map acts for giver and receiver). */
  readonly actors: readonly number[];
  readonly outcome: Outcome;
  /** Every kernel call the step made, in order, by whichever task made it. */
  readonly effects: readonly KernelEffect[];
  /** Allocations whose holder set changed or that ended in this step. */
  readonly touchedAllocations: readonly number[];
  /** True when a touch found its page gone and asked again. */
  readonly refault: boolean;
  /** What the step asked the server to map (a request, or a touch asking again), else null. */
  readonly served: ServeRequest | null;
  /** Kernel choices the step consumed: the events it raised under a choosing profile. */
  readonly choicesUsed: ChoicesUsed;
}
