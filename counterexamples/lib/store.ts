import { mkdirSync, openSync, closeSync, fstatSync, fsyncSync, readSync, renameSync, rmSync, statSync, writeSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ZodType } from 'zod';
import type { Finding } from '../../properties/index.ts';
import { fnv1a } from '../../properties/seed.ts';
import { BadFileError } from './errors.ts';
import { counterexampleSchema, FORMAT_NAME, FORMAT_VERSION, MAX_FILE_BYTES, type CounterexampleFile } from './format.ts';

/**
 * Creates `dir` and any missing parents, one level at a time. (Node's own recursive mkdir spins
 * forever on some paths, such as one under /proc; this one fails with the system's error.)
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      if (statSync(d).isDirectory()) break;
      throw Object.assign(new Error(`${d} is not a directory`), { code: 'ENOTDIR' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) throw e;
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/**
 * Writes `text` to `path` so that a reader sees the old file or the whole new one, never a torn
 * one: every byte is written (a short write, as under `ulimit -f` or on a nearly full disk, is
 * retried, and its error thrown), flushed to the disk, and checked by size before the rename. If
 * any of it fails, the temporary file is removed, the old file left alone, and the error thrown.
 */
export function writeAtomic(path: string, text: string): void {
  writeAllAtomic([[path, text]]);
}

/**
 * Writes several files all or none: each whole to a temporary file first (as `writeAtomic`), and
 * only when every one is on the disk are they renamed into place. A failure leaves every old file
 * as it was and no temporary file behind.
 */
export function writeAllAtomic(files: ReadonlyArray<readonly [path: string, text: string]>): void {
  const tmps: string[] = [];
  let at = '';
  try {
    for (const [path, text] of files) {
      at = path;
      makeDirs(dirname(path));
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
      tmps.push(tmp);
      writeWhole(tmp, Buffer.from(text, 'utf8'));
    }
    files.forEach(([path], i) => {
      at = path;
      renameSync(tmps[i]!, path);
    });
  } catch (e) {
    for (const tmp of tmps) rmSync(tmp, { force: true });
    // The error names the file that could not be written (not its temporary name).
    if (e instanceof Error) Object.assign(e, { path: at });
    throw e;
  }
}

/** Every byte of `bytes` into a new file `path`, flushed to the disk and checked by size; a short write is retried, and its error thrown. */
function writeWhole(path: string, bytes: Buffer): void {
  const fd = openSync(path, 'w');
  try {
    for (let done = 0; done < bytes.length; ) {
      const n = writeSync(fd, bytes, done, bytes.length - done);
      if (n <= 0) throw Object.assign(new Error(`wrote ${done} of ${bytes.length} bytes`), { code: 'EIO' });
      done += n;
    }
    fsyncSync(fd);
    const size = fstatSync(fd).size;
    if (size !== bytes.length) throw Object.assign(new Error(`${size} of ${bytes.length} bytes on disk`), { code: 'EIO' });
  } finally {
    closeSync(fd);
  }
}

/** The file a failed `writeAtomic` or `writeAllAtomic` could not write. */
export const failedPath = (e: unknown): string => String((e as NodeJS.ErrnoException).path ?? '');

/** Why a write failed, in a few words: the system's error code, or the message. */
export const writeFailure = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** The file's content for a finding. Pure: equal findings give byte-equal files. */
export function toFile(f: Finding, version: string): CounterexampleFile {
  return {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    design: f.design,
    profile: f.profile,
    config: { ...f.config },
    invariant: f.violation.invariant,
    checked: [...f.checked],
    step: f.violation.step,
    message: f.violation.message,
    commands: f.commands.map((c) => ({ ...c })) as CounterexampleFile['commands'],
    shortest: f.shortest,
    ...(f.certified ? { certified: { ...f.certified } } : {}),
    provenance: f.provenance.search === 'random' ? { fpcheck: version, ...f.provenance, block: f.block } : { fpcheck: version, ...f.provenance },
  };
}

/** `design.profile.invariant.hash.json`: the hash covers the commands and configuration, so different findings never share a name. */
export function fileNameFor(c: CounterexampleFile): string {
  const hash = fnv1a(JSON.stringify([c.config, c.commands, c.invariant])).toString(16).padStart(8, '0');
  return `${c.design}.${c.profile}.${c.invariant}.${hash}.json`;
}

export const serialize = (c: CounterexampleFile): string => `${JSON.stringify(c, null, 2)}\n`;

/** Saves a finding under `dir`; returns the path. Saving the same finding twice writes the same bytes to the same file. */
export function saveFinding(dir: string, f: Finding, version: string): string {
  const file = toFile(f, version);
  const path = join(dir, fileNameFor(file));
  writeAtomic(path, serialize(file));
  return path;
}

