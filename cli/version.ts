import { readFileSync } from 'node:fs';

/** fpcheck's version, from the package.json above this module (one level up in the sources, two in `dist/`). */
export const VERSION = ((): string => {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // not there: look one level further up
    }
  }
  return 'unknown';
})();
