import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

test("require('fpcheck') says the package is ESM only and how to import it", () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, 'package.json'), 'utf8'));
  expect(pkg.files).toContain('cjs');
  for (const entry of ['.', './vitest']) {
    const target = pkg.exports[entry].require as string;
    const require = createRequire(import.meta.url);
    expect(() => require(join(import.meta.dirname, target))).toThrow(/fpcheck is ESM only.*await import\('fpcheck'\)/s);
  }
});
