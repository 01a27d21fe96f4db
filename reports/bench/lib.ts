import type * as Model from '../../model/index.ts';
import type * as Properties from '../../properties/index.ts';

/**
 * The parts of fpcheck the benchmark drives, loaded either from the TypeScript sources
 * (through the tsx loader the benchmark runs under) or from the JavaScript `npm run build`
 * emits into dist/ (which tsx leaves untransformed): the same code, two ways of running it.
 */
export interface StepLib {
  readonly name: 'source through tsx' | 'built JavaScript';
  readonly World: typeof Model.World;
  readonly designNamed: typeof Model.designNamed;
  readonly applicableCommand: typeof Properties.applicableCommand;
  readonly judge: typeof Properties.judge;
  readonly intentArbitrary: typeof Properties.intentArbitrary;
  readonly DEFAULT_WEIGHTS: typeof Properties.DEFAULT_WEIGHTS;
  readonly INVARIANTS: typeof Properties.INVARIANTS;
  readonly paranoid: typeof Properties.paranoid;
  readonly searchCell: typeof Properties.searchCell;
  readonly exhaustiveSearch: typeof Properties.exhaustiveSearch;
  readonly exhaustiveSearchPooled: typeof Properties.exhaustiveSearchPooled;
  readonly referenceSearch: typeof Properties.referenceSearch;
  readonly checkInWorkers: typeof Properties.checkInWorkers;
  readonly DEFAULT_CONFIG: typeof Model.DEFAULT_CONFIG;
}

const load = async (model: string, properties: string, name: StepLib['name']): Promise<StepLib> => {
  const m = (await import(model)) as typeof Model;
  const p = (await import(properties)) as typeof Properties;
  return { name, World: m.World, designNamed: m.designNamed, applicableCommand: p.applicableCommand, judge: p.judge, intentArbitrary: p.intentArbitrary, DEFAULT_WEIGHTS: p.DEFAULT_WEIGHTS, INVARIANTS: p.INVARIANTS, paranoid: p.paranoid, searchCell: p.searchCell, exhaustiveSearch: p.exhaustiveSearch, exhaustiveSearchPooled: p.exhaustiveSearchPooled, referenceSearch: p.referenceSearch, checkInWorkers: p.checkInWorkers, DEFAULT_CONFIG: m.DEFAULT_CONFIG };
};

export const sourceLib = (): Promise<StepLib> => load('../../model/index.ts', '../../properties/index.ts', 'source through tsx');

/** The built code; `npm run bench` builds it first. Paths are computed so that a type check does not need dist/ to exist. */
export const builtLib = (): Promise<StepLib> =>
  load(new URL('../../dist/model/index.js', import.meta.url).href, new URL('../../dist/properties/index.js', import.meta.url).href, 'built JavaScript');
