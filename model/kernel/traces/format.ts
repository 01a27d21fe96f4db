import { z } from 'zod';

/**
 * The golden-trace format: operation sequences in fpcheck's units and `Kernel` call shapes, each
 * with the result and the complete mapping state that a real kernel's own mapping code produced
 * after every operation (see FORMAT.md beside the traces). Everything is counted in 4 KiB pages.
 */

const page = z.number().int().min(0).max(2 ** 52);
const fpage = z.strictObject({ base: page, order: z.number().int().min(0).max(52) });
const rights = z.string().regex(/^[r-][w-][x-]$/);
const task = z.string().min(1).max(64);

const op = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('map'), s: task, send: fpage, r: task, rcvBase: page, rights }),
  z.strictObject({ op: z.literal('grant'), s: task, send: fpage, r: task, rcvBase: page, rights }),
  z.strictObject({ op: z.literal('unmap'), t: task, fp: fpage, flush: z.boolean() }),
]);

const node = z.strictObject({
  task,
  vbase: page,
  order: z.number().int().min(0).max(52),
  frame: page,
  rights,
  parent: z.tuple([task, page]).nullable(),
  count: z.number().int().min(1).max(2 ** 20).optional(),
  mdbFrame: page.optional(),
  mdbOrder: z.number().int().min(0).max(52).optional(),
});

const result = z.strictObject({
  ok: z.boolean(),
  error: z.number().optional(),
  warnings: z.array(z.string()).optional(),
  mdbProblems: z.array(z.string()).optional(),
  state: z.array(node),
});

export const traceSequenceSchema = z
  .strictObject({
    id: z.string().min(1).max(200),
    world: z.strictObject({
      memoryPages: z.number().int().min(1).max(2 ** 24),
      arch: z.enum(['amd64', 'ia32']),
      tasks: z.array(z.strictObject({ id: task, spaceOrder: z.number().int().min(0).max(52) })).max(64),
    }),
    ops: z.array(op).max(10_000),
    bootOps: z.number().int().min(0),
    results: z.array(result),
  })
  .refine((s) => s.results.length === s.ops.length, { message: 'results must hold one result per operation' })
  .refine((s) => s.bootOps <= s.ops.length, { message: 'bootOps exceeds the operations' });

export type TraceSequence = z.infer<typeof traceSequenceSchema>;
export type TraceOp = TraceSequence['ops'][number];
export type TraceNode = z.infer<typeof node>;
export type TraceResult = z.infer<typeof result>;
