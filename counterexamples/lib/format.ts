import { z } from 'zod';
import { MAX_ORDER, OVERMAP_CHOICES, PARTIAL_CHOICES, PROFILE_NAMES } from '../../model/index.ts';

/**
 * The counterexample file format's version; files of a newer version are refused, and so are
 * older ones, found under an earlier model, would not replay to the same meaning (version 1:
 * fpage-sized nodes on the named kernels, other invariants; version 2: the named kernels before
 * they were checked against their own code's traces, and no seed block in the provenance).
 */
export const FORMAT_VERSION = 3;
export const FORMAT_NAME = 'fpcheck-counterexample';
/** Files larger than this are refused before parsing. */
export const MAX_FILE_BYTES = 1_000_000;

const count = (max: number) => z.number().int().min(0).max(max);
const page = count(2 ** MAX_ORDER);
const order = count(MAX_ORDER);
const client = count(63);
const kernel = z.strictObject({ partial: z.array(z.enum(PARTIAL_CHOICES as [string, ...string[]])).max(64).optional(), overmap: z.array(z.enum(OVERMAP_CHOICES as [string, ...string[]])).max(64).optional() }).optional();

const rights = z.string().regex(/^[r-][w-][x-]$/, 'rights are rwx-style text such as "r-x"').optional();
const send = { client, vaddr: page, order, other: client, toVaddr: page, rights, window: order.optional(), hotSpot: page.optional(), kernel };

const command = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('alloc'), client, order, kernel }),
  z.strictObject({ kind: z.literal('request'), client, handle: count(1_000_000), offset: page, order, vaddr: page, kernel }),
  z.strictObject({ kind: z.literal('share'), client, handle: count(1_000_000), other: client, rights, kernel }),
  z.strictObject({ kind: z.literal('release'), client, handle: count(1_000_000), kernel }),
  z.strictObject({ kind: z.literal('dealloc'), client, handle: count(1_000_000), kernel }),
  z.strictObject({ kind: z.literal('map'), ...send }),
  z.strictObject({ kind: z.literal('grant'), ...send }),
  z.strictObject({ kind: z.literal('unmap'), client, vaddr: page, order, flush: z.boolean(), kernel }),
  z.strictObject({ kind: z.literal('touch'), client, vaddr: page, kernel }),
  z.strictObject({ kind: z.literal('exit'), client, kernel }),
]);

export const configSchema = z.strictObject({
  memoryPages: z.number().int().min(1).max(2 ** 24),
  clients: z.number().int().min(1).max(64),
  quota: z.number().int().min(1).max(2 ** 24),
  clientSpaceOrder: order,
  proxySpaceOrder: order,
  maxOrder: order,
  superpageOrder: z.number().int().min(1).max(MAX_ORDER),
});

/** The schema of one counterexample file. */
export const counterexampleSchema = z.strictObject({
  format: z.literal(FORMAT_NAME),
  version: z.literal(FORMAT_VERSION),
  /** A registered design, or one of a user's own (replayed through the library, which is given the design). */
  design: z.string().min(1).max(100),
  profile: z.enum(PROFILE_NAMES),
  config: configSchema,
  invariant: z.string().max(200),
  checked: z.array(z.string().max(200)).min(1).max(64),
  step: z.number().int().min(0).max(100_000),
  message: z.string().max(10_000),
  commands: z.array(command).min(1).max(100_000),
  /** True when no shorter counterexample of this invariant exists in this world (an exhaustive search to one command less found none). */
  shortest: z.union([z.literal(true), z.literal('unknown')]),
  certified: z.strictObject({ depth: z.number().int().min(0), transitions: z.number().int().min(0) }).optional(),
  provenance: z.discriminatedUnion('search', [
    z.strictObject({
      search: z.literal('random'),
      fpcheck: z.string().max(50),
      seed: z.number().int(),
      path: z.string().max(100_000),
      runsToFind: z.number().int().min(0),
      shrinks: z.number().int().min(0),
      foundLength: z.number().int().min(0),
      /** The seed block of its cell that found it. */
      block: z.number().int().min(0),
    }),
    z.strictObject({ search: z.literal('exhaustive'), fpcheck: z.string().max(50), states: z.number().int().min(0), transitions: z.number().int().min(0) }),
  ]),
});

export type CounterexampleFile = z.infer<typeof counterexampleSchema>;
