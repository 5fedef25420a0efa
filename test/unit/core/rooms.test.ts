import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import type { RoomMember } from "../../../src/core/model/room.js";
import { createLogger } from "../../../src/core/logger.js";
import { RoomCapacity } from "../../../src/core/room-capacity.js";
import { checkNick, RoomService } from "../../../src/core/rooms.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const lobby = parseAddress("native:%23lobby");
const alice = parseAddress("native:alice");
const bob = parseAddress("native:bob");
const juliet = parseAddress("xmpp:juliet@example.org");

describe("RoomService", () => {
  let store: Store;
  let rooms: RoomService;

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    rooms = new RoomService(store.rooms);
    await rooms.create(lobby, "lobby", "hi", { address: alice, nick: "alice", role: "owner" });
  });
  afterEach(async () => {
    await store.close();
  });

  it("answers from what was last written, through joins, leaves and subject changes", async () => {
    assert.deepEqual((await rooms.members(lobby)).map((member) => member.nick), ["alice"]);
    await rooms.join(lobby, { address: bob, nick: "bob", role: "member" });
    await rooms.join(lobby, { address: juliet, nick: "Juliet", role: "member" });
    assert.deepEqual((await rooms.members(lobby)).map((member) => member.nick), ["alice", "bob", "Juliet"]);
    assert.equal(await rooms.isMember(lobby, juliet), true);
    await rooms.leave(lobby, bob);
    assert.equal(await rooms.isMember(lobby, bob), false);
    assert.deepEqual(await store.rooms.members(lobby), await rooms.members(lobby), "the cache and the store agree");
    await rooms.setSubject(lobby, "new subject", alice);
    assert.equal((await rooms.get(lobby)).subject, "new subject");
  });

  it("keeps the creator the room's owner when they come back after leaving (or being put out)", async () => {
    await rooms.join(lobby, { address: bob, nick: "bob", role: "member" });
    await rooms.leave(lobby, alice);
    await rooms.join(lobby, { address: alice, nick: "alice", role: "member" });
    assert.deepEqual(
      (await rooms.members(lobby)).map((member) => [member.nick, member.role]),
      [["bob", "member"], ["alice", "owner"]],
    );
  });

  it("refuses a nick another member holds, whatever its case, and lets the same member rejoin", async () => {
    await rooms.join(lobby, { address: juliet, nick: "Juliet", role: "member" });
    await assert.rejects(rooms.join(lobby, { address: bob, nick: "JULIET", role: "member" }), { code: "GW_ERR_NICK_IN_USE" });
    assert.equal(await rooms.join(lobby, { address: juliet, nick: "Juliet", role: "member" }), false);
  });

  it("renames a member (stored, role kept), unless another member has the nick in any case or they are not in", async () => {
    await rooms.join(lobby, { address: juliet, nick: "Juliet", role: "member" });
    const { before, after } = await rooms.rename(lobby, juliet, "Jules");
    assert.deepEqual([before.nick, after.nick, after.role], ["Juliet", "Jules", "member"]);
    assert.deepEqual((await store.rooms.members(lobby)).map((member) => member.nick), ["alice", "Jules"], "stored");
    assert.deepEqual((await rooms.rename(lobby, alice, "Alice")).after, { address: alice, nick: "Alice", role: "owner" }, "a change of case, role kept");
    await assert.rejects(rooms.rename(lobby, juliet, "ALICE"), { code: "GW_ERR_NICK_IN_USE" });
    await assert.rejects(rooms.rename(lobby, bob, "bobby"), { code: "GW_ERR_NOT_MEMBER" });
    assert.deepEqual((await rooms.members(lobby)).map((member) => member.nick), ["Alice", "Jules"]);
  });

  it("refuses a nick no network can show (control characters, U+FFFF, only spaces, too long) or marked as a bridged person's (%) at a rename", async () => {
    for (const nick of ["bell\u0007", "x\uffff", "   ", "n".repeat(65), "alice%libera"]) {
      await assert.rejects(rooms.rename(lobby, alice, nick), { code: "GW_ERR_BAD_ADDRESS" }, JSON.stringify(nick));
    }
    assert.equal((await rooms.rename(lobby, alice, "🦊".repeat(64))).after.nick.length, 128, "64 characters, an emoji counted once");
  });

  it("refuses a nick made to pass for another: invisible or bidi characters, spaces at an end, Latin mixed with Cyrillic", async () => {
    for (const nick of ["bob\u200b", "\u202eboj", "bob ", " bob", "bо\u0062" /* a Cyrillic о */, "b\u2066ob", "\u200d", "\ufe0f\u200d", "bob\u2800"]) {
      assert.throws(() => checkNick(nick), { code: "GW_ERR_BAD_ADDRESS" }, JSON.stringify(nick)); // at every join (room-joins.ts, the native handlers)
      await assert.rejects(rooms.rename(lobby, alice, nick), { code: "GW_ERR_BAD_ADDRESS" }, JSON.stringify(nick));
    }
    // Emoji built with joiners and variation selectors, and names in one script, are nicks like any other.
    for (const nick of ["👩‍💻", "❤️ fan", "Дмитрий", "Ἀλέξανδρος", "Zoë"]) assert.equal((await rooms.rename(lobby, alice, nick)).after.nick, nick);
  });

  it("takes nicks that look the same for the same nick: case, full-width letters, invisible characters", async () => {
    await rooms.rename(lobby, alice, "alice");
    for (const nick of ["ALICE", "ａｌｉｃｅ", "al\u00adice"]) {
      await assert.rejects(rooms.join(lobby, { address: bob, nick, role: "member" }), { code: "GW_ERR_NICK_IN_USE" }, nick);
    }
  });

  it("keeps a user's name theirs in every room: nobody else joins or renames as them, their linked accounts may", async () => {
    const reserved = new RoomService(store.rooms, {
      holderOf: async (nick) => (nick.toLowerCase() === "carol" ? parseAddress("native:carol") : undefined),
      mayUse: (member, holder) => member.id === holder.id || member.id === "carol@example.org",
      isBridgedRoom: (member) => member.protocol === "irc",
    });
    await assert.rejects(reserved.join(lobby, { address: bob, nick: "Carol", role: "member" }), { code: "GW_ERR_NICK_IN_USE" });
    await reserved.join(lobby, { address: bob, nick: "bob", role: "member" });
    await assert.rejects(reserved.rename(lobby, bob, "carol"), { code: "GW_ERR_NICK_IN_USE" });
    await reserved.join(lobby, { address: parseAddress("xmpp:carol@example.org"), nick: "carol", role: "member" });
    assert.deepEqual((await reserved.members(lobby)).map((member) => member.nick), ["alice", "bob", "carol"]);
    await reserved.join(lobby, { address: parseAddress("irc://libera/%23carol"), nick: "#carol", role: "member" });
    await reserved.rename(lobby, parseAddress("xmpp:carol@example.org"), "carol-x");
    await reserved.join(lobby, { address: parseAddress("irc://libera/%23carol2"), nick: "CAROL", role: "member" });
    assert.equal((await reserved.members(lobby)).length, 5, "a bridged room joins by its own name, reserved or not");
  });

  it("lets a member who had a nick before it became someone's name keep it: joining again, changing its case", async () => {
    await rooms.join(lobby, { address: juliet, nick: "dave", role: "member" });
    const reserved = new RoomService(store.rooms, {
      holderOf: async (nick) => (nick.toLowerCase() === "dave" ? parseAddress("native:dave") : undefined),
      mayUse: (member, holder) => member.id === holder.id,
      isBridgedRoom: () => false,
    });
    assert.equal(await reserved.join(lobby, { address: juliet, nick: "dave", role: "member" }), false, "already in, as dave");
    assert.equal((await reserved.rename(lobby, juliet, "Dave")).after.nick, "Dave");
    await reserved.rename(lobby, juliet, "jules");
    await assert.rejects(reserved.rename(lobby, juliet, "dave"), { code: "GW_ERR_NICK_IN_USE" }, "given up, it is dave's");
  });

  it("deletes a room with its members", async () => {
    await rooms.join(lobby, { address: bob, nick: "bob", role: "member" });
    await rooms.members(lobby); // cached
    await rooms.remove(lobby);
    assert.equal(await rooms.exists(lobby), false);
    assert.deepEqual(await store.rooms.members(lobby), []);
    assert.deepEqual(await rooms.roomsOf(bob), []);
  });

  it("does not let a caller change the cached member list through the array it was given", async () => {
    const members = (await rooms.members(lobby)) as RoomMember[];
    assert.throws(() => members.push({ address: bob, nick: "intruder", role: "member" }), TypeError);
    assert.equal(await rooms.isMember(lobby, bob), false);
    assert.equal(await rooms.members(lobby), await rooms.members(lobby), "one list, read as it is, not a copy per read");
  });

  it("takes members up to rooms.max_members, also from a burst of joins at once, and a leave frees a place", async () => {
    const capacity = new RoomCapacity({ maxMembers: 3, takesPlace: () => true, mayJoinFull: () => false, personOf: () => undefined }, createLogger("silent"));
    const capped = new RoomService(store.rooms, undefined, capacity);
    const joiners = ["b", "c", "d", "e", "f"].map((name) => parseAddress(`xmpp:${name}@example.org`));
    const results = await Promise.allSettled(joiners.map((address) => capped.join(lobby, { address, nick: address.id, role: "member" })));
    assert.deepEqual(
      results.map((result) => (result.status === "fulfilled" ? "in" : (result.reason as { code?: string }).code)),
      ["in", "in", "GW_ERR_ROOM_FULL", "GW_ERR_ROOM_FULL", "GW_ERR_ROOM_FULL"],
      "alice and the first two joiners take the three places",
    );
    assert.equal((await store.rooms.members(lobby)).length, 3);
    assert.equal(await capped.join(lobby, { address: juliet, nick: "Juliet", role: "member" }).catch((error: { code?: string }) => error.code), "GW_ERR_ROOM_FULL");
    await capped.leave(lobby, joiners[0] ?? alice);
    assert.equal(await capped.join(lobby, { address: juliet, nick: "Juliet", role: "member" }), true, "the place left is taken");
  });
});
