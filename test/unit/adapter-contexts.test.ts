/** adapterContext: the core's services as one network's adapter sees them; here, invitations into a room of her own account. */
import assert from "node:assert/strict";
import { adapterContext, type ContextServices } from "../../src/adapter-contexts.js";
import { AdapterRegistry } from "../../src/core/adapter-registry.js";
import { GatewayError } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/logger.js";
import { makeAddress, type Address } from "../../src/core/model/address.js";
import type { Room } from "../../src/core/model/room.js";
import type { OwnRooms } from "../../src/core/own-rooms.js";
import { RoomInvitations } from "../../src/core/room-invitations.js";
import type { RoomService } from "../../src/core/rooms.js";

const alice = makeAddress("native", "default", "alice");
const room = makeAddress("xmpp", "u.alice", "lobby@conference.example.org");
const romeo = makeAddress("xmpp", "u.alice", "romeo@example.org");
const PER_HOUR = 2;

/** The native adapter's context, over her own rooms, where an invitation to anyone but `romeo` is refused as her account's adapter refuses one. */
function context() {
  const sent: Address[] = [];
  const ownRooms = {
    get: (): Room => ({ address: room, name: room.id, subject: "", members: [] }),
    async invite(_room: Address, _member: Address, to: Address) {
      if (to.id !== romeo.id) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${to.id} is nobody to invite into a room`);
      sent.push(to);
    },
  } as unknown as OwnRooms;
  const log = createLogger("silent");
  const invitations = new RoomInvitations({ rooms: {} as RoomService, registry: new AdapterRegistry(), hubOf: async () => undefined, log, perHour: () => PER_HOUR });
  const services = { config: { store: { message_log: false } }, log, signal: new AbortController().signal, ownRooms, invitations } as unknown as ContextServices;
  return { context: adapterContext(services, "native", "default", () => undefined), sent };
}

describe("adapterContext", () => {
  it("counts against rooms.invitations_per_hour only the invitations into her own account's room that went out, not those refused", async () => {
    const { context: ctx, sent } = context();
    for (let refused = 0; refused < PER_HOUR + 1; refused++) {
      await assert.rejects(ctx.ownRooms.invite(room, alice, makeAddress("xmpp", "u.alice", "romeo@example.org/phone"), ""), { code: "GW_ERR_BAD_ADDRESS" });
    }
    for (let made = 0; made < PER_HOUR; made++) await ctx.ownRooms.invite(room, alice, romeo, "");
    assert.equal(sent.length, PER_HOUR);
    await assert.rejects(ctx.ownRooms.invite(room, alice, romeo, ""), { code: "GW_ERR_RATE_LIMITED" });
    assert.equal(sent.length, PER_HOUR, "none past the limit");
  });
});
