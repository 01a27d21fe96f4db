import fc from 'fast-check';
import { match } from 'ts-pattern';
import { clientTask, OVERMAP_CHOICES, PARTIAL_CHOICES, type Command, type CommandKind, type KernelInput, type ProfileName, type World, type WorldConfig } from '../model/index.ts';

/** Relative weights of command kinds: deallocs, releases and sharing are common so that revocation with live mappings happens often. */
export type CommandWeights = Readonly<Record<CommandKind, number>>;

export const DEFAULT_WEIGHTS: CommandWeights = {
  alloc: 5,
  request: 12,
  share: 5,
  release: 5,
  dealloc: 4,
  map: 4,
  unmap: 2,
  touch: 4,
  exit: 1,
};

/** Profiles whose kernel takes choices from the input; only these get kernel choices generated. */
export const CHOOSING_PROFILES: readonly ProfileName[] = ['x2'];

/**
 * What the generator draws: a command kind plus selectors that are resolved against the
 * world's state when the step runs ("the second handle this client holds"), so that most
 * generated steps apply. The resolved, concrete `Command` is what traces and files record.
 */
export interface Intent {
  readonly kind: CommandKind;
  readonly who: number;
  readonly pick: number;
  readonly other: number;
  readonly order: number;
  readonly at: number;
  readonly flush: boolean;
  readonly kernel?: KernelInput;
}

/** The generator of intents for a world of `config` on `profile`. */
export function intentArbitrary(config: WorldConfig, profile: ProfileName, weights: CommandWeights): fc.Arbitrary<Intent> {
  const kernel: fc.Arbitrary<KernelInput | undefined> = CHOOSING_PROFILES.includes(profile)
    ? fc.option(
        fc.record(
          { partial: fc.array(fc.constantFrom(...PARTIAL_CHOICES), { minLength: 1, maxLength: 2 }), overmap: fc.array(fc.constantFrom(...OVERMAP_CHOICES), { minLength: 1, maxLength: 1 }) },
          { requiredKeys: [] },
        ),
        { nil: undefined, freq: 3 },
      )
    : fc.constant(undefined);
  const kinds = (Object.keys(weights) as CommandKind[]).filter((k) => weights[k] > 0);
  return fc
    .record({
      kind: fc.oneof(...kinds.map((k) => ({ weight: weights[k], arbitrary: fc.constant(k) }))),
      who: fc.nat(config.clients - 1),
      pick: fc.nat(15),
      other: fc.nat(config.clients - 1),
      order: fc.nat(config.maxOrder),
      at: fc.nat(2 ** config.clientSpaceOrder - 1),
      flush: fc.boolean(),
      kernel,
    })
    .map(({ kernel: k, ...rest }) => (k ? { ...rest, kernel: k } : rest));
}

const pickFrom = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);
const alignDown = (v: number, order: number): number => v - (v % 2 ** order);

/**
 * Turns an intent into a concrete command for the world as it is now, or null when nothing
 * fits (no allocation to release, no mapping to share). Deterministic.
 */
export function resolveIntent(intent: Intent, world: World): Command | null {
  const cfg = world.config;
  const alive = Array.from({ length: cfg.clients }, (_, i) => i).filter((i) => world.isAlive(i));
  const client = pickFrom(alive, intent.who);
  if (client === undefined) return null;
  const live = [...world.allocations.live()];
  const other = pickFrom(alive.filter((c) => c !== client), intent.other);
  const withKernel = (c: Command): Command => (intent.kernel ? { ...c, kernel: intent.kernel } : c);
  return match(intent.kind)
    .returnType<Command | null>()
    .with('alloc', () => ({ kind: 'alloc', client, order: intent.order }))
    .with('request', () => {
      const a = pickFrom(live.filter((x) => x.holders.has(client)), intent.pick);
      if (!a) return null;
      const order = Math.min(intent.order, a.fpage.order);
      const offset = intent.at % (2 ** a.fpage.order - 2 ** order + 1);
      return withKernel({ kind: 'request', client, handle: a.handle, offset, order, vaddr: alignDown(intent.at * 2 ** order, order) % 2 ** cfg.clientSpaceOrder });
    })
    .with('share', () => {
      const a = pickFrom(live.filter((x) => x.owner === client), intent.pick);
      const to = a && pickFrom(alive.filter((c) => !a.holders.has(c)), intent.other);
      return a && to !== undefined ? { kind: 'share', client, handle: a.handle, other: to } : null;
    })
    .with('release', () => {
      const a = pickFrom(live.filter((x) => x.holders.has(client) && x.owner !== client), intent.pick);
      return a ? withKernel({ kind: 'release', client, handle: a.handle }) : null;
    })
    .with('dealloc', () => {
      const a = pickFrom(live.filter((x) => x.owner === client), intent.pick);
      return a ? withKernel({ kind: 'dealloc', client, handle: a.handle }) : null;
    })
    .with('map', () => {
      const n = pickFrom(world.kernel.db.inSpace(clientTask(client), { base: 0, order: cfg.clientSpaceOrder }), intent.pick);
      if (!n || other === undefined) return null;
      const order = Math.min(intent.order, n.order);
      const vaddr = n.vbase + alignDown(intent.at % 2 ** n.order, order);
      return withKernel({ kind: 'map', client, vaddr, order, other, toVaddr: alignDown(intent.at, order) });
    })
    .with('unmap', () => {
      const order = intent.order;
      return withKernel({ kind: 'unmap', client, vaddr: alignDown(intent.at, order), order, flush: intent.flush });
    })
    .with('touch', () => {
      const w = pickFrom(world.wantedOf(client), intent.pick);
      return w ? withKernel({ kind: 'touch', client, vaddr: w.vaddr + (intent.at % 2 ** w.order) }) : null;
    })
    .with('exit', () => withKernel({ kind: 'exit', client }))
    .exhaustive();
}

/** The command an intent means now, if the world would take it; the search skips the rest, since they cannot change anything. */
export function applicableCommand(intent: Intent, world: World): Command | null {
  const c = resolveIntent(intent, world);
  return c && world.refusal(c) === null ? c : null;
}
