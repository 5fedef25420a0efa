import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter } from "../../../src/core/adapter.js";
import { makeAddress, type Address } from "../../../src/core/model/address.js";
import { nickKey } from "../../../src/core/model/nick.js";
import type { RoomMember } from "../../../src/core/model/room.js";
import type { RoomService } from "../../../src/core/rooms.js";
import { ShownNames } from "../../../src/core/shown-names.js";

const hub = makeAddress("native", "default", "#dev");
const person = (network: string, nick: string): RoomMember => ({ address: makeAddress("irc", network, nick), nick, role: "member" });

/** Two IRC networks bridged to native:#dev, whose members are `members`; `reserved` are users' names. */
function setUp(members: RoomMember[], reserved: Set<string>): ShownNames {
  const registry = new AdapterRegistry();
  for (const account of ["libera", "oftc"]) registry.register({ protocol: "irc", account, capabilities: { relaysRooms: true } } as unknown as Adapter);
  const rooms = {
    exists: async () => true,
    members: async () => members,
    reservedAgainst: async (nick: string, member: Address) => (reserved.has(nickKey(nick)) && member.protocol !== "native" ? makeAddress("native", "default", nickKey(nick)) : undefined),
  } as unknown as RoomService;
  return new ShownNames({ registry, rooms });
}

describe("ShownNames (the name a room shows someone of a bridged room under)", () => {
  it("keeps a nick nobody else has, and marks with the network one a member has, a user's name, one already shown for another, and one with a %", async () => {
    const names = setUp([{ address: makeAddress("xmpp", "default", "juliet@example.org"), nick: "Juliet", role: "member" }], new Set(["alice"]));
    const { shown } = await names.list(hub, [person("libera", "bob"), person("libera", "juliet"), person("libera", "ALICE"), person("libera", "dave"), person("oftc", "Dave"), person("oftc", "x%libera")]);
    assert.deepEqual(
      shown.map((member) => member.nick),
      ["bob", "juliet%libera", "ALICE%libera", "dave", "Dave%oftc", "x%libera%oftc"],
    );
    assert.equal((await names.heard(hub, makeAddress("irc", "oftc", "Dave"), "Dave")).name, "Dave%oftc", "their lines go under the same name");
  });

  it("tells a change of the name of someone it lists, once, and frees a name when its holder goes", async () => {
    const reserved = new Set<string>();
    const names = setUp([], reserved);
    await names.show(hub, person("libera", "sam"));
    await names.show(hub, person("oftc", "sam"));
    assert.equal((await names.heard(hub, makeAddress("irc", "libera", "sam"), "sam")).change, undefined);
    reserved.add("sam");
    const heard = await names.heard(hub, makeAddress("irc", "libera", "sam"), "sam");
    assert.deepEqual([heard.name, heard.change?.before.nick, heard.change?.after.nick], ["sam%libera", "sam", "sam%libera"]);
    assert.equal((await names.heard(hub, makeAddress("irc", "libera", "sam"), "sam")).change, undefined, "told once");
    assert.equal((await names.heard(hub, makeAddress("irc", "oftc", "nobody"), "nobody")).change, undefined, "someone only heard from is listed nowhere: no change to tell");

    reserved.delete("sam");
    const changes = await names.reconsider({ nick: "SAM" });
    assert.deepEqual(changes.map(({ change }) => change.after.nick), ["sam"], "one of the two takes the name, the other stays marked");
    const holder = changes[0]?.change.after.address as Address;
    assert.equal(names.forget(hub, holder)?.nick, "sam");
    const freed = await names.reconsider({ nick: "sam", room: hub });
    assert.deepEqual(freed.map(({ change }) => `${change.before.nick} -> ${change.after.nick}`), [`sam%${holder.account === "libera" ? "oftc" : "libera"} -> sam`]);
  });

  it("forgets those a list no longer holds (a leave it missed), whose names are free again", async () => {
    const names = setUp([], new Set());
    await names.list(hub, [person("libera", "eve")]);
    const { shown } = await names.list(hub, [person("oftc", "eve")]);
    assert.deepEqual(shown.map((member) => member.nick), ["eve"]);
    assert.equal(names.forget(hub, makeAddress("irc", "libera", "eve")), undefined);
  });
});
