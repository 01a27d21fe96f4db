import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { traceSequenceSchema, type TraceSequence } from './format.ts';

/** A trace file that does not hold what the format says, with the file, line and field. */
export class TraceFormatError extends Error {
  readonly code = 'EBADTRACE';
}

/** The trace files of one kernel's folder: every `.jsonl` and `.jsonl.gz`, in name order. The one module here that reads files. */
export function traceFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') || f.endsWith('.jsonl.gz'))
    .sort()
    .map((f) => join(dir, f));
}

/** The sequences of one trace file, each validated; a bad line throws naming the file, line and field. */
export function loadTraceFile(file: string): TraceSequence[] {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const out: TraceSequence[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new TraceFormatError(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    const parsed = traceSequenceSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TraceFormatError(`${file}:${i + 1}: ${issue.path.join('.') || 'sequence'}: ${issue.message}`);
    }
    out.push(parsed.data);
  });
  return out;
}
