import { EXIT } from '../output.ts';

/**
 * SIGINT and SIGTERM stop the search between runs (the search runs in worker threads, so this
 * thread takes the signal at once); a second signal means "now": every file is written
 * atomically, so leaving at once tears none.
 */
export function onInterrupt(): { readonly signal: AbortSignal; dispose(): void } {
  const stop = new AbortController();
  const onSignal = () => (stop.signal.aborted ? process.exit(EXIT.interrupted) : stop.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
