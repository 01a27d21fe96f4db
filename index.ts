/**
 * fpcheck's library API: check a memory-server design (a registered one or your own) on the
 * L4 X.2 kernel profiles, by random search (`check`) or exhaustively to a depth (`verify`), and
 * replay saved counterexamples. Property suites for vitest are in `fpcheck/vitest`.
 * @example
 * import { check } from 'fpcheck';
 * const result = check({ designs: [myDesign], profiles: ['x2'], runs: 200 });
 */
export {
  check,
  checkInWorkers,
  verify,
  exhaustiveSearch,
  cellsOf,
  DEFAULT_BLOCK_RUNS,
  DEFAULT_VERIFY_DEPTH,
  INVARIANTS,
  PROPERTIES,
  NotVerifiableError,
  type CheckOptions,
  type CheckResult,
  type VerifyOptions,
  type ExhaustiveResult,
  type ParallelOptions,
  type Progress,
  type Shard,
  type Invariant,
  type Property,
  type Verdict,
  type Finding,
  type CellResult,
} from './properties/index.ts';
export { replayCounterexample, replayFile, loadCounterexample, describeStatus, showTrace, BadFileError, type ReplayResult, type ReplayStatus, type CounterexampleFile } from './counterexamples/index.ts';
export {
  DESIGNS,
  DEFAULT_CONFIG,
  VERIFY_CONFIG,
  PROFILE_NAMES,
  KERNEL_RULES,
  ARCH_SUPERPAGE_ORDER,
  profile,
  stateless,
  stateful,
  copyData,
  canonicalText,
  ClientMap,
  HandleMap,
  ClientSet,
  HandleSet,
  DesignError,
  piecesOf,
  exhaustedSpace,
  slotsFingerprint,
  mapFromPhysmem,
  serveFromPhysmem,
  ProxySpace,
  type ProxySlot,
  type ProxyState,
  type Behaviour,
  type Piece,
  type Design,
  type Server,
  type ServerContext,
  type ServerKernel,
  type MapRequest,
  type Canon,
  type Exhausted,
  type WorldConfig,
  type ProfileName,
  type KernelProfile,
} from './model/index.ts';
export { defineConfig, type FpcheckConfig } from './cli/config.ts';
