/**
 * fpcheck's library API: check a memory-server design (a registered one or your own) on the
 * L4 X.2 kernel profiles, and replay saved counterexamples.
 * @example
 * import { check } from 'fpcheck';
 * const result = check({ designs: [myDesign], profiles: ['x2'], runs: 200 });
 */
export { check, checkInWorkers, cellsOf, DEFAULT_BLOCK_RUNS, type CheckOptions, type CheckResult, type ParallelOptions, type Progress, type Shard, INVARIANTS, type Invariant, type Finding, type CellResult } from './properties/index.ts';
export { replayCounterexample, replayFile, loadCounterexample, describeStatus, type ReplayResult, type ReplayStatus, BadFileError } from './counterexamples/index.ts';
export { DESIGNS, DEFAULT_CONFIG, PROFILE_NAMES, type Design, type Server, type ServerContext, type MapRequest, type WorldConfig, type ProfileName, mapFromPhysmem, serveFromPhysmem, ProxySpace } from './model/index.ts';
