import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = ReadonlyArray<string | number>;

/** Every path into a JSON value, the root included. */
export function pathsOf(v: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
}

const clone = (v: Json): Json => structuredClone(v);

function get(v: Json, p: Path): Json | undefined {
  let cur: Json | undefined = v;
  for (const k of p) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, Json>)[k] : undefined;
  return cur;
}

/** Replaces (or with `undefined`, removes) the value at `p`; the root cannot be removed. */
function set(v: Json, p: Path, x: Json | undefined): Json {
  if (p.length === 0) return x ?? null;
  const parent = get(v, p.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return v;
  const k = p[p.length - 1]!;
  if (x === undefined) {
    if (Array.isArray(parent) && typeof k === 'number') parent.splice(k, 1);
    else delete (parent as Record<string, Json>)[k];
  } else Object.defineProperty(parent, k, { value: x, enumerable: true, writable: true, configurable: true });
  return v;
}

/**
 * Characters an enlarged value may reach: twice the loaders' size limit, so oversized files are
 * tried, while enlarging an already enlarged value cannot compound into gigabytes of input.
 */
const ENLARGED_CHARS = 2_000_000;

/** A bigger version of a value: long arrays and strings, huge or fractional numbers. */
const enlarged = (x: Json, k: number): Json => {
  if (Array.isArray(x)) {
    const each = Math.max(1, (JSON.stringify(x) ?? '').length / Math.max(x.length, 1));
    return Array.from({ length: Math.min(x.length * k, 20_000, Math.floor(ENLARGED_CHARS / each)) }, (_, i) => clone(x[i % Math.max(x.length, 1)] ?? 0));
  }
  if (typeof x === 'string') return x.repeat(Math.min(k, 2_000, Math.max(1, Math.floor(ENLARGED_CHARS / Math.max(x.length, 1)))));
  if (typeof x === 'number') return [x * 2 ** k, 2 ** 53 + k, -x - 1, x + 0.5, 1e308][k % 5]!;
  return x;
};

/** The text of `depth` levels of arrays (or of single-key objects) around 1, built without recursion. */
export const nestedText = (depth: number, objects: boolean): string => (objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`);

/** A stand-in for a deeply nested value while the file is a value: the harness itself must not recurse into it. */
const deepMarker = (depth: number, objects: boolean): string => `\u0000deep:${depth}:${objects}`;
const DEEP = /"\\u0000deep:(\d+):(true|false)"/g;

/** One change to a parsed valid file. */
type ValueMutation = (v: Json) => Json;

const valueMutation = (paths: readonly Path[]): fc.Arbitrary<ValueMutation> =>
  fc.oneof(
    fc.constantFrom(...paths).map((p): ValueMutation => (v) => set(v, p, undefined)),
    fc.tuple(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 2 })).map(([p, x]): ValueMutation => (v) => set(v, p, x as Json)),
    fc.tuple(fc.constantFrom(...paths), fc.integer({ min: 2, max: 4000 })).map(([p, k]): ValueMutation => (v) => set(v, p, enlarged(get(v, p) ?? null, k))),
    // A field holding a value nested far deeper than any format has.
    fc.tuple(fc.constantFrom(...paths), fc.integer({ min: 100, max: 20_000 }), fc.boolean()).map(([p, d, o]): ValueMutation => (v) => set(v, p, deepMarker(d, o))),
    fc.tuple(fc.constantFrom(...paths), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'kind', 'format', 'version')).map(
      ([p, key]): ValueMutation =>
        (v) => {
          const at = get(v, p);
          if (at !== null && typeof at === 'object' && !Array.isArray(at)) Object.defineProperty(at, key, { value: { polluted: 1 }, enumerable: true, configurable: true, writable: true });
          return v;
        },
    ),
  );

/** A change to the text itself: truncation, a spliced fragment, a duplicated key, a flipped character. */
const textMutation: fc.Arbitrary<(t: string) => string> = fc.oneof(
  fc.nat().map((n) => (t: string) => t.slice(0, n % (t.length + 1))),
  fc.tuple(fc.nat(), fc.string({ maxLength: 8 })).map(([n, s]) => (t: string) => t.slice(0, n % (t.length + 1)) + s + t.slice(n % (t.length + 1))),
  fc.tuple(fc.nat(), fc.nat()).map(([n, m]) => (t: string) => {
    // Repeat the n-th `"key":` with another key's value, so JSON.parse keeps the last one.
    const keys = [...t.matchAll(/"([^"\\]+)":/g)];
    if (keys.length === 0) return t;
    const k = keys[n % keys.length]!;
    const other = keys[m % keys.length]![1];
    return `${t.slice(0, k.index)}"${k[1]}": ${JSON.stringify(other)}, ${t.slice(k.index)}`;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0xffff })).map(([n, c]) => (t: string) => {
    const i = n % Math.max(t.length, 1);
    return t.slice(0, i) + String.fromCharCode(c) + t.slice(i + 1);
  }),
);

/**
 * Texts near a valid file: one to three changes to its value, then maybe a change to its text.
 * Most are invalid in one way; some stay valid, which keeps the loaders' accepting paths covered.
 */
export function mutantsOf(valid: unknown): fc.Arbitrary<string> {
  const base = valid as Json;
  const paths = pathsOf(base);
  return fc
    .tuple(fc.array(valueMutation(paths), { minLength: 0, maxLength: 3 }), fc.option(textMutation, { freq: 2 }), fc.boolean())
    .map(([ms, tm, pretty]) => {
      const v = ms.reduce((acc, m) => m(acc), clone(base));
      const text = (JSON.stringify(v, null, pretty ? 2 : undefined) ?? 'null').replace(DEEP, (_m, d: string, o: string) => nestedText(Number(d), o === 'true'));
      // Several enlargements of one file still stay within a few times the size limit (a cut file is hostile input too).
      const bounded = text.length > 4 * ENLARGED_CHARS ? text.slice(0, 4 * ENLARGED_CHARS) : text;
      return tm ? tm(bounded) : bounded;
    });
}

/** Arbitrary JSON, some of it dressed as a file of the right format so it gets past the first checks. */
export const arbitraryJsonText = (format: string, version: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.json(),
    // Nesting deep enough to exhaust a recursive parser, printer or validator.
    fc.tuple(fc.integer({ min: 1000, max: 200_000 }), fc.boolean()).map(([d, o]) => nestedText(d, o)),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 })).map((o) => JSON.stringify({ format, version, ...o })),
    fc.string({ maxLength: 200 }),
  );
