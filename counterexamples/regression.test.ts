import { describe, expect, test } from 'vitest';
import { designNamed, type Command, type ProfileName } from '../model/index.ts';
import { invariantNamed, runCommands } from '../properties/index.ts';
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
