import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { designNamed, DesignError, type Design } from '../../model/index.ts';
import { NotVerifiableError } from '../verify/expand.ts';

/**
 * How a design crosses to a worker thread: a registered design by its name; any other by its
 * name and the URL of a module that exports it (as a default or named export, in an array of
 * designs, or in a config's `designs`).
 */
export interface DesignRef {
  readonly name: string;
  readonly module?: string;
}

/** The modules user designs were loaded from (by the config loader or `--design`). */
const loadedFrom = new WeakMap<Design, string>();

/** Records that `design` was loaded from `module` (a path or URL), so that worker threads can load it too. */
export function rememberModule(design: Design, module: string): void {
  if (!loadedFrom.has(design)) loadedFrom.set(design, moduleUrl(module));
}

const moduleUrl = (m: string): string => (isAbsolute(m) ? pathToFileURL(m).href : m);

/** How `design` crosses to a worker; throws `DesignError` when its module is unknown. */
export function designRef(design: Design): DesignRef {
  if (designNamed(design.name) === design) return { name: design.name };
  const module = loadedFrom.get(design) ?? design.module;
  if (typeof module === 'string' && module.length > 0) return { name: design.name, module: moduleUrl(module) };
  throw new DesignError(
    design.name,
    'cannot run in worker threads: fpcheck does not know the module it is exported from; give the design `module: import.meta.url`, or name it in fpcheck.config.js / with --design, or use one worker',
  );
}

/** True for a value shaped like a design (a name, `supports` and `start`). */
export const isDesign = (v: unknown): v is Design =>
  typeof v === 'object' && v !== null && typeof (v as Design).name === 'string' && typeof (v as Design).supports === 'function' && typeof (v as Design).start === 'function';

/** The designs a module exports: designs, arrays of designs, and the `designs` of a config object, in export order (default first). */
export function designsExported(exports: Record<string, unknown>): Design[] {
  const out: Design[] = [];
  const add = (v: unknown) => {
    if (isDesign(v)) {
      if (!out.includes(v)) out.push(v);
    } else if (Array.isArray(v)) v.forEach(add);
    else if (typeof v === 'object' && v !== null && Array.isArray((v as { designs?: unknown }).designs)) (v as { designs: unknown[] }).designs.forEach(add);
  };
  const keys = Object.keys(exports).sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : 0));
  for (const k of keys) add(exports[k]);
  return out;
}

/**
 * Imports a module by path or URL. A TypeScript module that Node cannot load by itself is
 * loaded through tsx when the project has it installed.
 */
export async function importModule(module: string): Promise<Record<string, unknown>> {
  const url = moduleUrl(module);
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!/\.[mc]?ts$/.test(url) || (code !== 'ERR_UNKNOWN_FILE_EXTENSION' && !(e instanceof SyntaxError))) throw e;
    let api: { tsImport: (specifier: string, parent: string) => Promise<unknown> };
    try {
      api = (await import('tsx/esm/api' as string)) as typeof api;
    } catch {
      throw new Error(`${url} is TypeScript, which Node ${process.versions.node} cannot load by itself: install tsx in the project (npm i -D tsx), or compile it to .js, or use a .js/.mjs file`);
    }
    return (await api.tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
}

/** Loads the designs `refs` name (in a worker thread); a design that cannot be loaded throws `DesignError` naming it. */
export async function loadDesigns(refs: readonly DesignRef[]): Promise<Design[]> {
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  const out: Design[] = [];
  for (const ref of refs) {
    if (ref.module === undefined) {
      const d = designNamed(ref.name);
      if (!d) throw new DesignError(ref.name, 'is not a registered design');
      out.push(d);
      continue;
    }
    let exports: Record<string, unknown>;
    try {
      if (!modules.has(ref.module)) modules.set(ref.module, importModule(ref.module));
      exports = await modules.get(ref.module)!;
    } catch (e) {
      throw new DesignError(ref.name, `could not load its module ${ref.module} in a worker thread: ${(e as Error).message}`);
    }
    const d = designsExported(exports).find((x) => x.name === ref.name);
    if (!d) throw new DesignError(ref.name, `its module ${ref.module} exports no design of that name (it exports ${designsExported(exports).map((x) => x.name).join(', ') || 'none'})`);
    out.push(d);
  }
  return out;
}

/** An error met while searching `design`, as an error that names it (a `DesignError` or `NotVerifiableError` already does). */
export function designFailure(design: string, e: unknown): Error {
  if (e instanceof DesignError || e instanceof NotVerifiableError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  return new DesignError(design, `threw ${err.name}: ${err.message}`, { cause: err });
}

