// Found by `npx fpcheck run|verify|replay|report` in this directory.
import { defineConfig } from 'fpcheck';
import { leaky } from './leaky-design.mjs';

export default defineConfig({ designs: [leaky], profiles: ['x2'], runs: 30, depth: 3 });
