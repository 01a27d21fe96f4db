import { z } from 'zod';
import { configSchema, parseValidated, readValidated, type FormatOf } from '../../counterexamples/index.ts';
import { designNamed, PROFILE_NAMES, type ProfileName } from '../../model/index.ts';
import type { CheckResult, Finding, Shard } from '../../properties/index.ts';
import type { RecordedCell } from './verdicts.ts';

export const RUN_FORMAT = 'fpcheck-run';
export const RUN_VERSION = 3;

/**
 * What `fpcheck run` or `fpcheck verify` leaves for `fpcheck report`: the budget, the matrix asked
 * for, whether every cell was searched in full (and if not, why), and per cell its findings and
 * counts (never traces).
 */
export interface RunRecord {
  readonly format: typeof RUN_FORMAT;
  readonly version: typeof RUN_VERSION;
  readonly fpcheck: string;
  /** `random`: fast-check's runs; `exhaustive`: every command sequence to a depth. */
  readonly search: 'random' | 'exhaustive';
  readonly seed: number;
  /** Runs budgeted per cell (each cell's `stats.runs` says how many were made). */
  readonly runs: number;
  readonly maxCommands: number;
  /** Runs per seed block: a cell's runs are searched in blocks of this many, each with seeds of its own. */
  readonly blockRuns: number;
  /** Budget, in transitions, of each search for a shorter counterexample. */
  readonly certifyTransitions: number;
  /** The exhaustive search's depth, and whether it counted states equal up to renamed clients once. */
  readonly depth?: number;
  readonly symmetry?: boolean;
  /** The time limit in seconds, when one was set. */
  readonly timeLimit?: number;
  readonly config: z.infer<typeof configSchema>;
  /** The designs and profiles asked for, in matrix order. */
  readonly matrix: { readonly designs: readonly string[]; readonly profiles: readonly string[] };
  readonly interrupted: boolean;
  /** True when every cell of the matrix was searched to its full budget; else `incomplete` says why. */
  readonly complete: boolean;
  readonly incomplete: readonly string[];
  /** Whole-database structure and safety checks after every step (`--paranoid`). */
  readonly paranoid?: boolean;
  /** Present when this run searched one slice of the matrix's seed blocks or first commands (`--shard i/n`). */
  readonly shard?: { readonly index: number; readonly count: number };
  readonly cells: readonly RecordedCell[];
}

const count = z.number().int().min(0);
const counts = z.record(z.string(), count);
const histogram = z.record(z.string(), count);
const name = z.string().max(100);
// Designs may be a project's own; profiles are fpcheck's (the reports look each one's kernel rules up).
const profileName = z.enum(PROFILE_NAMES);

