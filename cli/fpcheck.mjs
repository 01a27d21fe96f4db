#!/usr/bin/env node
// Launcher: lets `npx fpcheck` run the TypeScript entry point through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
