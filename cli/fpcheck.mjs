#!/usr/bin/env node
// Launcher: lets `npx fpcheck` run the TypeScript entry point through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main, quietOnClosedPipe } = await import('./main.ts');
quietOnClosedPipe();
process.exitCode = await main(process.argv.slice(2));
