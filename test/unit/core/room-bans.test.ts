import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { addressKey, makeAddress, sameAddress, type Address } from "../../../src/core/model/address.js";
import type { RoomMember, RoomRemoval } from "../../../src/core/model/room.js";
import { accountsOf, RoomBans } from "../../../src/core/room-bans.js";
import type { Moderation } from "../../../src/core/room-joins.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { RoomRecord, Store } from "../../../src/store/store.js";

const lobby = makeAddress("native", "default", "#lobby");
const boss = makeAddress("native", "default", "boss");
const root = makeAddress("native", "default", "root");
const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");
const aliceJid = makeAddress("xmpp", "default", "alice@example.org");
const bobJid = makeAddress("xmpp", "default", "bob@example.org");
/** An account linked to the admin root, not listed as an admin itself. */
const rootJid = makeAddress("xmpp", "default", "root@example.org");
const ircDave = makeAddress("irc", "libera", "dave");
const record: RoomRecord = { address: lobby, name: "lobby", subject: "", createdBy: boss, createdAt: 1 };

describe("room bans (core/room-bans.ts)", () => {
  let store: Store;
  /** Linked account (by addressKey) -> [the account, its person]. */
  let links: Map<string, readonly [Address, Address]>;
  const link = (account: Address, person: Address): void => void links.set(addressKey(account), [account, person]);
  let members: RoomMember[];
  let putOut: string[];
  let bans: RoomBans;

  const member = (address: Address, nick: string, role: RoomMember["role"] = "member"): RoomMember => ({ address, nick, role });

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    await store.rooms.create(record);
    links = new Map();
    link(aliceJid, alice); // alice's XMPP account is linked to her native user
    members = [member(boss, "boss", "owner"), member(alice, "alice"), member(aliceJid, "alice-phone"), member(bobJid, "bob")];
    putOut = [];
    bans = new RoomBans({
      store: store.roomBans,
      rooms: {
        get: async () => record,
        roomsOf: async (address: Address) => (members.some((entry) => sameAddress(entry.address, address)) ? [lobby] : []),
        members: async () => members,
      },
      joins: {
        // The rights of a kick, as RoomJoins.moderation checks them: the owner or an admin.
        moderation: async (room: Address, by: Address): Promise<Moderation> => {
          if (!sameAddress(by, boss) && !sameAddress(by, root)) throw new GatewayError("GW_ERR_FORBIDDEN", "not the owner");
          return { hub: room, members, shownAs: by.id };
        },
        leave: async (_hub: Address, gone: Address, removal: RoomRemoval) => void putOut.push(`${addressKey(gone)} by ${removal.by}: ${removal.reason}${removal.ban === true ? " (ban)" : ""}`),
      },
      bridges: { isAdmin: (address: Address) => sameAddress(address, root) },
      registry: { relaysRooms: (address: Address) => address.protocol === "irc" },
      identities: {
        personOf: (address: Address) => links.get(addressKey(address))?.[1],
        linkedTo: (person: Address) => [...links.values()].filter(([, linked]) => sameAddress(linked, person)).map(([account]) => account),
      },
      now: () => 42,
    });
  });

  afterEach(async () => {
    await store.close();
  });

  it("counts a person's accounts: the person, their linked accounts, and the address itself", () => {
    const personOf = (address: Address): Address | undefined => links.get(addressKey(address))?.[1];
    const linkedTo = (person: Address): Address[] => (sameAddress(person, alice) ? [aliceJid] : []);
    assert.deepEqual(accountsOf(aliceJid, personOf, linkedTo), [alice, aliceJid]);
    assert.deepEqual(accountsOf(alice, personOf, linkedTo), [alice, aliceJid]);
    assert.deepEqual(accountsOf(bobJid, personOf, linkedTo), [bobJid]);
  });

  it("bans a person with their linked accounts: every account of theirs in the room is put out, told it is a ban", async () => {
    const out = await bans.ban(lobby, boss, alice, "trolling");
    assert.deepEqual(out.map((entry) => entry.nick), ["alice", "alice-phone"]);
    assert.deepEqual(putOut, ["native:alice by boss: trolling (ban)", "xmpp:alice@example.org by boss: trolling (ban)"]);
    assert.deepEqual(await bans.list(lobby, boss), [{ room: lobby, person: alice, by: boss, reason: "trolling", at: 42 }]);
    await assert.rejects(bans.refuse(record, alice), { code: "GW_ERR_FORBIDDEN", message: /banned.*trolling/ });
    await assert.rejects(bans.refuse(record, aliceJid), { code: "GW_ERR_FORBIDDEN" }, "her linked JID is kept out with her");
    await bans.refuse(record, bobJid);
  });

  it("keeps a ban of a linked account as a ban of its person, so that the native user is kept out too", async () => {
    await bans.ban(lobby, boss, aliceJid, "");
    assert.deepEqual((await bans.list(lobby, boss)).map((ban) => addressKey(ban.person)), ["native:alice"]);
    await assert.rejects(bans.refuse(record, alice), { code: "GW_ERR_FORBIDDEN" });
  });

  it("keeps out a banned account linked to a person after its ban, and lifts the ban by any of the person's accounts", async () => {
    await bans.ban(lobby, boss, bobJid, "spam");
    link(bobJid, bob);
    await assert.rejects(bans.refuse(record, bob), { code: "GW_ERR_FORBIDDEN" }, "bob's own account was banned before the link");
    await bans.unban(lobby, boss, bob);
    await bans.refuse(record, bob);
    await bans.refuse(record, bobJid);
    await assert.rejects(bans.unban(lobby, boss, bob), { code: "GW_ERR_NOT_FOUND" });
  });

  it("puts out an account in the room once it is linked to a banned person, told it is that ban, and nobody else", async () => {
    await bans.ban(lobby, boss, bob, "spam");
    assert.deepEqual(putOut, [], "bob himself was not in the room");
    assert.equal(await bans.linked(alice), 0, "alice is banned nowhere");
    link(bobJid, bob);
    assert.equal(await bans.linked(bob), 1);
    assert.deepEqual(putOut, ["xmpp:bob@example.org by boss: spam (ban)"]);
  });

  it("leaves in the room whom a ban never refuses (an admin), putting out only their other accounts, as refuse() would", async () => {
    await store.roomBans.put({ room: lobby, person: root, by: boss, reason: "", at: 1 });
    members.push(member(root, "root"));
    link(rootJid, root);
    members.push(member(rootJid, "root-phone"));
    assert.equal(await bans.linked(root), 1, "the admin stays; the JID, no admin itself, is put out as refuse() would refuse it");
    assert.deepEqual(putOut, ["xmpp:root@example.org by boss:  (ban)"]);
  });

  it("bans someone not in the room, who is then refused at the join", async () => {
    const carol = makeAddress("native", "default", "carol");
    assert.deepEqual(await bans.ban(lobby, root, carol, ""), []);
    assert.deepEqual(putOut, []);
    await assert.rejects(bans.refuse(record, carol), { code: "GW_ERR_FORBIDDEN" });
  });

  it("refuses a ban by anyone but the owner or an admin, of the owner, of an admin or their linked account, of oneself, and of someone of a bridged room", async () => {
    await assert.rejects(bans.ban(lobby, alice, bobJid, ""), { code: "GW_ERR_FORBIDDEN", message: "not the owner" });
    await assert.rejects(bans.list(lobby, alice), { code: "GW_ERR_FORBIDDEN" });
    await assert.rejects(bans.ban(lobby, root, boss, ""), { code: "GW_ERR_FORBIDDEN", message: /owner/ });
    await assert.rejects(bans.ban(lobby, boss, root, ""), { code: "GW_ERR_FORBIDDEN", message: /admin/ });
    link(rootJid, root);
    await assert.rejects(bans.ban(lobby, boss, rootJid, ""), { code: "GW_ERR_FORBIDDEN", message: /admin/ });
    await assert.rejects(bans.ban(lobby, boss, boss, ""), { code: "GW_ERR_BAD_FRAME" });
    await assert.rejects(bans.ban(lobby, boss, ircDave, ""), { code: "GW_ERR_FORBIDDEN", message: /bridged room/ });
    assert.deepEqual(await bans.list(lobby, boss), []);
    assert.deepEqual(putOut, []);
  });

  it("never refuses the owner, an admin or a bridged room at the join", async () => {
    await store.roomBans.put({ room: lobby, person: boss, by: root, reason: "", at: 1 });
    await store.roomBans.put({ room: lobby, person: root, by: boss, reason: "", at: 1 });
    await store.roomBans.put({ room: lobby, person: ircDave, by: boss, reason: "", at: 1 });
    await bans.refuse(record, boss);
    await bans.refuse(record, root);
    await bans.refuse(record, ircDave);
  });
});
