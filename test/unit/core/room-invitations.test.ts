import assert from "node:assert/strict";
import type { Adapter } from "../../../src/core/adapter.js";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { hasErrorCode } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, makeAddress, type Address } from "../../../src/core/model/address.js";
import type { RoomInvitation } from "../../../src/core/model/room.js";
import { cleanReason, INVITATIONS_PER_HOUR, MAX_INVITATION_REASON, RoomInvitations } from "../../../src/core/room-invitations.js";
import type { RoomService } from "../../../src/core/rooms.js";

const lobby = makeAddress("native", "default", "#lobby");
const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");
const juliet = makeAddress("xmpp", "default", "juliet@example.org");
const channel = makeAddress("irc", "libera", "#lobby");
const HOUR = 60 * 60 * 1000;

/** A network's adapter as the service sees it: it knows everyone, and records what it was asked to tell. */
function network(protocol: "native" | "xmpp" | "irc", account: string, invites = true) {
  const invited: RoomInvitation[] = [];
  const declined: RoomInvitation[] = [];
  const adapter = {
    protocol,
    account,
    capabilities: {},
    knows: async () => true,
    ...(invites ? { sendInvitation: async (invitation: RoomInvitation) => void invited.push(invitation) } : {}),
    sendDecline: async (decline: RoomInvitation) => void declined.push(decline),
  } as unknown as Adapter;
  return { adapter, invited, declined };
}

describe("RoomInvitations", () => {
  let now = 1_700_000_000_000;

  function service(members: readonly Address[] = [alice], perHour?: () => number) {
    const registry = new AdapterRegistry();
    const native = network("native", "default");
    const xmpp = network("xmpp", "default");
    registry.register(native.adapter);
    registry.register(xmpp.adapter);
    registry.register(network("irc", "libera", false).adapter);
    const rooms = {
      exists: async (room: Address) => addressKey(room) === addressKey(lobby),
      isMember: async (_room: Address, member: Address) => members.some((entry) => addressKey(entry) === addressKey(member)),
    } as unknown as RoomService;
    const hubOf = async (remote: Address): Promise<Address | undefined> => (addressKey(remote) === addressKey(channel) ? lobby : undefined);
    const invitations = new RoomInvitations({ rooms, registry, hubOf, log: createLogger("silent"), now: () => now, ...(perHour ? { perHour } : {}) });
    return { invitations, native, xmpp };
  }

  const refusedWith = (code: Parameters<typeof hasErrorCode>[1]) => (error: unknown) => hasErrorCode(error, code);

  it("sends an invitation into a bridged room's hub, named by the bridged room's own address", async () => {
    const { invitations, xmpp } = service();
    await invitations.invite({ room: channel, from: alice, to: juliet, reason: "come\r\nin" });
    assert.deepEqual(xmpp.invited, [{ room: lobby, from: alice, to: juliet, reason: "come in" }]);
  });

  it("refuses non-members, unknown rooms, members, networks that cannot invite and networks not served", async () => {
    const { invitations } = service([alice, bob]);
    await assert.rejects(invitations.invite({ room: lobby, from: juliet, to: bob, reason: "" }), refusedWith("GW_ERR_NOT_MEMBER"));
    await assert.rejects(invitations.invite({ room: makeAddress("native", "default", "#none"), from: alice, to: bob, reason: "" }), refusedWith("GW_ERR_NOT_FOUND"));
    await assert.rejects(invitations.invite({ room: lobby, from: alice, to: bob, reason: "" }), refusedWith("GW_ERR_BAD_ADDRESS"));
    await assert.rejects(invitations.invite({ room: lobby, from: alice, to: makeAddress("irc", "libera", "ira"), reason: "" }), refusedWith("GW_ERR_UNSUPPORTED"));
    await assert.rejects(invitations.invite({ room: lobby, from: alice, to: makeAddress("irc", "oftc", "ira"), reason: "" }), refusedWith("GW_ERR_NO_ROUTE"));
  });

  it(`takes ${INVITATIONS_PER_HOUR} invitations an hour from one inviter, refused or sent, and more once the hour passed`, async () => {
    const { invitations, xmpp } = service();
    await assert.rejects(invitations.invite({ room: lobby, from: alice, to: makeAddress("irc", "libera", "ira"), reason: "" }), refusedWith("GW_ERR_UNSUPPORTED"));
    for (let i = 1; i < INVITATIONS_PER_HOUR; i++) await invitations.invite({ room: lobby, from: alice, to: juliet, reason: "" });
    await assert.rejects(invitations.invite({ room: lobby, from: alice, to: juliet, reason: "" }), refusedWith("GW_ERR_RATE_LIMITED"));
    assert.equal(xmpp.invited.length, INVITATIONS_PER_HOUR - 1);
    now += HOUR + 1;
    await invitations.invite({ room: lobby, from: alice, to: juliet, reason: "" });
    assert.equal(xmpp.invited.length, INVITATIONS_PER_HOUR);
  });

  it("takes rooms.invitations_per_hour as it is at each invitation: a reload raising or lowering it counts for the next", async () => {
    let perHour = 2;
    const { invitations, xmpp } = service([alice], () => perHour);
    await invitations.invite({ room: lobby, from: alice, to: juliet, reason: "" });
    await invitations.invite({ room: lobby, from: alice, to: juliet, reason: "" });
    await assert.rejects(invitations.invite({ room: lobby, from: alice, to: juliet, reason: "" }), (error: unknown) => hasErrorCode(error, "GW_ERR_RATE_LIMITED") && /at most 2 invitations/.test(String(error)));
    perHour = 3;
    await invitations.invite({ room: lobby, from: alice, to: juliet, reason: "" });
    perHour = 1;
    await assert.rejects(invitations.invite({ room: lobby, from: alice, to: juliet, reason: "" }), refusedWith("GW_ERR_RATE_LIMITED"));
    assert.equal(xmpp.invited.length, 3);
  });

  it("forwards a decline to its inviter once, and none of an invitation an hour old", async () => {
    const { invitations, native } = service();
    const decline = { room: lobby, from: juliet, to: alice, reason: "busy" };
    assert.equal(await invitations.decline(decline), false, "no invitation made yet");
    await invitations.invite({ room: lobby, from: alice, to: juliet, reason: "" });
    assert.equal(await invitations.decline(decline), true);
    assert.equal(await invitations.decline(decline), false, "declined once already");
    assert.deepEqual(native.declined, [decline]);
    await invitations.invite({ room: lobby, from: alice, to: juliet, reason: "" });
    now += HOUR + 1;
    assert.equal(await invitations.decline(decline), false, "an hour old");
  });

  it("keeps a reason on one line, cut to its limit, and refuses control characters", () => {
    assert.equal(cleanReason("  a\n\tb  "), "a b");
    assert.equal([...cleanReason("é".repeat(MAX_INVITATION_REASON + 5))].length, MAX_INVITATION_REASON);
    assert.throws(() => cleanReason("a\u0000b"), (error: unknown) => hasErrorCode(error, "GW_ERR_BAD_FRAME"));
  });
});
