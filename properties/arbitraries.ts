import fc from 'fast-check';
import { clientTask, OVERMAP_CHOICES, PARTIAL_CHOICES, type Command, type CommandKind, type KernelInput, type ProfileName, type World, type WorldConfig } from '../model/index.ts';
import type { Drawn } from './stats.ts';

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
    // Leave out an absent `kernel` rather than carry it as undefined (built field by field: a rest pattern here cost a tenth of the search).
    .map((v): Intent => (v.kernel ? (v as Intent) : { kind: v.kind, who: v.who, pick: v.pick, other: v.other, order: v.order, at: v.at, flush: v.flush }));
}

const pickFrom = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);
const alignDown = (v: number, order: number): number => v - (v % 2 ** order);

/** What every resolver gets: the intent, the world, and the acting client (alive). */
interface Resolving {
  readonly intent: Intent;
  readonly world: World;
  readonly client: number;
  readonly alive: readonly number[];
}

const liveAllocations = (w: World) => [...w.allocations.live()];
const otherOf = (r: Resolving) => pickFrom(r.alive.filter((c) => c !== r.client), r.intent.other);
const withKernel = (r: Resolving, c: Command): Command => (r.intent.kernel ? { ...c, kernel: r.intent.kernel } : c);

/**
 * One resolver per command kind. A table rather than a match chain: this runs for every
 * generated intent, and a chain is rebuilt per call while the table is built once; the
 * mapped type keeps it exhaustive.
 */
const RESOLVERS: { readonly [K in CommandKind]: (r: Resolving) => Command | null } = {
  alloc: ({ client, intent }) => ({ kind: 'alloc', client, order: intent.order }),
  request: (r) => {
    const { client, intent, world } = r;
    const a = pickFrom(liveAllocations(world).filter((x) => x.holders.has(client)), intent.pick);
    if (!a) return null;
    const order = Math.min(intent.order, a.fpage.order);
    const offset = intent.at % (2 ** a.fpage.order - 2 ** order + 1);
    return withKernel(r, { kind: 'request', client, handle: a.handle, offset, order, vaddr: alignDown(intent.at * 2 ** order, order) % 2 ** world.config.clientSpaceOrder });
  },
  share: ({ client, intent, world, alive }) => {
    const a = pickFrom(liveAllocations(world).filter((x) => x.owner === client), intent.pick);
    const to = a && pickFrom(alive.filter((c) => !a.holders.has(c)), intent.other);
    return a && to !== undefined ? { kind: 'share', client, handle: a.handle, other: to } : null;
  },
  release: (r) => {
    const a = pickFrom(liveAllocations(r.world).filter((x) => x.holders.has(r.client) && x.owner !== r.client), r.intent.pick);
    return a ? withKernel(r, { kind: 'release', client: r.client, handle: a.handle }) : null;
  },
  dealloc: (r) => {
    const a = pickFrom(liveAllocations(r.world).filter((x) => x.owner === r.client), r.intent.pick);
    return a ? withKernel(r, { kind: 'dealloc', client: r.client, handle: a.handle }) : null;
  },
  map: (r) => {
    const { client, intent, world } = r;
    const n = pickFrom(world.kernel.db.inSpace(clientTask(client), { base: 0, order: world.config.clientSpaceOrder }), intent.pick);
    const other = otherOf(r);
    if (!n || other === undefined) return null;
    const order = Math.min(intent.order, n.order);
    const vaddr = n.vbase + alignDown(intent.at % 2 ** n.order, order);
    return withKernel(r, { kind: 'map', client, vaddr, order, other, toVaddr: alignDown(intent.at, order) });
  },
  unmap: (r) => withKernel(r, { kind: 'unmap', client: r.client, vaddr: alignDown(r.intent.at, r.intent.order), order: r.intent.order, flush: r.intent.flush }),
  // A touch means something only where a page the client asked for has gone: pick among those.
  touch: (r) => {
    const task = clientTask(r.client);
    const gone: number[] = [];
    for (const w of r.world.wantedOf(r.client)) for (let p = w.vaddr; p < w.vaddr + 2 ** w.order; p++) if (r.world.kernel.db.spaceFree(task, { base: p, order: 0 })) gone.push(p);
    const vaddr = pickFrom(gone, r.intent.at);
    return vaddr === undefined ? null : withKernel(r, { kind: 'touch', client: r.client, vaddr });
  },
  exit: (r) => withKernel(r, { kind: 'exit', client: r.client }),
};

/**
 * Turns an intent into a concrete command for the world as it is now, or null when nothing
 * fits (no allocation to release, no mapping to share, no page gone to touch). Deterministic.
 */
export function resolveIntent(intent: Intent, world: World): Command | null {
  const alive: number[] = [];
  for (let i = 0; i < world.config.clients; i++) if (world.isAlive(i)) alive.push(i);
  const client = pickFrom(alive, intent.who);
  return client === undefined ? null : RESOLVERS[intent.kind]({ intent, world, client, alive });
}

/** An intent as the search sees it: the command it means now, or why there is none (unfit: it names nothing; refused: the world would not take it). */
export function drawIntent(intent: Intent, world: World): { readonly command: Command | null; readonly drawn: Drawn } {
  const command = resolveIntent(intent, world);
  if (!command) return { command, drawn: UNFIT };
  const reason = world.refusal(command);
  return reason === null ? { command, drawn: FITS } : { command: null, drawn: { kind: 'refused', reason } };
}

const FITS: Drawn = { kind: 'fits' };
const UNFIT: Drawn = { kind: 'unfit' };

/** The command an intent means now, if the world would take it; the search skips the rest, since they cannot change anything. */
export const applicableCommand = (intent: Intent, world: World): Command | null => drawIntent(intent, world).command;
