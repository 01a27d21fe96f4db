import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../counterexamples/index.ts';
import { configProblems, DEFAULT_CONFIG, DESIGNS, PROFILE_NAMES, type Design, type ProfileName, type WorldConfig } from '../model/index.ts';
import { designsExported, importModule, isDesign, rememberModule } from '../properties/workers/designs.ts';

/**
 * What `fpcheck.config.{ts,mts,js,mjs}` exports by default: the project's own designs (known to
 * `run`, `verify`, `replay` and `report` by name, and what `run` and `verify` check when no
 * `--design` is given), and defaults for the flags. A flag given on the command line wins.
 */
export interface FpcheckConfig {
  /** The project's designs. Without `--design`, `run` and `verify` check these (all built-ins when there are none). */
  readonly designs?: readonly Design[];
  /** Kernel profiles to check on (default: all). */
  readonly profiles?: readonly ProfileName[];
  /** The world of both searches, over their defaults (`run`: DEFAULT_CONFIG, `verify`: VERIFY_CONFIG). */
  readonly world?: Partial<WorldConfig>;
  /** `run`: search runs per cell. */
  readonly runs?: number;
  /** `run`: longest command sequence. */
  readonly maxCommands?: number;
  /** `run`: fast-check seed. */
  readonly seed?: number;
  /** `verify`: depth of the exhaustive search. */
  readonly depth?: number;
  /** Worker threads of `run` and `verify`. */
  readonly workers?: number;
  /** Where counterexamples are saved (default `counterexamples`). */
  readonly out?: string;
  /** Where run records are written and read (default `reports/runs`). */
  readonly runsDir?: string;
  /** Where `report` writes (default `reports/out`). */
  readonly reportDir?: string;
}

/**
 * Types a config file's default export.
 * @example
 * // fpcheck.config.mjs
 * import { defineConfig } from 'fpcheck';
 * import { myDesign } from './my-design.js';
 * export default defineConfig({ designs: [myDesign], profiles: ['x2', 'fiasco'], runs: 200, depth: 3 });
 */
export const defineConfig = (config: FpcheckConfig): FpcheckConfig => config;

/** The file names looked for in the working directory, in this order. */
export const CONFIG_FILES = ['fpcheck.config.ts', 'fpcheck.config.mts', 'fpcheck.config.js', 'fpcheck.config.mjs'] as const;

const count = (max: number) => z.number().int().min(1).max(max);
const worldKeys = Object.keys(DEFAULT_CONFIG) as Array<keyof WorldConfig>;
const schema = z
  .object({
    designs: z.array(z.custom<Design>(isDesign, { message: 'is not a design (want an object with name, summary, supports and start)' })).optional(),
    profiles: z.array(z.enum(PROFILE_NAMES as unknown as [ProfileName, ...ProfileName[]])).optional(),
    world: z.object(Object.fromEntries(worldKeys.map((k) => [k, z.number().int().min(0).optional()]))).strict().optional(),
    runs: count(10_000_000).optional(),
    maxCommands: count(100_000).optional(),
    seed: z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1).optional(),
    depth: z.number().int().min(0).max(64).optional(),
    workers: count(256).optional(),
    out: z.string().min(1).optional(),
    runsDir: z.string().min(1).optional(),
    reportDir: z.string().min(1).optional(),
  })
  .strict();

/** A loaded config: where it came from, and what it says. */
export interface LoadedConfig {
  readonly file: string | null;
  readonly config: FpcheckConfig;
}

/** Finds and loads the config: `--config FILE`, or the first of `CONFIG_FILES` in `cwd`, or none. Throws `UsageError` naming the file and what is wrong. */
export async function loadConfig(explicit: string | undefined, cwd = process.cwd()): Promise<LoadedConfig> {
  const file = explicit !== undefined ? resolve(cwd, explicit) : CONFIG_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  if (file === undefined) return { file: null, config: {} };
  if (!existsSync(file)) throw new UsageError(`--config ${explicit}: no such file`);
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(file);
  } catch (e) {
    throw new UsageError(`${file}: could not be loaded: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(exports.default);
  if (exports.default === undefined) throw new UsageError(`${file}: has no default export; write \`export default defineConfig({ designs: [...] })\``);
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(the config)'}: ${i.message}`).join('; ');
    throw new UsageError(`${file}: ${what}`);
  }
  const config = exports.default as FpcheckConfig;
  const world = { ...DEFAULT_CONFIG, ...config.world };
  const problems = configProblems(world);
  if (config.world && problems.length > 0) throw new UsageError(`${file}: world: ${problems.join('; ')}`);
  const names = new Set<string>();
  for (const d of config.designs ?? []) {
    if (names.has(d.name)) throw new UsageError(`${file}: designs: two designs are named ${d.name}`);
    if (DESIGNS.some((b) => b.name === d.name)) throw new UsageError(`${file}: designs: ${d.name} is the name of a built-in design; give yours a name of its own`);
    names.add(d.name);
    rememberModule(d, file);
  }
  return { file, config };
}

/** True for a `--design` value that names a module rather than a design. */
const isPath = (s: string) => /[\\/]/.test(s) || /\.[mc]?[jt]s$/.test(s);

/** The designs of a module named by `--design ./path`: its default export or named exports that are designs. */
export async function designsOfModule(path: string, cwd = process.cwd()): Promise<Design[]> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw new UsageError(`--design ${path}: no such file`);
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(file);
  } catch (e) {
    throw new UsageError(`--design ${path}: could not be loaded: ${(e as Error).message}`);
  }
  const found = designsExported(exports);
  if (found.length === 0) throw new UsageError(`--design ${path}: exports no design (want a default or named export with name, summary, supports and start)`);
  for (const d of found) rememberModule(d, file);
  return found;
}

/**
 * The designs `--design` asks for (names of built-in or config designs, and module paths), in
 * matrix order: config designs as listed, then built-ins in registry order, then modules' designs
 * as given. Without `--design`: the config's designs, or every built-in when it has none.
 */
export async function designsAsked(asked: readonly string[] | undefined, loaded: LoadedConfig): Promise<Design[] | undefined> {
  const own = loaded.config.designs ?? [];
  if (!asked) return own.length > 0 ? [...own] : undefined;
  const known = [...own, ...DESIGNS];
  const names = asked.filter((a) => !isPath(a));
  for (const n of names) {
    if (!known.some((d) => d.name === n)) throw new UsageError(`unknown design ${JSON.stringify(n)}; choose from ${known.map((d) => d.name).join(', ')}${loaded.file ? '' : ' (or name a module: --design ./my-design.js, or list your designs in fpcheck.config.mjs)'}`);
  }
  const out = known.filter((d) => names.includes(d.name));
  for (const p of asked.filter(isPath)) for (const d of await designsOfModule(p)) if (!out.some((x) => x.name === d.name)) out.push(d);
  return out;
}

/** Every design `replay` and `report` know: the built-ins, the config's and those of `--design` modules. */
export async function designsKnown(asked: readonly string[] | undefined, loaded: LoadedConfig): Promise<Design[]> {
  const out = [...DESIGNS, ...(loaded.config.designs ?? [])];
  for (const p of (asked ?? []).filter(isPath)) out.push(...(await designsOfModule(p)));
  return out;
}
