/** Access rights as a bit set: read 4, write 2, execute 1 (the X.2 fpage encoding). */
export type Rights = number;

export const R = 4;
export const W = 2;
export const X = 1;
export const RWX: Rights = R | W | X;

/** True when `inner` grants nothing that `outer` does not. */
export const rightsWithin = (inner: Rights, outer: Rights): boolean => (inner & ~outer) === 0;

/** `rwx`-style text, `-` for a missing right. */
export const showRights = (r: Rights): string => `${r & R ? 'r' : '-'}${r & W ? 'w' : '-'}${r & X ? 'x' : '-'}`;
