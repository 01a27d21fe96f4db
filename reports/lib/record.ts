import { z } from 'zod';
import { configSchema, parseValidated, readValidated, type FormatOf } from '../../counterexamples/index.ts';
import type { CheckResult, Finding, Shard } from '../../properties/index.ts';
import type { RecordedCell } from './verdicts.ts';

export const RUN_FORMAT = 'fpcheck-run';
export const RUN_VERSION = 3;

/** What `fpcheck run` leaves for `fpcheck report`: options, and per cell its findings and counts (never traces). */
export interface RunRecord {
  readonly format: typeof RUN_FORMAT;
  readonly version: typeof RUN_VERSION;
  readonly fpcheck: string;
  readonly seed: number;
  readonly runs: number;
  readonly maxCommands: number;
  /** Runs per seed block: a cell's runs are searched in blocks of this many, each with seeds of its own. */
  readonly blockRuns: number;
  readonly config: z.infer<typeof configSchema>;
  readonly interrupted: boolean;
  /** Whole-database structure checks after every step (`--paranoid`). */
  readonly paranoid?: boolean;
  /** Present when this run searched one slice of the seed blocks of the matrix (`--shard i/n`). */
  readonly shard?: { readonly index: number; readonly count: number };
  readonly cells: readonly RecordedCell[];
}

const count = z.number().int().min(0);
const counts = z.record(z.string(), count);
const histogram = z.record(z.string(), z.number().int().min(0));

export const runRecordSchema = z.strictObject({
  format: z.literal(RUN_FORMAT),
  version: z.literal(RUN_VERSION),
  fpcheck: z.string().max(50),
  seed: z.number().int(),
  runs: z.number().int().min(0),
  maxCommands: z.number().int().min(0),
  blockRuns: z.number().int().min(1),
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
        blocks: z.array(z.number().int().min(0)).max(10_000),
        findings: z.array(z.strictObject({ invariant: z.string().max(200), block: z.number().int().min(0), step: z.number().int().min(0), length: z.number().int().min(0), message: z.string().max(10_000), file: z.string().max(1000) })).max(100),
        stats: z.strictObject({
          runs: z.number().int().min(0),
          steps: z.number().int().min(0),
          invariants: z.record(z.string(), z.strictObject({ holds: count, vacuous: count, exempt: count, violated: count, runsNonVacuous: count })),
          commands: z.record(z.string(), z.strictObject({ generated: count, unfit: count, applied: count, refused: count, exhausted: count })),
          reach: z.record(z.string(), z.record(z.string(), z.strictObject({ drawn: count, applied: count }))),
          refusals: counts,
          branches: counts,
          cost: z.strictObject({ collateral: histogram, refaults: z.number().int().min(0), kernelCalls: histogram, nodes: histogram, proxyPages: histogram }),
        }),
      }),
    )
    .max(10_000),
});

/** The record of a finished (or interrupted) check; `fileOf` saves a finding and names its file. */
export function runRecordOf(result: CheckResult, meta: { readonly fpcheck: string; readonly paranoid: boolean; readonly shard?: Shard }, fileOf: (f: Finding) => string): RunRecord {
  return {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    fpcheck: meta.fpcheck,
    seed: result.options.seed,
    runs: result.options.runs,
    maxCommands: result.options.maxCommands,
    blockRuns: result.options.blockRuns,
    config: result.config,
    interrupted: result.interrupted,
    paranoid: meta.paranoid,
    ...(meta.shard ? { shard: meta.shard } : {}),
    cells: result.cells.map((c) => ({
      design: c.design,
      profile: c.profile,
      interrupted: c.interrupted,
      blocks: [...c.blocks],
      stats: c.stats,
      findings: c.findings.map((f) => ({ invariant: f.violation.invariant, block: f.block, step: f.violation.step, length: f.commands.length, message: f.violation.message, file: fileOf(f) })),
    })),
  };
}

/** Older records describe searches of an earlier model (other kernel rules and invariants): they are refused with a request to re-record. */
const RUN: FormatOf = { format: RUN_FORMAT, version: RUN_VERSION };

/** Reads and validates a run record file; throws BadFileError naming file, field and value. */
export const loadRunRecord = (path: string): RunRecord => readValidated(path, runRecordSchema, RUN) as RunRecord;

/** Validates the text of a run record named `file`. */
export const parseRunRecord = (text: string, file: string): RunRecord => parseValidated(text, file, runRecordSchema, RUN) as RunRecord;
