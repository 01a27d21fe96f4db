// A design of the project's own that forgets to revoke: every command of the CLI must know it
// by name through fpcheck.config.mjs, and its workers must load it from here.
import { serveFromPhysmem, stateless } from 'fpcheck';

export const leaky = {
  name: 'my-leaky',
  summary: 'never takes a freed block back',
  supports: (p) => p === 'x2',
  symmetric: true,
  start: stateless((ctx) => ({ serve: serveFromPhysmem(ctx), revoke: () => undefined, free: () => undefined })),
};