/** Reads and validates untrusted JSON against a schema; every problem becomes a BadFileError naming file, field and value. */
export function readValidated<T>(path: string, schema: ZodType<T>, what: FormatOf): T {
  return parseValidated(readCapped(path), path, schema, what);
}

/**
 * The text of an untrusted file: refused unless it is a regular file (a device or FIFO is never
 * opened: a FIFO without writer would block, /dev/zero never ends), and read only up to the size
 * limit whatever its size says.
 */
export function readCapped(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new BadFileError(path, '', `cannot be read (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((e as NodeJS.ErrnoException).code ?? (e as Error).message)})`);
  }
  if (!st.isFile()) throw new BadFileError(path, '', `is not a regular file (${st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a file'})`);
  if (st.size > MAX_FILE_BYTES) throw new BadFileError(path, '', `is ${st.size} bytes, over the limit of ${MAX_FILE_BYTES}`);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new BadFileError(path, '', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const buf = Buffer.alloc(MAX_FILE_BYTES + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_FILE_BYTES) throw new BadFileError(path, '', `holds more than the limit of ${MAX_FILE_BYTES} bytes`);
    return buf.toString('utf8', 0, n);
  } catch (e) {
    if (e instanceof BadFileError) throw e;
    throw new BadFileError(path, '', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file format as the loader knows it: its name, the version written now, and how to lift each
 * older version it still reads to the next (a migration sees untrusted data and must not trust
 * its shape: the schema judges the result).
 */
export interface FormatOf {
  readonly format: string;
  readonly version: number;
  readonly migrations?: Readonly<Record<number, (data: Readonly<Record<string, unknown>>) => Record<string, unknown>>>;
}

/** Validates the text of untrusted JSON named `file` against a schema: format and version first (migrating older versions), then every field. */
export function parseValidated<T>(text: string, file: string, schema: ZodType<T>, what: FormatOf): T {
  if (text.length > MAX_FILE_BYTES) throw new BadFileError(file, '', `is ${text.length} characters, over the limit of ${MAX_FILE_BYTES}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // Never the parser's own message: it quotes the file's text, which may be anything (a record can name /proc/self/environ).
    const at = /at position (\d+)/.exec((e as Error).message);
    throw new BadFileError(file, '', e instanceof RangeError ? 'is nested too deeply to read' : `is not valid JSON${at ? ` (at character ${at[1]})` : ''}`);
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const o = data as Record<string, unknown>;
    if (o.format !== undefined && o.format !== what.format) throw new BadFileError(file, 'format', `expected "${what.format}", got ${show(o.format)}`);
    if (typeof o.version === 'number' && o.version > what.version) {
      throw new BadFileError(file, 'version', `format version ${o.version} is newer than this fpcheck reads (${what.version}); upgrade fpcheck`);
    }
    if (typeof o.version === 'number' && o.version < what.version) {
      let v = o.version;
      let lifted: Record<string, unknown> = o;
      for (let step = what.migrations?.[v]; step; step = what.migrations?.[v]) {
        lifted = step(lifted);
        v++;
      }
      if (v !== what.version) throw new BadFileError(file, 'version', `format version ${o.version} is no longer read; re-record it with fpcheck run`);
      data = { ...lifted, version: what.version };
    }
  }
  let r: ReturnType<ZodType<T>['safeParse']>;
  try {
    r = schema.safeParse(data);
  } catch (e) {
    if (e instanceof RangeError) throw new BadFileError(file, '', 'is nested too deeply to read');
    throw e;
  }
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    throw new BadFileError(file, field || '(top level)', `${issue.message}; value: ${show(valueAt(data, issue.path))}`);
  }
  return r.data;
}

export function loadCounterexample(path: string): CounterexampleFile {
  return readValidated(path, counterexampleSchema, { format: FORMAT_NAME, version: FORMAT_VERSION });
}

/** The counterexample files in `dir`, sorted. */
export function listCounterexamples(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** A value as a short text for an error line; safe for any JSON value, however deeply nested. */
function show(v: unknown): string {
  const s = v === undefined ? 'missing' : brief(v, 3);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** JSON text of `v` down to `depth` levels (deeper parts as `...`): never recurses past the depth, so nesting cannot exhaust the stack. */
function brief(v: unknown, depth: number): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? String(v);
  if (depth === 0) return Array.isArray(v) ? '[...]' : '{...}';
  if (Array.isArray(v)) return `[${v.slice(0, 8).map((x) => brief(x, depth - 1)).join(',')}${v.length > 8 ? ',...' : ''}]`;
  const keys = Object.keys(v).slice(0, 8);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${brief((v as Record<string, unknown>)[k], depth - 1)}`).join(',')}${Object.keys(v).length > 8 ? ',...' : ''}}`;
}
