// fpcheck is an ES module package: `require('fpcheck')` lands here and says so, instead of Node's
// "No exports main defined" (ERR_PACKAGE_PATH_NOT_EXPORTED).
const err = new Error(
  "fpcheck is ESM only: it cannot be loaded with require(). Use `import { check } from 'fpcheck'` in an ES module " +
    '(a .mjs file, or "type": "module" in package.json), or `const { check } = await import(\'fpcheck\')` from CommonJS. ' +
    'TypeScript projects compiling to CommonJS: set "module": "nodenext" and "type": "module", or use the dynamic import.',
);
err.code = 'ERR_REQUIRE_ESM';
throw err;
