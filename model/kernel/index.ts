/** The L4 X.2 kernel model: fpages, the mapping database, map/grant/unmap/unmapIn and profiles. */
export * from './fpage.ts';
export * from './rights.ts';
export { MappingDatabase, SIGMA0, virtualOf, framesOf, type MapNode, type TaskId } from './mapdb.ts';
export * from './profiles.ts';
export * from './effects.ts';
export { Kernel, orderFor, ARCH_SUPERPAGE_ORDER, SCALED_SUPERPAGE_ORDER, type Arch, type KernelOptions } from './kernel.ts';
export * from './structure.ts';
export { conservationBreach } from './conservation.ts';
export type { ReceiveWindow } from './kernel.ts';
export type { KernelEngine, Transfer, EngineElement } from './engine.ts';
