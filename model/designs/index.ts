/** The registry of memory-server designs: adding one is a new file and one line here. */
import type { Design } from './design.ts';
import { directContaining } from './directContaining.ts';
import { directExact } from './directExact.ts';
import { kernelExtension } from './kernelExtension.ts';
import { perTaskProxy } from './perTaskProxy.ts';
import { proxyOnce } from './proxyOnce.ts';
import { sharedProxy } from './sharedProxy.ts';

export const DESIGNS: readonly Design[] = [directExact, directContaining, sharedProxy, proxyOnce, perTaskProxy, kernelExtension];

export const designNamed = (name: string): Design | undefined => DESIGNS.find((d) => d.name === name);

export { stateless, type Canon, type Design, type Server, type ServerContext, type ServerKernel, type MapRequest, type Exhausted } from './design.ts';
export { piecesOf, mapFromPhysmem, serveFromPhysmem, type Piece } from './pieces.ts';
export { ProxySpace, exhaustedSpace, slotsFingerprint, type ProxySlot, type ProxyState } from './proxySpace.ts';
export { stateful, copyData, canonicalText, ClientMap, HandleMap, ClientSet, HandleSet, DesignError, type Behaviour } from './state.ts';
