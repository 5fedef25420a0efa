/**
 * Who counts as a room's owner: its creator (docs/protocol.md), by any account of the creator's person. A room owner
 * who joins through her linked XMPP JID (identity.link, or an XEP-0077 registration, which links the JID) is the same
 * person as her native account, as the bans already count a person's accounts together (room-bans.ts accountsOf): she
 * configures and destroys her room, kicks and bans in it, and gets past its members-only list and its password, from
 * either account.
 */
import { sameAddress, type Address } from "./model/address.js";
import type { PersonOf } from "./room-joins.js";

/** Whether `by` is the room's owner: `createdBy` itself, or an account of the same person. */
export function isRoomOwner(createdBy: Address, by: Address, personOf: PersonOf): boolean {
  return sameAddress(createdBy, by) || sameAddress(personOf(by) ?? by, personOf(createdBy) ?? createdBy);
}
