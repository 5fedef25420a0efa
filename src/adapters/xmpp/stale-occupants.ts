/**
 * Occupancy is per XMPP session, and no session survives a new connection: members of the gateway's rooms that are
 * XMPP users of the component (component-adapter.ts) are left over from before (a crash skips the clean leave). They
 * leave at each start of the component; their clients join again if they are still there.
 */
import type { AdapterContext } from "../../core/adapter.js";
import type { Address } from "../../core/model/address.js";
import type { RoomMember } from "../../core/model/room.js";

export interface GatewayRoomListing {
  readonly address: Address;
  readonly name: string;
  readonly members: readonly RoomMember[];
}

export async function clearStaleOccupants(rooms: readonly GatewayRoomListing[], context: AdapterContext): Promise<void> {
  for (const room of rooms) {
    for (const member of room.members) {
      if (member.address.protocol !== "xmpp" || member.address.account !== context.account) continue;
      await context.leaveRoom(room.address, member.address).catch((error: unknown) => context.log.warn({ err: error }, "stale occupant not cleared"));
    }
  }
}
