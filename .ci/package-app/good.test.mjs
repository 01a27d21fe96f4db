// A sound design under the user's own name (the registered per-task-proxy, one proxy task per
// client): every property holds. A direct-mapping design revoked with unmapIn would not pass:
// a sharer can grant its page on before it releases (kernel-extension's finding).
import { checkDesigns } from 'fpcheck/vitest';
import { DESIGNS } from 'fpcheck';

const perTaskProxy = DESIGNS.find((d) => d.name === 'per-task-proxy');
checkDesigns({ ...perTaskProxy, name: 'my-design' }, { profiles: ['x2'], runs: 300, certifyTransitions: 0 });
