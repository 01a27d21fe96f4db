/**
 * The README's tables that restate the code (the profile rules, the invariants, the designs)
 * are held to it, so that the front door cannot drift from what fpcheck does.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { describeRule, DESIGNS, KERNEL_RULES, SPEC_RULES, profile, RULE_LABELS, type ProfileName, type SpecProfile } from './model/index.ts';
import { INVARIANTS } from './properties/index.ts';

const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
const cells = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim());
const rowOf = (first: string) => readme.split('\n').find((l) => l.startsWith(`| ${first} |`));

describe('README', () => {
  test('the spec-level profile table says what each profile does, rule by rule', () => {
    const header = readme.split('\n').find((l) => l.startsWith('| rule |'));
    expect(header).toBeDefined();
    const columns = cells(header!).slice(1).map((c) => [...c.matchAll(/`([a-z0-9]+)`/g)].map((m) => m[1] as ProfileName));
    expect(columns.flat().sort()).toEqual(['extended', 'ignore', 'inner', 'overlapping', 'split', 'whole', 'x2']);
    for (const rule of SPEC_RULES) {
      const row = rowOf(RULE_LABELS[rule]);
      expect(row, RULE_LABELS[rule]).toBeDefined();
      cells(row!).slice(1).forEach((text, i) => {
        for (const name of columns[i]!) {
          const said = describeRule(profile(name) as SpecProfile, rule);
          expect(text === said || (text === "the profile's name" && said === name), `${RULE_LABELS[rule]} on ${name}: README says "${text}", the profile "${said}"`).toBe(true);
        }
      });
    }
  });

  test.each(['fiasco', 'pistachio'] as const)('the %s rule table lists every rule of the engine with its behaviour and source', (kernel) => {
    const lines = readme.split('\n');
    const start = lines.findIndex((l) => l.startsWith(`| \`${kernel}\` rule |`));
    expect(start, `a table headed | \`${kernel}\` rule |`).toBeGreaterThan(-1);
    const rows = lines.slice(start + 2).filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('|'))).map(cells);
    expect(rows.map((r) => r[0])).toEqual(KERNEL_RULES[kernel].map((r) => (r.bug ? `${r.label} (bug)` : r.label)));
    rows.forEach((r, i) => {
      const rule = KERNEL_RULES[kernel][i]!;
      expect(r[1], rule.id).toBe(rule.behaviour);
      expect(r[2], rule.id).toBe(`\`${rule.source}\``);
    });
  });

  test('the invariant table lists every invariant with its statement and its coverage requirement', () => {
    for (const inv of INVARIANTS) {
      const row = rowOf(`\`${inv.name}\``);
      expect(row, inv.name).toBeDefined();
      const [, statement, share] = cells(row!);
      expect(statement).toBe(inv.statement);
      expect(share).toBe(inv.minNonVacuousShare > 0 ? `${Math.round(inv.minNonVacuousShare * 100)}% of runs` : 'no minimum (judged whenever the kernel refuses)');
    }
  });

  test('every registered design has a row in the findings table', () => {
    for (const d of DESIGNS) expect(rowOf(`\`${d.name}\``), d.name).toBeDefined();
  });
});

test('the design of "Adding a design" is the one the tests check, character for character', () => {
  const file = readFileSync(new URL('./model/designs/example.ts', import.meta.url), 'utf8').split('\n').slice(1).join('\n').replace("from '../index.ts';", "from 'fpcheck';");
  const block = /## Adding a design[\s\S]*?```ts\n([\s\S]*?)\n *```/.exec(readme)?.[1];
  expect(block, 'a ts block under "Adding a design"').toBeDefined();
  expect(block!.split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n')).toBe(file.trimEnd());
});
