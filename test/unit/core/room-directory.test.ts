import assert from "node:assert/strict";
import type { Adapter } from "../../../src/core/adapter.js";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { makeAddress, type Address } from "../../../src/core/model/address.js";
import { directoryPage, filterRooms, sortRooms, type DirectoryRoom, type RoomListing } from "../../../src/core/model/room-directory.js";
import { ORIGIN_FACTOR } from "../../../src/core/asker-origin.js";
import { CACHE_MS, FRESH_PER_HOUR, RoomDirectory } from "../../../src/core/room-directory.js";

const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");

function rooms(...names: string[]): DirectoryRoom[] {
  return names.map((name, index) => ({ name, members: index + 1, topic: `about ${name}` }));
}

describe("Room directory pages (pure)", () => {
  const listing: RoomListing = { rooms: sortRooms(rooms("#b", "#A", "#c", "#dev", "#Dev2", "#a")), truncated: false };

  it("orders rooms by name without case, then as written", () => {
    assert.deepEqual(
      listing.rooms.map((room) => room.name),
      ["#A", "#a", "#b", "#c", "#dev", "#Dev2"],
    );
  });

  it("pages with the last name as a cursor, giving index, count and whether the page is the last", () => {
    const first = directoryPage(listing, { max: 4 });
    assert.deepEqual(
      first.rooms.map((room) => room.name),
      ["#A", "#a", "#b", "#c"],
    );
    assert.deepEqual({ index: first.index, count: first.count, complete: first.complete }, { index: 0, count: 6, complete: false });
    const second = directoryPage(listing, { max: 4, after: "#c" });
    assert.deepEqual(
      second.rooms.map((room) => room.name),
      ["#dev", "#Dev2"],
    );
    assert.deepEqual({ index: second.index, complete: second.complete }, { index: 4, complete: true });
  });

  it("keeps a cursor steady when the listing changed: a room gone or new before it moves nothing after it", () => {
    const changed: RoomListing = { rooms: sortRooms(rooms("#a", "#aa", "#c", "#dev", "#Dev2")), truncated: false };
    assert.deepEqual(
      directoryPage(changed, { after: "#b" }).rooms.map((room) => room.name),
      ["#c", "#dev", "#Dev2"],
      "after a name that is gone: the rooms that follow it",
    );
  });

  it("filters by a part of the name without case, and bounds the page size", () => {
    assert.deepEqual(
      filterRooms(listing.rooms, " DEV ").map((room) => room.name),
      ["#dev", "#Dev2"],
    );
    assert.equal(directoryPage(listing, { filter: "dev", max: 1 }).count, 2);
    assert.equal(directoryPage(listing, { max: 0 }).rooms.length, 1);
    assert.equal(directoryPage({ rooms: rooms(...Array.from({ length: 600 }, (_, index) => `#r${index}`)), truncated: true }, { max: 10_000 }).rooms.length, 500);
  });
});

