import { clientTask, contains, endOf, type Fpage, type SpaceSlot, type WorldView } from '../../model/index.ts';
import { HOLDS, VACUOUS, violated, type Invariant } from '../invariant.ts';

/** True when an aligned region of `2^order` pages is free in a space of `2^spaceOrder` pages holding only `used`. */
function fits(order: number, spaceOrder: number, used: readonly Fpage[]): boolean {
  for (let base = 0; base + 2 ** order <= 2 ** spaceOrder; base += 2 ** order) {
    const f = { base, order };
    if (!used.some((u) => contains(u, f) || contains(f, u))) return true;
  }
  return false;
}

/** A slot the client answers for: it serves the client, for memory the client still holds. */
const ownSlot = (view: WorldView, client: number, s: SpaceSlot): boolean => {
  const a = view.allocations.get(s.handle);
  return s.users.includes(client) && a !== undefined && a.live && a.holders.has(client);
};

/** A within-quota request never fails because of what other clients hold, or because the server kept room for memory nobody holds. */
export const noExhaustion: Invariant = {
  name: 'availability.no-exhaustion',
  property: 'availability',
  statement: 'a request by a client within its own quota never fails because of what other clients did (or of room the server keeps for memory no client holds any more)',
  premise: 'a client asked for a mapping while other clients held mappings',
  minNonVacuousShare: 0.3,
  check(obs, after) {
    const o = obs.outcome;
    if (o.kind === 'exhausted') {
      const own = o.slots.filter((s) => ownSlot(after, o.client, s)).map((s) => s.region);
      if (!fits(o.order, o.spaceOrder, own)) return HOLDS; // the client filled the space itself
      const others = o.slots.filter((s) => !ownSlot(after, o.client, s));
      const taken = others.reduce((n, s) => n + 2 ** s.region.order, 0);
      const stale = others.filter((s) => !after.allocations.get(s.handle)?.live || s.users.length === 0).length;
      const users = [...new Set(others.flatMap((s) => s.users))].sort();
      return violated(
        `client ${o.client}'s request for ${2 ** o.order} pages failed: ${o.space}'s space of ${2 ** o.spaceOrder} pages is full, ${taken} pages of it held for ${users.length === 0 ? 'no client' : `client${users.length > 1 ? 's' : ''} ${users.join(', ')}`}${stale > 0 ? ` (${stale} region${stale > 1 ? 's' : ''} for memory no longer held)` : ''} (last region ends at ${Math.max(...o.slots.map((s) => endOf(s.region)))})`,
      );
    }
    const asked = obs.command.kind === 'request' || obs.command.kind === 'touch';
    if (!asked || o.kind !== 'applied') return VACUOUS;
    for (let c = 0; c < after.config.clients; c++) {
      if (c !== obs.command.client && !after.kernel.db.spaceFree(clientTask(c), { base: 0, order: after.config.clientSpaceOrder })) return HOLDS;
    }
    return VACUOUS;
  },
};
