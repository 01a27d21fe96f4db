#!/usr/bin/env node
// The `fpcheck` executable (compiled to dist/cli/bin.js).
import { start } from './main.ts';

await start();
