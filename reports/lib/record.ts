import { z } from 'zod';
import { configSchema, parseValidated, readValidated, type FormatOf } from '../../counterexamples/index.ts';
import type { CheckResult, Finding, Shard } from '../../properties/index.ts';
import type { RecordedCell } from './verdicts.ts';

export const RUN_FORMAT = 'fpcheck-run';
export const RUN_VERSION = 2;

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

const counts = z.record(z.string(), z.number().int().min(0));
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
          invariants: z.record(z.string(), z.strictObject({ holds: z.number().int().min(0), vacuous: z.number().int().min(0), violated: z.number().int().min(0), runsNonVacuous: z.number().int().min(0) })),
          commands: z.record(z.string(), z.strictObject({ generated: z.number().int().min(0), unfit: z.number().int().min(0), applied: z.number().int().min(0), refused: z.number().int().min(0), exhausted: z.number().int().min(0) })),
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `f` applied to each element of `xs` that is an object; anything else is left for the schema to judge. */
const eachObject = (xs: unknown, f: (o: Record<string, unknown>) => Record<string, unknown>): unknown => (Array.isArray(xs) ? xs.map((x: unknown) => (isObject(x) ? f(x) : x)) : xs);

/**
 * Version 1 searched each cell with one seed sequence, which is one seed block of all its runs:
 * block 0's seeds are the ones version 1 used, so the lifted record says exactly what happened.
 * Version 1 counted only the commands that ran, so none of its generated commands were unfit.
 */
const fromVersion1 = (o: Readonly<Record<string, unknown>>): Record<string, unknown> => ({
  ...o,
  blockRuns: typeof o.runs === 'number' ? Math.max(1, o.runs) : o.runs,
  cells: eachObject(o.cells, (c) => ({
    ...c,
    blocks: [0],
    findings: eachObject(c.findings, (f) => ({ ...f, block: 0 })),
    stats: isObject(c.stats) && isObject(c.stats.commands) ? { ...c.stats, commands: Object.fromEntries(Object.entries(c.stats.commands).map(([k, n]) => [k, isObject(n) ? { ...n, unfit: 0 } : n])) } : c.stats,
  })),
});

/**
 * What version 1 wrote for the same search: no seed blocks, and no count of unfit commands.
 * The inverse of the lifting above up to those counts; tests and the fuzz campaign use it to make version 1 files.
 */
export function asVersion1(r: RunRecord): Record<string, unknown> {
  const { blockRuns: _, ...rest } = r;
  return {
    ...rest,
    version: 1,
    cells: r.cells.map(({ blocks: _b, ...c }) => ({
      ...c,
      findings: c.findings.map(({ block: _f, ...f }) => f),
      stats: { ...c.stats, commands: Object.fromEntries(Object.entries(c.stats.commands).map(([k, { unfit: _u, ...n }]) => [k, n])) },
    })),
  };
}

const RUN: FormatOf = { format: RUN_FORMAT, version: RUN_VERSION, migrations: { 1: fromVersion1 } };

/** Reads and validates a run record file; throws BadFileError naming file, field and value. */
export const loadRunRecord = (path: string): RunRecord => readValidated(path, runRecordSchema, RUN) as RunRecord;

/** Validates the text of a run record named `file`. */
export const parseRunRecord = (text: string, file: string): RunRecord => parseValidated(text, file, runRecordSchema, RUN) as RunRecord;
