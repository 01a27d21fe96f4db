import { z } from 'zod';
import { configSchema } from '../../counterexamples/index.ts';
import type { RecordedCell } from './verdicts.ts';

export const RUN_FORMAT = 'fpcheck-run';
export const RUN_VERSION = 1;

/** What `fpcheck run` leaves for `fpcheck report`: options, and per cell its findings and counts (never traces). */
export interface RunRecord {
  readonly format: typeof RUN_FORMAT;
  readonly version: typeof RUN_VERSION;
  readonly fpcheck: string;
  readonly seed: number;
  readonly runs: number;
  readonly maxCommands: number;
  readonly config: z.infer<typeof configSchema>;
  readonly interrupted: boolean;
  /** Whole-database structure checks after every step (`--paranoid`). */
  readonly paranoid?: boolean;
  /** Present when this run searched one slice of the matrix (`--shard i/n`). */
  readonly shard?: { readonly index: number; readonly count: number };
  readonly cells: readonly RecordedCell[];
}

const counts = z.record(z.string(), z.number().int().min(0));
const histogram = z.record(z.string(), z.number().int().min(0));

export const runRecordSchema = z.strictObject({
  format: z.literal(RUN_FORMAT),
  version: z.literal(RUN_VERSION),
  fpcheck: z.string().max(50),
  seed: z.number().int(),
  runs: z.number().int().min(0),
  maxCommands: z.number().int().min(0),
  config: configSchema,
  interrupted: z.boolean(),
  paranoid: z.boolean().optional(),
  shard: z.strictObject({ index: z.number().int().min(1).max(10_000), count: z.number().int().min(1).max(10_000) }).refine((s) => s.index <= s.count, 'shard index must not exceed the shard count').optional(),
  cells: z
    .array(
      z.strictObject({
        design: z.string().max(100),
        profile: z.string().max(100),
        interrupted: z.boolean(),
        findings: z.array(z.strictObject({ invariant: z.string().max(200), step: z.number().int().min(0), length: z.number().int().min(0), message: z.string().max(10_000), file: z.string().max(1000) })).max(100),
        stats: z.strictObject({
          runs: z.number().int().min(0),
          steps: z.number().int().min(0),
          invariants: z.record(z.string(), z.strictObject({ holds: z.number().int().min(0), vacuous: z.number().int().min(0), violated: z.number().int().min(0), runsNonVacuous: z.number().int().min(0) })),
          commands: z.record(z.string(), z.strictObject({ generated: z.number().int().min(0), applied: z.number().int().min(0), refused: z.number().int().min(0), exhausted: z.number().int().min(0) })),
          refusals: counts,
          branches: counts,
          cost: z.strictObject({ collateral: histogram, refaults: z.number().int().min(0), kernelCalls: histogram, nodes: histogram, proxyPages: histogram }),
        }),
      }),
    )
    .max(10_000),
});
