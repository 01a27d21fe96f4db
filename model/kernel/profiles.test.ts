import { describe, expect, test } from 'vitest';
import { KERNEL_BRANCHES } from './effects.ts';
import {
  constantChoices,
  describeRule,
  KERNEL_RULES,
  listedChoices,
  makesChoices,
  OVERMAP_CHOICES,
  PARTIAL_CHOICES,
  profile,
  PROFILE_NAMES,
  SPEC_RULES,
  type SpecProfile,
} from './profiles.ts';

describe('profiles', () => {
  test.each(PROFILE_NAMES)('%s carries its own name; a spec-level one sets every rule, a named one runs its kernel\'s engine', (name) => {
    const p = profile(name);
    expect(p.name).toBe(name);
    if (p.engine === 'spec') for (const rule of SPEC_RULES) expect(describeRule(p, rule)).toMatch(/\S/);
    else expect(p.granularity).toBe('hardware');
  });

  test('the spec-level profiles differ only in their partial-unmap rule', () => {
    for (const name of ['split', 'ignore', 'whole', 'overlapping', 'inner'] as const) {
      expect(profile(name)).toEqual({ name, engine: 'spec', granularity: 'fpage', partial: { unmap: name, flush: name }, largerOvermap: 'replace', unmapIn: false, entryRights: 0 });
    }
    expect(profile('extended')).toMatchObject({ partial: { unmap: 'split', flush: 'split' }, unmapIn: true });
    expect(profile('x2')).toMatchObject({ partial: { unmap: 'choose', flush: 'choose' }, largerOvermap: 'choose', unmapIn: false });
    expect(PROFILE_NAMES.filter((n) => makesChoices(profile(n)))).toEqual(['x2']);
  });

  test('the spec-level rule table reads as the README prints it', () => {
    const table = Object.fromEntries(['x2', 'split', 'extended'].map((n) => [n, SPEC_RULES.map((r) => describeRule(profile(n as 'x2') as SpecProfile, r))]));
    expect(table).toEqual({
      x2: ['chosen: whole / overlapping / inner / ignore', 'chosen: whole / overlapping / inner / ignore', 'chosen: skip / replace'],
      split: ['split', 'split', 'replace'],
      extended: ['split', 'split', 'replace'],
    });
  });

  test.each(['fiasco', 'pistachio'] as const)("every rule of %s cites a file in that kernel's repository and names branches the kernel can raise", (kernel) => {
    const ids = KERNEL_RULES[kernel].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of KERNEL_RULES[kernel]) {
      expect(rule.source).toMatch(kernel === 'fiasco' ? /^kernkonzept\/fiasco src\/kern\/\S+\.cpp / : /^l4ka\/pistachio kernel\/src\/\S+\.(cc|h) /);
      expect(rule.branches.length).toBeGreaterThan(0);
      for (const b of rule.branches) expect(KERNEL_BRANCHES).toContain(b);
    }
  });
});

describe('choices', () => {
  test('constant choices answer their defaults, or what they were given, every time', () => {
    const d = constantChoices();
    expect([d.partialUnmap(), d.partialUnmap(), d.largerOvermap()]).toEqual(['whole', 'whole', 'replace']);
    const g = constantChoices('ignore', 'skip');
    expect([g.partialUnmap(), g.largerOvermap(), g.largerOvermap()]).toEqual(['ignore', 'skip', 'skip']);
  });

  test('listed choices are taken in order, fall back to the first option, and count the events met', () => {
    const c = listedChoices(['inner', 'ignore'], ['skip']);
    expect(c.used).toEqual({ partial: 0, overmap: 0, events: '' });
    expect([c.partialUnmap(), c.largerOvermap(), c.partialUnmap(), c.partialUnmap(), c.largerOvermap()]).toEqual([
      'inner',
      'skip',
      'ignore',
      PARTIAL_CHOICES[0],
      OVERMAP_CHOICES[0],
    ]);
    expect(c.used).toEqual({ partial: 3, overmap: 2, events: 'poppo' });
    const empty = listedChoices();
    expect([empty.partialUnmap(), empty.largerOvermap()]).toEqual(['whole', 'skip']);
  });
});
