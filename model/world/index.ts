/** The memory server's world: configuration, commands, allocations and the stepped state machine. */
export * from './config.ts';
export * from './commands.ts';
export { AllocationBook, type Allocation } from './allocations.ts';
export type { Outcome, ServeRequest, SpaceSlot, StepObservation } from './observations.ts';
export { World, WorldConfigError, PHYSMEM, type WorldView } from './world.ts';
export { FingerprintSums } from './fingerprint.ts';
