import { describe, expect, test } from 'vitest';
import { designNamed, type Command, type ProfileName } from '../model/index.ts';
import { exhaustiveSearch, invariantNamed, runCommands } from '../properties/index.ts';
import { describeStatus, listCounterexamples, loadCounterexample, replayFile } from './index.ts';

const files = listCounterexamples(new URL('.', import.meta.url).pathname);

describe('saved counterexamples', () => {
  test('there are saved counterexamples to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test.each(files)('%s replays to the same violation', (file) => {
    const r = replayFile(file);
    expect(describeStatus(r.status)).toBe(describeStatus({ kind: 'reproduces', violation: { invariant: r.counterexample.invariant, step: r.counterexample.step, message: '' } }));
  });

  test.each(files)('%s is 1-minimal: dropping any one command loses the violation', (file) => {
    const c = loadCounterexample(file);
    const scenario = { config: c.config, design: designNamed(c.design)!, profile: c.profile as ProfileName };
    const invariants = c.checked.map((n) => invariantNamed(n)!);
    for (let i = 0; i < c.commands.length; i++) {
      const fewer = [...c.commands.slice(0, i), ...c.commands.slice(i + 1)] as Command[];
      expect(runCommands(scenario, fewer, invariants).violation?.invariant, `without step ${i}`).not.toBe(c.invariant);
    }
  });
});

describe('claims the saved files make', () => {
  // Re-searching every claim would take most of a minute; files of up to four commands cost
  // milliseconds each, and one five-command file stands for the rest.
  const cheap = files.filter((f) => {
    const c = loadCounterexample(f);
    return c.shortest === true && c.commands.length <= 4;
  });
  const fiveStep = files.find((f) => {
    const c = loadCounterexample(f);
    return c.shortest === true && c.commands.length === 5;
  });
  test.each([...cheap, ...(fiveStep ? [fiveStep] : [])])('%s is shortest: no shorter sequence breaks the same invariant', (file) => {
    const c = loadCounterexample(file);
    const r = exhaustiveSearch(designNamed(c.design)!, c.profile as ProfileName, c.config, c.checked.map((n) => invariantNamed(n)!), { depth: c.commands.length - 1, target: c.invariant, countLastDepth: false });
    expect(r.violations.map((v) => v.violation.invariant)).not.toContain(c.invariant);
    expect(r.depthDone).toBe(c.commands.length - 1);
  });

  // On the named kernels a mapping is cut into hardware pages, so an exact unmap revokes only
  // what derives from that block: isolation can break only where memory is shared, unless a
  // kernel bug revokes more (Pistachio's piece filed at the doubled offset).
  const isolation = (profile: string) =>
    files.filter((f) => {
      const c = loadCounterexample(f);
      return c.design === 'direct-exact' && c.profile === profile && c.invariant.startsWith('isolation.');
    });
  const shares = (f: string) => loadCounterexample(f).commands.some((k) => k.kind === 'share' || k.kind === 'map');
  test('direct-exact breaks isolation on fiasco and pistachio-fixed only through shared memory', () => {
    const named = [...isolation('fiasco'), ...isolation('pistachio-fixed')];
    expect(named.length).toBeGreaterThan(0);
    for (const f of named) expect(shares(f), f).toBe(true);
  });
  test('on pistachio, where it breaks without shared memory, a kernel bug does it: the same commands keep isolation on pistachio-fixed', () => {
    const found = isolation('pistachio');
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      if (shares(f)) continue;
      const c = loadCounterexample(f);
      const scenario = { config: c.config, design: designNamed(c.design)!, profile: 'pistachio-fixed' as ProfileName };
      expect(runCommands(scenario, c.commands as Command[], c.checked.map((n) => invariantNamed(n)!)).violation?.invariant, f).not.toBe(c.invariant);
    }
  });
});
