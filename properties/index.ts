/** fpcheck's properties: invariants, the search over a design and kernel profile, and minimal counterexamples. */
export * from './invariant.ts';
export { INVARIANTS, invariantNamed } from './invariants/index.ts';
export * from './entitlement.ts';
export { runCommands, judge, type Scenario, type Violation, type TraceStep } from './trace.ts';
export { minimize } from './minimize.ts';
export { searchCell, DEFAULT_SEARCH, type SearchOptions, type SearchPhase, type Finding, type FindingOrigin, type Shortest, type CellResult, type ExhaustiveSummary } from './search.ts';
export { applicableCommand, drawIntent, DEFAULT_WEIGHTS, intentArbitrary, resolveIntent, type CommandWeights, type Intent } from './arbitraries.ts';
export * from './stats.ts';
export { cellSeed, fnv1a } from './seed.ts';
export { check, checkUnit, cellsOf, unitsOf, blocksPerCell, CellJoin, planOf, resultOf, DEFAULT_BLOCK_RUNS, type CheckOptions, type CheckResult, type SearchBudget, type Progress, type Shard, type Unit, type Plan } from './check.ts';
export { verify, verifyPlan, symmetryIn, DEFAULT_VERIFY_DEPTH, DEFAULT_VERIFY_BYTES, type VerifyOptions } from './verify/matrix.ts';
export { MAX_SYMMETRIC_CLIENTS } from './verify/bfs.ts';
export { exhaustiveSearch, NotVerifiableError, SHARD_DEPTH, type ExhaustiveOptions, type ExhaustiveResult, type ExhaustiveViolation } from './verify/bfs.ts';
export { exhaustiveSearchPooled } from './verify/pool.ts';
export { certify, DEFAULT_CERTIFY_TRANSITIONS } from './verify/certify.ts';
export { joinBlocks, type BlockPart } from './blocks.ts';
export { paranoid, mappingDatabaseFull } from './invariants/paranoid.ts';
export { checkInWorkers, defaultWorkers, type ParallelOptions } from './parallel/pool.ts';
