/** Saved counterexamples: the file format, atomic storage, loading untrusted files, and replay. */
export * from './lib/format.ts';
export * from './lib/errors.ts';
export * from './lib/store.ts';
export * from './lib/replay.ts';
export * from './lib/trace.ts';
