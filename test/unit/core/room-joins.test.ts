import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter } from "../../../src/core/adapter.js";
import type { BridgeService } from "../../../src/core/bridges.js";
import { GatewayError } from "../../../src/core/errors.js";
import { addressKey, makeAddress, type Address } from "../../../src/core/model/address.js";
import type { Room, RoomMember, RoomRemoval } from "../../../src/core/model/room.js";
import { RoomJoins, type PersonOf } from "../../../src/core/room-joins.js";

const hub = makeAddress("native", "default", "#dev");
const channel = makeAddress("irc", "libera", "#dev");
const juliet = makeAddress("xmpp", "default", "juliet@example.org");
const alice = makeAddress("native", "default", "alice");
const boss = makeAddress("native", "default", "boss");
const root = makeAddress("native", "default", "root");
const ircPeople: RoomMember[] = [
  { address: makeAddress("irc", "libera", "Bob"), nick: "Bob", role: "member" },
  { address: makeAddress("irc", "libera", "alice"), nick: "alice", role: "member" },
];

/** An IRC network whose channel #dev is bridged to native:#dev, with Bob and an IRC "alice" in it. */
function setUp(extraMembers: readonly RoomMember[] = [], personOf?: PersonOf): { joins: RoomJoins; calls: string[] } {
  const calls: string[] = [];
  const registry = new AdapterRegistry();
  registry.register({
    protocol: "irc",
    account: "libera",
    capabilities: { relaysRooms: true },
    bridgeRoom: async () => undefined,
    roomPeople: (remote: Address) => (addressKey(remote) === addressKey(channel) ? ircPeople : []),
  } as unknown as Adapter);
  const members: RoomMember[] = [
    { address: channel, nick: "#dev", role: "owner" },
    { address: alice, nick: "alice", role: "member" },
    ...extraMembers,
  ];
  const bridges = {
    hubFor: async (remote: Address) => (addressKey(remote) === addressKey(channel) ? hub : Promise.reject(new GatewayError("GW_ERR_FORBIDDEN", "not bridged"))),
    hubOf: async () => hub,
    closeIfIdle: async (room: Address) => void calls.push(`close ${room.id}`),
    isAdmin: (address: Address) => address.id === "root",
  } as unknown as BridgeService;
  const joins = new RoomJoins({
    registry,
    bridges,
    joinRoom: async (room: Address, member: RoomMember): Promise<Room> => {
      calls.push(`join ${room.id} ${member.nick}`);
      return { address: room, name: "dev", subject: "", members: [...members, member] };
    },
    leaveRoom: async (room: Address, member: Address, removal?: RoomRemoval) =>
      void calls.push(`leave ${room.id}${removal === undefined ? "" : ` ${member.id} kicked by ${removal.by}: ${removal.reason}`}`),
    renameMember: async (room: Address, member: Address, nick: string): Promise<RoomMember> => {
      calls.push(`rename ${room.id} ${nick}`);
      return { address: member, nick, role: "member" };
    },
    members: async () => members,
    ownerOf: async () => boss,
    // As the room shows them (core/shown-names.ts): the IRC "alice" under the name her lines go under.
    peopleShown: async (_room: Address, people: readonly RoomMember[]) => people.map((person) => (person.nick === "alice" ? { ...person, nick: "alice%libera" } : person)),
    ...(personOf === undefined ? {} : { personOf }),
  });
  return { joins, calls };
}

