/** fpcheck's model: the L4 X.2 kernel, the memory server's designs and the world that steps them. Pure and deterministic. */
export * from './kernel/index.ts';
export * from './world/index.ts';
export * from './designs/index.ts';
