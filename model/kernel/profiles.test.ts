import { describe, expect, test } from 'vitest';
import {
  constantChoices,
  describeRule,
  listedChoices,
  OVERMAP_CHOICES,
  PARTIAL_CHOICES,
  profile,
  PROFILE_NAMES,
  PROFILE_RULES,
  PROFILE_SOURCES,
} from './profiles.ts';

describe('profiles', () => {
  test.each(PROFILE_NAMES)('%s carries its own name and sets every rule', (name) => {
    const p = profile(name);
    expect(p.name).toBe(name);
    for (const rule of PROFILE_RULES) expect(describeRule(p, rule)).toMatch(/\S/);
  });

  test('the spec-level profiles differ only in their partial-unmap rule', () => {
    for (const name of ['split', 'ignore', 'whole', 'overlapping', 'inner'] as const) {
      expect(profile(name)).toEqual({
        name,
        granularity: 'fpage',
        partial: { unmap: name, flush: name },
        largerOvermap: 'replace',
        smallerOvermap: 'replace',
        pieceOverExisting: 'replace',
        sameFrame: 'frame',
        partialGrant: 'refuse',
        oversize: 'refuse',
        unmapIn: false,
      });
    }
    expect(profile('extended')).toMatchObject({ partial: { unmap: 'split', flush: 'split' }, unmapIn: true });
    expect(profile('x2')).toMatchObject({ partial: { unmap: 'choose', flush: 'choose' }, largerOvermap: 'choose', unmapIn: false });
  });

  test('the rule table reads as the README prints it', () => {
    const table = Object.fromEntries(['x2', 'fiasco', 'pistachio'].map((n) => [n, PROFILE_RULES.map((r) => describeRule(profile(n as 'x2'), r))]));
    expect(table).toEqual({
      x2: [
        'fpage as sent',
        'chosen: whole / overlapping / inner / ignore',
        'chosen: whole / overlapping / inner / ignore',
        'chosen: skip / replace',
        'replace',
        'replace',
        'rights grow if same frame',
        'refuse',
        'refuse',
      ],
      fiasco: ['base pages and superpages', 'overlapping', 'whole', 'replace', 'cut', 'replace', 'rights grow if child of sender', 'map', 'clamp'],
      pistachio: ['base pages and superpages', 'stride', 'whole', 'skip', 'replace', 'skip', 'rights grow if same frame', 'refuse', 'clamp'],
    });
  });

  test('every rule of a named kernel cites a file in that kernel\'s repository', () => {
    for (const rule of PROFILE_RULES) {
      expect(PROFILE_SOURCES.fiasco[rule]).toMatch(/^kernkonzept\/fiasco src\/kern\/\S+\.cpp /);
      expect(PROFILE_SOURCES.pistachio[rule]).toMatch(/^l4ka\/pistachio kernel\/src\/\S+\.cc /);
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
