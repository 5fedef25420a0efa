import assert from "node:assert/strict";
import { scryptSync } from "node:crypto";
import { addressKey, makeAddress, sameAddress, type Address } from "../../../src/core/model/address.js";
import { DOMAIN_FACTOR, ORIGIN_FACTOR } from "../../../src/core/asker-origin.js";
import type { RoomMember } from "../../../src/core/model/room.js";
import { checkDescription, defaultSettings, PASSWORD_FAILURES, RoomSettings } from "../../../src/core/room-settings.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { RoomRecord, Store } from "../../../src/store/store.js";

const lobby = makeAddress("native", "default", "#lobby");
const boss = makeAddress("native", "default", "boss");
const root = makeAddress("native", "default", "root");
const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");
const aliceJid = makeAddress("xmpp", "default", "alice@example.org");
const eve = makeAddress("xmpp", "default", "eve@evil.example");
const ircDave = makeAddress("irc", "libera", "dave");
const record: RoomRecord = { address: lobby, name: "lobby", subject: "", createdBy: boss, createdAt: 1 };

/** A hash in the stored form with a tiny scrypt cost (verifyPassword reads it from the hash): a hundred guesses stay fast. */
function cheapHash(password: string): string {
  const salt = Buffer.from("0123456789abcdef");
  return `scrypt$16$1$1$${salt.toString("base64")}$${scryptSync(password, salt, 32, { N: 16, r: 1, p: 1 }).toString("base64")}`;
}

