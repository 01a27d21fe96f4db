import { match } from 'ts-pattern';
import type { KernelEngine } from '../engine.ts';
import type { KernelProfile } from '../profiles.ts';
import { FiascoEngine } from './fiasco/engine.ts';
import { PistachioEngine } from './pistachio/engine.ts';
import { SpecEngine } from './spec.ts';

/** A fresh engine for a kernel of this profile. */
export const engineFor = (p: KernelProfile): KernelEngine =>
  match(p)
    .with({ engine: 'spec' }, (s) => new SpecEngine(s))
    .with({ engine: 'fiasco' }, () => new FiascoEngine())
    .with({ engine: 'pistachio' }, (n) => new PistachioEngine(n))
    .exhaustive();
