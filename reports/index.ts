/** Run records and the coverage reports built from them. */
export * from './lib/verdicts.ts';
export * from './lib/summary.ts';
export * from './lib/record.ts';
export * from './lib/coverage.ts';
export * from './lib/merge.ts';
export * from './lib/tracePicture.ts';
export * from './lib/html.ts';