describe("room settings (core/room-settings.ts)", () => {
  let store: Store;
  let members: RoomMember[];
  let links: Map<string, Address>;
  let now: number;
  let settings: RoomSettings;

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    await store.rooms.create(record);
    members = [{ address: boss, nick: "boss", role: "owner" }];
    links = new Map([[addressKey(aliceJid), alice]]);
    now = 1_000_000;
    settings = new RoomSettings({
      store: store.roomSettings,
      rooms: { get: async () => record, members: async () => members },
      isAdmin: (address) => sameAddress(address, root),
      relaysRooms: (address) => address.protocol === "irc",
      identities: {
        personOf: (address) => links.get(addressKey(address)),
        linkedTo: (person) => [...links.entries()].filter(([, linked]) => sameAddress(linked, person)).map(([key]) => (key === addressKey(aliceJid) ? aliceJid : person)),
      },
      now: () => now,
    });
  });

  afterEach(() => store.close());

  it("keeps in memory no settings read before a change and answered after it (a join reading while the owner configures)", async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const slow = {
      ...store.roomSettings,
      get: async (room: Address) => {
        const read = await store.roomSettings.get(room);
        if ((reads += 1) === 1) await gate; // the first read answers late, with what was kept before the change
        return read;
      },
    };
    const racing = new RoomSettings({ store: slow, rooms: { get: async () => record, members: async () => members }, isAdmin: () => false, relaysRooms: () => false, identities: { personOf: () => undefined, linkedTo: () => [] } });
    const reading = racing.of(lobby);
    await racing.configure(lobby, boss, { password: "s3cret" });
    release();
    await reading;
    assert.equal((await racing.of(lobby)).passwordProtected, true);
    await assert.rejects(racing.refuse(record, bob, undefined), { code: "GW_ERR_KEY_NEEDED" });
  });

  it("lets only the owner and the admins configure a room, and never shows its password", async () => {
    await assert.rejects(settings.configure(lobby, alice, { public: false }), { code: "GW_ERR_FORBIDDEN" });
    assert.deepEqual(await settings.configure(lobby, boss, { password: "s3cret", description: "a\nroom" }), { membersOnly: false, passwordProtected: true, description: "a room", public: true });
    assert.deepEqual(await settings.configure(lobby, root, { password: null }), { membersOnly: false, passwordProtected: false, description: "a room", public: true });
    const stored = await store.roomSettings.get(lobby);
    assert.equal(stored?.passwordHash, undefined);
  });

  it("refuses a stranger's join of a members-only room, lets the owner, admins, bridged rooms and allowed people in", async () => {
    await settings.configure(lobby, boss, { membersOnly: true });
    await assert.rejects(settings.refuse(record, bob, undefined), (error: unknown) => (error as { code: string; condition: string }).code === "GW_ERR_FORBIDDEN" && (error as { condition: string }).condition === "members-only");
    for (const always of [boss, root, ircDave]) await settings.refuse(record, always, undefined);
    await settings.allow(lobby, aliceJid);
    await settings.refuse(record, alice, undefined); // allowed as a person: her native user too
    await settings.disallow(lobby, alice);
    await assert.rejects(settings.refuse(record, aliceJid, undefined), { code: "GW_ERR_FORBIDDEN" });
  });

  it("keeps letting in the members a room had when it was made members-only", async () => {
    members = [...members, { address: bob, nick: "bob", role: "member" }];
    await settings.configure(lobby, boss, { membersOnly: true });
    members = members.filter((member) => !sameAddress(member.address, bob));
    await settings.refuse(record, bob, undefined);
  });

  it("asks a password room's password of everyone but its owner and admins, and limits wrong ones", async () => {
    await settings.configure(lobby, boss, { password: "open sesame" });
    await assert.rejects(settings.refuse(record, bob, undefined), { code: "GW_ERR_KEY_NEEDED" });
    await assert.rejects(settings.refuse(record, bob, "wrong"), { code: "GW_ERR_KEY_NEEDED" });
    await settings.refuse(record, bob, "open sesame");
    await settings.refuse(record, root, undefined);
    for (let failure = 0; failure < PASSWORD_FAILURES; failure++) await assert.rejects(settings.refuse(record, eve, `guess ${failure}`), { code: "GW_ERR_KEY_NEEDED" });
    await assert.rejects(settings.refuse(record, eve, "open sesame"), { code: "GW_ERR_RATE_LIMITED" }, "blocked even with the right one");
    now += 11 * 60 * 1000;
    await settings.refuse(record, eve, "open sesame");
  });

  it("limits a burst of wrong passwords tried at once as it limits them one after the other", async () => {
    await settings.configure(lobby, boss, { password: "open sesame" });
    const burst = await Promise.allSettled(Array.from({ length: 4 * PASSWORD_FAILURES }, (_, guess) => settings.refuse(record, eve, `guess ${guess}`)));
    const codes = burst.map((outcome) => (outcome.status === "rejected" ? (outcome.reason as { code: string }).code : "joined"));
    assert.equal(codes.filter((code) => code === "GW_ERR_KEY_NEEDED").length, PASSWORD_FAILURES, "only as many checked as one after the other");
    assert.equal(codes.filter((code) => code === "GW_ERR_RATE_LIMITED").length, 3 * PASSWORD_FAILURES);
    await settings.refuse(record, bob, "open sesame");
    await settings.refuse(record, bob, "open sesame");
  });

  it("limits wrong passwords from many servers under one registrable domain at four times one server's limit", async () => {
    await store.roomSettings.put({ ...defaultSettings(lobby), passwordHash: cheapHash("open sesame") });
    const perDomain = PASSWORD_FAILURES * ORIGIN_FACTOR * DOMAIN_FACTOR;
    // Each guess from a new JID on a new server: neither the joiner's nor the server's count ever fills.
    for (let guess = 0; guess < perDomain; guess++) {
      await assert.rejects(settings.refuse(record, makeAddress("xmpp", "default", `eve${guess}@s${guess}.evil.example`), `guess ${guess}`), { code: "GW_ERR_KEY_NEEDED" });
    }
    await assert.rejects(settings.refuse(record, makeAddress("xmpp", "default", "eve@fresh.evil.example"), "open sesame"), { code: "GW_ERR_RATE_LIMITED" });
    await settings.refuse(record, makeAddress("xmpp", "default", "carol@elsewhere.example"), "open sesame");
  });

  it("lets an owner's invitation into a members-only room allow the invitee, and refuses a member's", async () => {
    assert.equal(await settings.invitationAllows(lobby, alice), false, "an open room: nothing to allow");
    await settings.configure(lobby, boss, { membersOnly: true });
    assert.equal(await settings.invitationAllows(lobby, boss), true);
    await assert.rejects(settings.invitationAllows(lobby, alice), { code: "GW_ERR_FORBIDDEN" });
  });

  it("lists a hidden room only to its members, its owner and the admins", async () => {
    await settings.configure(lobby, boss, { public: false });
    assert.equal(await settings.listedTo(record, bob), false);
    assert.equal(await settings.listedTo(record, boss), true);
    assert.equal(await settings.listedTo(record, root), true);
    members = [...members, { address: bob, nick: "bob", role: "member" }];
    assert.equal(await settings.listedTo(record, bob), true);
  });

  it("keeps a description to one line of at most 256 characters", () => {
    assert.equal(checkDescription("  two\r\nlines "), "two lines");
    assert.throws(() => checkDescription("x".repeat(257)), { code: "GW_ERR_BAD_FRAME" });
    assert.throws(() => checkDescription("bell\u0007"), { code: "GW_ERR_BAD_FRAME" });
  });
});
