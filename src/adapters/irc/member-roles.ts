/**
 * An IRC channel's membership prefixes as room roles, as Biboumi shows them in a MUC: the founder (`~`, mode q)
 * owns the room; protected users (`&`, mode a) and operators (`@`, mode o) are its admins; half-operators (`%`,
 * mode h) its moderators; voiced users (`+`) and everyone else, members. A nick's highest prefix counts, in the
 * server's order (ISUPPORT PREFIX, highest first).
 */
import type { RoomRole } from "../../core/model/room.js";

const ROLES: Readonly<Record<string, RoomRole>> = { "~": "owner", "&": "admin", "@": "admin", "%": "moderator" };

export function roleOfPrefixes(prefixes: string, order: string): RoomRole {
  let highest: string | undefined;
  for (const symbol of prefixes) {
    const rank = order.indexOf(symbol);
    if (rank >= 0 && (highest === undefined || rank < order.indexOf(highest))) highest = symbol;
  }
  return (highest === undefined ? undefined : ROLES[highest]) ?? "member";
}

const RANKS: Readonly<Record<RoomRole, number>> = { owner: 3, admin: 2, moderator: 1, member: 0 };

/** Of two views of one person, the one with the higher role (the first when equal); either may be missing. */
export function withHigherRole<T extends { readonly role: RoomRole }>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return RANKS[b.role] > RANKS[a.role] ? b : a;
}
