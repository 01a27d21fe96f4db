/**
 * The script of a worker thread beside the module at `from`: the compiled `.js` when running
 * from `dist/`, or a launcher that registers the TypeScript loader when running the sources.
 */
export const workerUrl = (from: string, name: string): URL => new URL(from.endsWith('.ts') ? `./${name}.mjs` : `./${name}.js`, from);