describe("RoomJoins (joining a room by its own address)", () => {
  it("joins a bridged channel at its hub, and answers the people: the room's own members first, then those the channel stands for", async () => {
    const { joins, calls } = setUp();
    const room = await joins.join(channel, { address: juliet, nick: "Juliet", role: "member" });
    assert.equal(addressKey(room.address), addressKey(hub));
    assert.deepEqual(
      room.members.map((member) => `${member.nick} ${addressKey(member.address)}`),
      ["alice native:alice", "Juliet xmpp:juliet@example.org", "Bob irc://libera/Bob", "alice%libera irc://libera/alice"],
      "no #dev occupant; the IRC alice after the native one, as the room shows her",
    );
    assert.deepEqual(calls, ["join #dev Juliet"]);
  });

  it("lets someone take a nick their own linked account has in a bridged channel, or an account linked to the same person, and no one else", async () => {
    const bob = makeAddress("native", "default", "bob");
    const bobsJid = makeAddress("xmpp", "default", "bob@example.org");
    // The IRC Bob is native bob's linked nick, and so is bob@example.org.
    const personOf: PersonOf = (address) => (address.id === "Bob" || address.id === "bob@example.org" ? bob : undefined);
    const { joins, calls } = setUp([], personOf);
    await joins.join(channel, { address: bob, nick: "Bob", role: "member" });
    await joins.join(channel, { address: bobsJid, nick: "bob", role: "member" });
    await joins.rename(channel, bob, "BOB");
    await assert.rejects(joins.join(channel, { address: juliet, nick: "Bob", role: "member" }), (error: GatewayError) => error.code === "GW_ERR_NICK_IN_USE");
    assert.deepEqual(calls, ["join #dev Bob", "join #dev bob", "rename #dev BOB", "close #dev"]);
  });

  it("refuses a nick a person in a bridged channel has (any case), and lets go of a room bridged for that join", async () => {
    const { joins, calls } = setUp();
    await assert.rejects(joins.join(channel, { address: juliet, nick: "BOB", role: "member" }), (error: GatewayError) => error.code === "GW_ERR_NICK_IN_USE");
    assert.deepEqual(calls, ["close #dev"], "nothing joined");
  });

  it("renames a member of a bridged channel at its hub, unless a person in the channel has the nick", async () => {
    const { joins, calls } = setUp();
    const renamed = await joins.rename(channel, juliet, "Jules");
    assert.equal(renamed.nick, "Jules");
    await assert.rejects(joins.rename(channel, juliet, "bob"), (error: GatewayError) => error.code === "GW_ERR_NICK_IN_USE");
    assert.deepEqual(calls, ["rename #dev Jules"], "the taken nick was not asked for");
  });

  it("refuses a person's nick no network can show, or marked as a bridged person's (%), before joining anything", async () => {
    const { joins, calls } = setUp();
    for (const nick of ["bell\u0007", "x\uffff", "   ", "n".repeat(65), "bob%libera"]) {
      await assert.rejects(joins.join(channel, { address: juliet, nick, role: "member" }), (error: GatewayError) => error.code === "GW_ERR_BAD_ADDRESS", JSON.stringify(nick));
    }
    assert.deepEqual(calls, []);
  });

  it("leaves a bridged channel at its hub, and asks whether a bridge made on demand is idle now", async () => {
    const { joins, calls } = setUp();
    await joins.leave(channel, juliet);
    assert.deepEqual(calls, ["leave #dev", "close #dev"]);
  });
  it("lets the room's owner or a gateway admin moderate it from outside, shown by their id, and anyone else out of it is no member", async () => {
    const { joins } = setUp();
    assert.deepEqual([(await joins.moderation(hub, boss)).shownAs, (await joins.moderation(hub, root)).shownAs], ["boss", "root"]);
    await assert.rejects(joins.moderation(hub, juliet), { code: "GW_ERR_NOT_MEMBER" });
    await assert.rejects(joins.moderation(hub, alice), { code: "GW_ERR_FORBIDDEN" }, "in the room, and neither owner nor admin");
  });

  it("lets the room's owner or a gateway admin put a person out, saying who, and nobody else; never a bridged room", async () => {
    const { joins, calls } = setUp([{ address: boss, nick: "Boss", role: "owner" }]);
    await joins.kick(hub, boss, alice, "spam");
    await joins.kick(hub, root, alice, "");
    assert.deepEqual(calls, ["leave #dev alice kicked by Boss: spam", "close #dev", "leave #dev alice kicked by root: ", "close #dev"]);
    const refused = async (by: Address, target: Address, code: string): Promise<void> =>
      assert.rejects(joins.kick(hub, by, target, ""), (error: GatewayError) => error.code === code);
    await refused(alice, boss, "GW_ERR_FORBIDDEN");
    await refused(juliet, alice, "GW_ERR_NOT_MEMBER");
    await refused(boss, boss, "GW_ERR_BAD_FRAME");
    await refused(boss, juliet, "GW_ERR_NOT_FOUND");
    await refused(boss, channel, "GW_ERR_FORBIDDEN");
    assert.equal(calls.length, 4, "nothing more left");
  });
});
