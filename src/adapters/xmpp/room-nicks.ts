/**
 * Who is behind a nick in a gateway room, for private messages to occupants (XEP-0045 section 7.5): the members
 * the core listed when an XMPP user joined, the members who joined since (from any network, relayed IRC users
 * and bot MUC occupants included), and the senders of the room's recent messages, whose nick is all an
 * occupant has seen of them (an IRC user who spoke in a bridged channel without being listed). Nicks compare
 * case-insensitively; each room keeps at most MAX_NICKS_PER_ROOM, the oldest forgotten first.
 */
import { addressKey, type Address } from "../../core/model/address.js";

const MAX_NICKS_PER_ROOM = 1000;

export class RoomNicks {
  /** Room key -> nick (lower case) -> the address behind it, in the order last seen. */
  private readonly rooms = new Map<string, Map<string, Address>>();

  /** `nick` is `address` in `room` (a member listed, joined, or heard from). */
  seen(room: Address, nick: string, address: Address): void {
    const key = addressKey(room);
    let nicks = this.rooms.get(key);
    if (!nicks) {
      nicks = new Map();
      this.rooms.set(key, nicks);
    }
    const folded = nick.toLowerCase();
    nicks.delete(folded);
    nicks.set(folded, address);
    if (nicks.size > MAX_NICKS_PER_ROOM) nicks.delete(nicks.keys().next().value ?? "");
  }

  /** `nick` left `room`: private messages to it are refused from now on (unless it comes back). */
  left(room: Address, nick: string): void {
    this.rooms.get(addressKey(room))?.delete(nick.toLowerCase());
  }

  find(room: Address, nick: string): Address | undefined {
    return this.rooms.get(addressKey(room))?.get(nick.toLowerCase());
  }
}
