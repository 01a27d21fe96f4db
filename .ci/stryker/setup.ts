// Stryker selects tests by name, and @fast-check/vitest names property tests with a random seed:
// a fixed seed keeps the names (and the runs) the same for every mutant, and ending at the first
// failure keeps a killed mutant from shrinking into a timeout.
import fc from 'fast-check';

fc.configureGlobal({ seed: 20261126, endOnFailure: true });
