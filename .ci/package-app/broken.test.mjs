// The same design, forgetting to revoke on dealloc: its safety test must fail with the trace.
import { checkDesigns } from 'fpcheck/vitest';
import { serveFromPhysmem, stateless } from 'fpcheck';

checkDesigns(
  {
    name: 'my-forgetful-design',
    summary: 'never takes a freed block back',
    supports: (p) => p === 'extended',
    start: stateless((ctx) => ({ serve: serveFromPhysmem(ctx), revoke: () => undefined, free: () => undefined })),
  },
  { profiles: ['extended'], runs: 300, out: 'broken-cx' },
);
