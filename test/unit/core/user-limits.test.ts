/**
 * What one user may keep and ask for (core/user-limits.ts): the hourly budget of subscription requests that ask
 * someone, with an injected clock; contacts counted by Roster.add and rooms by RoomService.create, on the SQLite
 * store, several additions at once included.
 */
import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress, type Address } from "../../../src/core/model/address.js";
import { PresenceHub } from "../../../src/core/presence-hub.js";
import { RoomService } from "../../../src/core/rooms.js";
import { Roster } from "../../../src/core/roster.js";
import { UserLimits, type UserLimitValues } from "../../../src/core/user-limits.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const alice = parseAddress("native:alice");
const bob = parseAddress("native:bob");
const root = parseAddress("native:root");
const juliet = parseAddress("xmpp:juliet@example.org");
const romeo = parseAddress("xmpp:romeo@example.org");
const nurse = parseAddress("xmpp:nurse@example.org");
const ircBob = parseAddress("irc://libera/bob");

const VALUES: UserLimitValues = { contacts: 2, roomsCreated: 2, contactRequestsPerHour: 2 };

describe("UserLimits: a user's subscription requests an hour", () => {
  let now: number;
  let seen: Set<string>;
  let limits: UserLimits;
  const made: string[] = [];
  const request = (user: Address, to: Address): Promise<void> =>
    limits.request(user, to, async () => {
      made.push(`${user.id} -> ${to.id}`);
    });

  beforeEach(() => {
    now = 1_000_000;
    seen = new Set();
    made.length = 0;
    limits = new UserLimits(
      VALUES,
      {
        unlimitedRooms: (user) => user.id === root.id,
        asksPerson: (address) => address.protocol !== "irc",
        maySee: async (viewer, subject) => seen.has(`${viewer.id} ${subject.id}`),
      },
      () => now,
    );
  });

  it("refuses the request past the budget with GW_ERR_RATE_LIMITED, saying when to try again, and takes one once the oldest is an hour old", async () => {
    await request(alice, juliet);
    now += 10 * 60_000;
    await request(alice, romeo);
    await assert.rejects(request(alice, nurse), { code: "GW_ERR_RATE_LIMITED", message: /within an hour.*try again in 3000 s$/ });
    assert.deepEqual(made, ["alice -> juliet@example.org", "alice -> romeo@example.org"], "the refused request was not made");
    await request(bob, nurse); // another user's budget is his own
    now += 50 * 60_000;
    await request(alice, nurse);
    await assert.rejects(request(alice, juliet), { code: "GW_ERR_RATE_LIMITED" });
  });

  it("does not count a request that asks nobody: to an IRC nick, or to someone who lets the user see them already", async () => {
    seen.add(`alice ${juliet.id}`);
    for (let index = 0; index < 5; index++) {
      await request(alice, ircBob);
      await request(alice, juliet);
    }
    await request(alice, romeo);
    await request(alice, nurse);
    await assert.rejects(request(alice, bob), { code: "GW_ERR_RATE_LIMITED" });
  });

  it("does not count a request that failed", async () => {
    await assert.rejects(
      limits.request(alice, juliet, async () => {
        throw new Error("store down");
      }),
      /store down/,
    );
    await request(alice, romeo);
    await request(alice, nurse);
  });

  it("takes one request at a time per user, so that several at once cannot all find the last one free", async () => {
    await request(alice, juliet);
    const results = await Promise.allSettled([request(alice, romeo), request(alice, nurse), request(alice, bob)]);
    assert.deepEqual(
      results.map((result) => result.status),
      ["fulfilled", "rejected", "rejected"],
    );
  });

  it("applies new limits (a reload) to the next request, the requests made so far still counting", async () => {
    await request(alice, juliet);
    await request(alice, romeo);
    limits.set({ ...VALUES, contactRequestsPerHour: 3, contacts: 7 });
    assert.equal(limits.contacts, 7);
    await request(alice, nurse);
    await assert.rejects(request(alice, bob), { code: "GW_ERR_RATE_LIMITED" });
    limits.set({ ...VALUES, contactRequestsPerHour: 1 });
    await request(bob, alice);
    await assert.rejects(request(bob, juliet), { code: "GW_ERR_RATE_LIMITED" });
  });

  it("gives an admin rooms without limit, and anyone else native.limits.rooms_created", () => {
    assert.equal(limits.roomsCreatedBy(alice), 2);
    assert.equal(limits.roomsCreatedBy(root), Number.POSITIVE_INFINITY);
  });
});

describe("native.limits.contacts and rooms_created, counted in the store", () => {
  let store: Store;
  const log = createLogger("silent");

  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });
  afterEach(async () => {
    await store.close();
  });

  it("refuses a new contact past the limit with GW_ERR_LIMIT_REACHED, renames one there, and counts no request awaiting an answer", async () => {
    const registry = new AdapterRegistry();
    const roster = new Roster(store.contacts, store.sentRequests, registry, new PresenceHub(store.contacts, registry, log), log);
    // Someone's request to alice puts them in her list, pending her answer: not one of hers.
    await roster.handle({ from: romeo, to: alice, action: "request" });
    await roster.add(alice, juliet, undefined, 2);
    await roster.add(alice, bob, undefined, 2);
    await assert.rejects(roster.add(alice, nurse, undefined, 2), { code: "GW_ERR_LIMIT_REACHED", message: "you have 2 contacts: this gateway allows 2 (native.limits.contacts)" });
    assert.equal((await roster.add(alice, bob, "Bob", 2)).name, "Bob");
    assert.equal(await store.contacts.get(alice, nurse), undefined);
    // Lowered: what is there stays, nothing new comes in.
    await assert.rejects(roster.add(alice, nurse, undefined, 1), { code: "GW_ERR_LIMIT_REACHED" });
    assert.equal((await roster.list(alice)).length, 3);
    // Several at once from one owner cannot all take the last place.
    await roster.remove(alice, bob);
    const results = await Promise.allSettled([roster.add(alice, nurse, undefined, 2), roster.add(alice, bob, undefined, 2)]);
    assert.deepEqual(
      results.map((result) => result.status),
      ["fulfilled", "rejected"],
    );
  });

  it("refuses a room past the creator's limit with GW_ERR_LIMIT_REACHED, counting only the creator's rooms that exist", async () => {
    const rooms = new RoomService(store.rooms);
    const owner = (address: Address): { address: Address; nick: string; role: "owner" } => ({ address, nick: address.id, role: "owner" });
    const room = (name: string): Address => parseAddress(`native:%23${name}`);
    await rooms.create(room("a"), "a", "", owner(alice), 2);
    await rooms.create(room("b"), "b", "", owner(bob), 2);
    await rooms.create(room("c"), "c", "", owner(alice), 2);
    await assert.rejects(rooms.create(room("d"), "d", "", owner(alice), 2), { code: "GW_ERR_LIMIT_REACHED", message: "you have 2 rooms created: this gateway allows 2 (native.limits.rooms_created)" });
    assert.equal(await rooms.exists(room("d")), false);
    await rooms.remove(room("c"));
    const results = await Promise.allSettled([rooms.create(room("e"), "e", "", owner(alice), 2), rooms.create(room("f"), "f", "", owner(alice), 2)]);
    assert.deepEqual(
      results.map((result) => result.status),
      ["fulfilled", "rejected"],
    );
    await rooms.create(room("g"), "g", "", owner(alice), Number.POSITIVE_INFINITY);
  });
});