describe("RoomDirectory (listings kept, shared and counted)", () => {
  let now = 1_700_000_000_000;
  let listed: string[];
  let answer: (filter: string) => Promise<RoomListing>;

  function ircNetwork(name: string): Adapter {
    return {
      protocol: "irc",
      account: name,
      capabilities: {},
      roomDirectory: (filter: string) => {
        listed.push(`${name}:${filter}`);
        return answer(filter);
      },
    } as unknown as Adapter;
  }

  function service(): RoomDirectory {
    listed = [];
    answer = async () => ({ rooms: rooms("#zeta", "#dev", "#alpha"), truncated: false });
    const registry = new AdapterRegistry();
    registry.register(ircNetwork("libera"));
    registry.register({ protocol: "xmpp", account: "component", capabilities: {} } as unknown as Adapter);
    return new RoomDirectory({ registry, log: createLogger("silent"), now: () => now });
  }

  it("answers a page with the rooms' addresses, in name order, the network found without case", async () => {
    const directory = service();
    const page = await directory.page(alice, "Libera", { max: 2 });
    assert.equal(page.network, "libera");
    assert.deepEqual(
      page.rooms.map((room) => [room.address, room.name]),
      [
        [makeAddress("irc", "libera", "#alpha"), "#alpha"],
        [makeAddress("irc", "libera", "#dev"), "#dev"],
      ],
    );
    assert.deepEqual(directory.networks(), ["libera"]);
    assert.equal(directory.offers("LIBERA"), true);
    assert.equal(directory.offers("component"), false);
  });

  it("lists once for concurrent askers and for the pages that follow within a minute; again after it", async () => {
    const directory = service();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    answer = async () => {
      await gate;
      return { rooms: rooms("#zeta", "#dev", "#alpha"), truncated: false };
    };
    const asked = [directory.page(alice, "libera", { max: 1 }), directory.page(bob, "libera", { max: 1 })];
    release();
    await Promise.all(asked);
    await directory.page(alice, "libera", { max: 1, after: "#alpha" });
    await directory.page(bob, "libera", { filter: "DEV" });
    assert.deepEqual(listed, ["libera:"], "the whole listing kept answers a filtered query too");
    now += CACHE_MS;
    await directory.page(alice, "libera", {});
    assert.deepEqual(listed, ["libera:", "libera:"]);
  });

  it("lists a filter apart where the whole listing kept was truncated", async () => {
    const directory = service();
    answer = async () => ({ rooms: rooms("#a"), truncated: true });
    await directory.page(alice, "libera", {});
    await directory.page(alice, "libera", { filter: "dev" });
    assert.deepEqual(listed, ["libera:", "libera:dev"]);
  });

  it("keeps all rooms the network gave for a filter it did not apply as the whole listing; one it applied answers that filter only", async () => {
    const directory = service();
    assert.deepEqual(
      (await directory.page(alice, "libera", { filter: "dev" })).rooms.map((room) => room.name),
      ["#dev"],
    );
    assert.equal((await directory.page(bob, "libera", { filter: "zeta" })).count, 1);
    assert.equal((await directory.page(bob, "libera", {})).count, 3);
    assert.deepEqual(listed, ["libera:dev"], "one LIST for the three");
    now += CACHE_MS;
    answer = async (filter) => ({ rooms: rooms("#zeta", "#dev", "#alpha").filter((room) => room.name.includes(filter)), truncated: false, filtered: true });
    await directory.page(alice, "libera", { filter: "dev" });
    assert.equal((await directory.page(alice, "libera", { filter: "zeta" })).count, 1);
    assert.deepEqual(listed, ["libera:dev", "libera:dev", "libera:zeta"]);
  });

  it(`lets each person cause ${FRESH_PER_HOUR} listings an hour; kept ones are free`, async () => {
    const directory = service();
    answer = async () => ({ rooms: rooms("#a"), truncated: false, filtered: true });
    for (let fresh = 0; fresh < FRESH_PER_HOUR; fresh++) {
      await directory.page(alice, "libera", { filter: `f${fresh}` });
      await directory.page(alice, "libera", { filter: `f${fresh}`, after: "#a" });
    }
    await assert.rejects(directory.page(alice, "libera", { filter: "one more" }), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_RATE_LIMITED" && error.retryable);
    await directory.page(alice, "libera", { filter: "f0" });
    await directory.page(bob, "libera", { filter: "one more" });
    now += 60 * 60 * 1000 + 1;
    await directory.page(alice, "libera", { filter: "later" });
  });

  it(`counts the JIDs of one XMPP server together too: ${ORIGIN_FACTOR} persons' fresh listings an hour in all`, async () => {
    const directory = service();
    answer = async () => ({ rooms: rooms("#a"), truncated: false, filtered: true });
    const from = (server: string, n: number): Address => makeAddress("xmpp", "default", `u${n}@${server}`);
    for (let fresh = 0; fresh < FRESH_PER_HOUR * ORIGIN_FACTOR; fresh++) await directory.page(from("spam.example", fresh), "libera", { filter: `f${fresh}` });
    await assert.rejects(directory.page(from("spam.example", 9999), "libera", { filter: "one more" }), { code: "GW_ERR_RATE_LIMITED" });
    await directory.page(from("spam.example", 9999), "libera", { filter: `f${FRESH_PER_HOUR * ORIGIN_FACTOR - 1}` }); // kept: free
    await directory.page(from("example.org", 0), "libera", { filter: "one more" });
  });

  it("keeps no failure: the next asker lists again", async () => {
    const directory = service();
    answer = async () => Promise.reject(new GatewayError("GW_ERR_RATE_LIMITED", "263", { retryable: true }));
    await assert.rejects(directory.page(alice, "libera", {}), { code: "GW_ERR_RATE_LIMITED" });
    answer = async () => ({ rooms: rooms("#a"), truncated: false });
    assert.equal((await directory.page(alice, "libera", {})).count, 1);
    assert.equal(listed.length, 2);
  });

  it("refuses a network nobody serves (GW_ERR_NO_ROUTE) and one without a directory (GW_ERR_UNSUPPORTED)", async () => {
    const directory = service();
    await assert.rejects(directory.page(alice, "nowhere", {}), { code: "GW_ERR_NO_ROUTE" });
    const registry = new AdapterRegistry();
    registry.register({ protocol: "irc", account: "plain", capabilities: {} } as unknown as Adapter);
    const without = new RoomDirectory({ registry, log: createLogger("silent") });
    await assert.rejects(without.page(alice, "plain", {}), { code: "GW_ERR_UNSUPPORTED" });
  });

  it("connects a server on demand for its listing with the checks of its first use, counted before it is reached", async () => {
    listed = [];
    answer = async () => ({ rooms: rooms("#x"), truncated: false });
    const registry = new AdapterRegistry();
    const asked: Array<[string, Address | undefined]> = [];
    registry.serveOnDemand({
      obtain: async () => undefined,
      obtainNetwork: async (_protocol, name, requester) => {
        asked.push([name, requester]);
        if (name === "down.example.org") throw new GatewayError("GW_ERR_UNAVAILABLE", "unreachable", { retryable: true });
        return ircNetwork(name.toLowerCase());
      },
      mayServe: () => true,
      serves: () => true,
      isOnDemand: (_protocol, name) => name.includes("."),
    });
    const directory = new RoomDirectory({ registry, log: createLogger("silent"), now: () => now });
    assert.equal(directory.offers("irc.example.org"), true);
    assert.equal((await directory.page(alice, "IRC.example.org", {})).network, "irc.example.org");
    assert.deepEqual(asked, [["IRC.example.org", alice]]);
    for (let tried = 1; tried < FRESH_PER_HOUR; tried++) await assert.rejects(directory.page(alice, "down.example.org", {}), { code: "GW_ERR_UNAVAILABLE" });
    await assert.rejects(directory.page(alice, "down.example.org", {}), { code: "GW_ERR_RATE_LIMITED" });
    assert.equal(asked.length, FRESH_PER_HOUR);
  });
});