export const runRecordSchema = z
  .strictObject({
    format: z.literal(RUN_FORMAT),
    version: z.literal(RUN_VERSION),
    fpcheck: z.string().max(50),
    search: z.enum(['random', 'exhaustive']),
    seed: z.number().int(),
    runs: count,
    maxCommands: count,
    blockRuns: z.number().int().min(1),
    certifyTransitions: count,
    depth: z.number().int().min(0).max(64).optional(),
    symmetry: z.boolean().optional(),
    timeLimit: z.number().positive().optional(),
    config: configSchema,
    matrix: z.strictObject({ designs: z.array(name).max(1000), profiles: z.array(profileName).max(100) }),
    interrupted: z.boolean(),
    complete: z.boolean(),
    incomplete: z.array(z.string().max(200)).max(20),
    paranoid: z.boolean().optional(),
    shard: z.strictObject({ index: z.number().int().min(1).max(10_000), count: z.number().int().min(1).max(10_000) }).refine((s) => s.index <= s.count, 'shard index must not exceed the shard count').optional(),
    cells: z
      .array(
        z.strictObject({
          design: name,
          profile: profileName,
          interrupted: z.boolean(),
          timedOut: z.boolean(),
          blocks: z.array(count).max(10_000),
          findings: z
            .array(
              z.strictObject({
                invariant: z.string().max(200),
                block: count,
                step: count,
                length: z.number().int().min(1),
                message: z.string().max(10_000),
                file: z.string().max(1000),
                shortest: z.union([z.literal(true), z.literal('unknown')]),
                notCertified: z.enum(['time limit', 'interrupted']).optional(),
                run: z.number().int().min(1).optional(),
              }),
            )
            .max(100),
          stats: z.strictObject({
            runs: count,
            steps: count,
            invariants: z.record(z.string(), z.strictObject({ holds: count, vacuous: count, exempt: count, violated: count, runsNonVacuous: count })),
            commands: z.record(z.string(), z.strictObject({ generated: count, unfit: count, applied: count, refused: count, exhausted: count })),
            reach: z.record(z.string(), z.record(z.string(), z.strictObject({ drawn: count, applied: count }))),
            refusals: counts,
            branches: counts,
            cost: z.strictObject({ collateral: histogram, refaults: count, kernelCalls: histogram, nodes: histogram, proxyPages: histogram }),
          }),
          exhaustive: z
            .strictObject({ depth: count, depthDone: count, states: count, statesPerDepth: z.array(count).max(65), transitions: count, symmetry: z.boolean(), shards: z.number().int().min(2).max(10_000).optional(), memoryLimited: z.literal(true).optional() })
            .refine((e) => e.depthDone <= e.depth, 'depthDone must not exceed depth')
            .optional(),
        }),
      )
      .max(10_000),
  })
  .superRefine((r, ctx) => {
    // The record's own figures must agree with each other: a hand-edited or corrupt record is refused, not reported.
    const seen = new Set<string>();
    r.cells.forEach((c, i) => {
      const key = `${c.design}/${c.profile}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['cells', i], message: `cell ${key} appears twice` });
      seen.add(key);
      for (const [inv, k] of Object.entries(c.stats.invariants)) {
        if (k.runsNonVacuous > c.stats.runs) ctx.addIssue({ code: 'custom', path: ['cells', i, 'stats', 'invariants', inv, 'runsNonVacuous'], message: `more runs with a non-vacuous check (${k.runsNonVacuous}) than runs (${c.stats.runs})` });
        if (k.exempt > k.vacuous) ctx.addIssue({ code: 'custom', path: ['cells', i, 'stats', 'invariants', inv, 'exempt'], message: `more exempt checks (${k.exempt}) than vacuous ones (${k.vacuous})` });
      }
      for (const [kind, k] of Object.entries(c.stats.commands)) {
        if (k.unfit + k.refused + k.applied + k.exhausted !== k.generated) ctx.addIssue({ code: 'custom', path: ['cells', i, 'stats', 'commands', kind], message: 'unfit, refused, applied and exhausted do not add up to generated' });
      }
      if (r.search === 'random' && c.stats.runs > r.runs) ctx.addIssue({ code: 'custom', path: ['cells', i, 'stats', 'runs'], message: `${c.stats.runs} runs, more than the budget of ${r.runs}` });
      const blocks = Math.max(1, Math.ceil(r.runs / r.blockRuns));
      for (const b of c.blocks) if (r.search === 'random' && b >= blocks) ctx.addIssue({ code: 'custom', path: ['cells', i, 'blocks'], message: `block ${b} is past the ${blocks} blocks of ${r.runs} runs in blocks of ${r.blockRuns}` });
      if (r.search === 'exhaustive' && !c.exhaustive) ctx.addIssue({ code: 'custom', path: ['cells', i, 'exhaustive'], message: 'an exhaustive run record must say how deep each cell was searched' });
    });
    const missing = missingCells(r);
    if (r.complete && missing.length > 0) ctx.addIssue({ code: 'custom', path: ['complete'], message: `a complete record must hold every cell of its matrix; it lacks ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}` });
    if (r.complete !== (r.incomplete.length === 0)) ctx.addIssue({ code: 'custom', path: ['complete'], message: '`complete` must be true exactly when `incomplete` gives no reason' });
  });

/**
 * The cells of a matrix, `design/profile` in matrix order: every profile a registered design runs
 * on. A design fpcheck does not know (a user's own) has the cells the record holds for it. Pure.
 */
export function matrixCells(matrix: { readonly designs: readonly string[]; readonly profiles: readonly string[] }, cells: ReadonlyArray<{ readonly design: string; readonly profile: string }>): string[] {
  return matrix.designs.flatMap((d) => {
    const design = designNamed(d);
    return matrix.profiles.filter((p) => (design && (PROFILE_NAMES as readonly string[]).includes(p) ? design.supports(p as ProfileName) : cells.some((c) => c.design === d && c.profile === p))).map((p) => `${d}/${p}`);
  });
}

/**
 * The cells of the matrix a result or record holds no result for (not started: an interrupt, a
 * lost shard). One shard of several holds only its own slice: that is said by its shard, not here. Pure.
 */
export function missingCells(r: {
  readonly matrix?: { readonly designs: readonly string[]; readonly profiles: readonly string[] };
  readonly shard?: { readonly count: number } | undefined;
  readonly cells: ReadonlyArray<{ readonly design: string; readonly profile: string }>;
}): string[] {
  if (!r.matrix || (r.shard && r.shard.count > 1)) return [];
  const have = new Set(r.cells.map((c) => `${c.design}/${c.profile}`));
  return matrixCells(r.matrix, r.cells).filter((k) => !have.has(k));
}

/** Why a result does not cover every cell in full; empty when it does. Pure. */
export function incompleteness(result: {
  readonly shard?: Shard | undefined;
  readonly interrupted: boolean;
  readonly matrix?: { readonly designs: readonly string[]; readonly profiles: readonly string[] };
  readonly cells: ReadonlyArray<{ readonly design: string; readonly profile: string; readonly timedOut: boolean }>;
}): string[] {
  const out: string[] = [];
  // One shard of one is the whole search.
  if (result.shard && result.shard.count > 1) out.push(`shard ${result.shard.index} of ${result.shard.count}`);
  if (result.interrupted) out.push('interrupted');
  if (result.cells.some((c) => c.timedOut)) out.push('time limit');
  const missing = missingCells(result);
  if (missing.length > 0) out.push(`${missing.length} of ${matrixCells(result.matrix!, result.cells).length} cells not run`);
  return out;
}

/** The record of a finished (or interrupted) check; `fileOf` saves a finding and names its file. */
export function runRecordOf(result: CheckResult, meta: { readonly fpcheck: string; readonly paranoid: boolean }, fileOf: (f: Finding) => string): RunRecord {
  const incomplete = incompleteness(result);
  const o = result.options;
  return {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    fpcheck: meta.fpcheck,
    search: result.search,
    seed: o.seed,
    runs: o.runs,
    maxCommands: o.maxCommands,
    blockRuns: o.blockRuns,
    certifyTransitions: o.certifyTransitions,
    ...(o.depth !== undefined ? { depth: o.depth } : {}),
    ...(o.symmetry !== undefined ? { symmetry: o.symmetry } : {}),
    ...(o.timeLimitMs ? { timeLimit: o.timeLimitMs / 1000 } : {}),
    config: result.config,
    matrix: { designs: [...result.matrix.designs], profiles: [...result.matrix.profiles] },
    interrupted: result.interrupted,
    complete: incomplete.length === 0,
    incomplete,
    paranoid: meta.paranoid,
    ...(result.shard ? { shard: result.shard } : {}),
    cells: result.cells.map((c) => ({
      design: c.design,
      profile: c.profile,
      interrupted: c.interrupted,
      timedOut: c.timedOut,
      blocks: [...c.blocks],
      stats: c.stats,
      findings: c.findings.map((f) => ({ invariant: f.violation.invariant, block: f.block, step: f.violation.step, length: f.commands.length, message: f.violation.message, file: fileOf(f), shortest: f.shortest, ...(f.notCertified ? { notCertified: f.notCertified } : {}), ...(f.run !== undefined ? { run: f.run } : {}) })),
      ...(c.exhaustive ? { exhaustive: { ...c.exhaustive, statesPerDepth: [...c.exhaustive.statesPerDepth] } } : {}),
    })),
  };
}

/** Older records describe searches of an earlier model (other kernel rules and invariants): they are refused with a request to re-record. */
const RUN: FormatOf = { format: RUN_FORMAT, version: RUN_VERSION };

/** Reads and validates a run record file; throws BadFileError naming file, field and value. */
export const loadRunRecord = (path: string): RunRecord => readValidated(path, runRecordSchema, RUN) as RunRecord;

/** Validates the text of a run record named `file`. */
export const parseRunRecord = (text: string, file: string): RunRecord => parseValidated(text, file, runRecordSchema, RUN) as RunRecord;
