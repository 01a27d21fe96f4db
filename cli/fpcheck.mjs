#!/usr/bin/env node
// The command line run from the sources, for tests and development: registers tsx's TypeScript loader first.
// (The installed `fpcheck` is the compiled dist/cli/bin.js and needs no loader.)
import { register } from 'tsx/esm/api';

register();
const { start } = await import('./main.ts');
await start();
