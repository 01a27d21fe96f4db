/** Access rights as a bit set: read 4, write 2, execute 1 (the X.2 fpage encoding). */
export type Rights = number;

export const R = 4;
export const W = 2;
export const X = 1;
export const RWX: Rights = R | W | X;

/** True when `inner` grants nothing that `outer` does not. */
export const rightsWithin = (inner: Rights, outer: Rights): boolean => (inner & ~outer) === 0;

/** Rights as `rwx`-style text: `r`, `w`, `x` or `-` in that order. */
export type RightsText = string;

/** True when `s` is `rwx`-style text. */
export const isRightsText = (s: string): boolean => /^[r-][w-][x-]$/.test(s);

/** The rights of `rwx`-style text (`r-x` is read and execute). Pure. */
export const parseRights = (s: RightsText): Rights => (s[0] === 'r' ? R : 0) | (s[1] === 'w' ? W : 0) | (s[2] === 'x' ? X : 0);

/** `rwx`-style text, `-` for a missing right. */
export const showRights = (r: Rights): string => `${r & R ? 'r' : '-'}${r & W ? 'w' : '-'}${r & X ? 'x' : '-'}`;
