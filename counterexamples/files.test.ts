import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { BadFileError, listCounterexamples, loadCounterexample, replayFile } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'fpcheck-files-'));
const sample = listCounterexamples(new URL('.', import.meta.url).pathname)[0]!;
const valid = JSON.parse(readFileSync(sample, 'utf8')) as Record<string, unknown>;
let n = 0;
const write = (content: string): string => {
  const p = join(dir, `f${n++}.json`);
  writeFileSync(p, content);
  return p;
};

describe('loading untrusted counterexample files', () => {
  test.each([
    ['not JSON', '{"format":', '', /not valid JSON/],
    ['a missing field', JSON.stringify({ ...valid, commands: undefined }), 'commands', /missing/],
    ['a wrong type', JSON.stringify({ ...valid, step: 'three' }), 'step', /"three"/],
    ['an unknown command kind', JSON.stringify({ ...valid, commands: [{ kind: 'format-disk', client: 0 }] }), 'commands.0.kind', /format-disk/],
    ['an unknown profile', JSON.stringify({ ...valid, profile: 'seL4' }), 'profile', /seL4/],
    ['an absurd order', JSON.stringify({ ...valid, commands: [{ kind: 'alloc', client: 0, order: 99 }] }), 'commands.0.order', /99/],
    ['a newer format version', JSON.stringify({ ...valid, version: 99 }), 'version', /newer/],
    ['a configuration whose fields fit but whose whole does not', JSON.stringify({ ...valid, config: { ...(valid.config as object), quota: 2 } }), 'config', /quota of 2/],
    ['a __proto__ key', JSON.stringify(valid).replace('{', '{"__proto__":{"polluted":1},'), '', /unrecognized|__proto__/i],
  ])('rejects %s naming the field and value', (_what, content, field, detail) => {
    const p = write(content);
    const err = (() => {
      try {
        replayFile(p);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(BadFileError);
    expect((err as BadFileError).file).toBe(p);
    if (field) expect((err as BadFileError).field).toBe(field);
    expect((err as BadFileError).message).toMatch(detail);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test.prop([fc.json()], { numRuns: 300 })('answers arbitrary JSON with a value or a BadFileError', (text) => {
    const p = write(text);
    try {
      loadCounterexample(p);
    } catch (e) {
      expect(e).toBeInstanceOf(BadFileError);
    }
  });

  test.prop([fc.nat(2000), fc.string()], { numRuns: 300 })('answers a truncated or spliced valid file with a value or a BadFileError', (cut, junk) => {
    const text = JSON.stringify(valid, null, 2);
    const p = write(text.slice(0, cut % text.length) + junk);
    try {
      loadCounterexample(p);
    } catch (e) {
      expect(e).toBeInstanceOf(BadFileError);
    }
  });
});
