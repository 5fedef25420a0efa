import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter, RemoteRoomOptions } from "../../../src/core/adapter.js";
import { BridgeService, hubRoom, type Bridge } from "../../../src/core/bridges.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, makeAddress, type Address } from "../../../src/core/model/address.js";
import type { RoomMember } from "../../../src/core/model/room.js";
import { RoomService } from "../../../src/core/rooms.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const admin = makeAddress("native", "default", "root");
const xmppAdmin = makeAddress("xmpp", "default", "boss@example.org");
const user = makeAddress("native", "default", "mallory");
const channel = makeAddress("irc", "libera", "#dev");
const configured: Bridge = { room: "fixed", remote: makeAddress("irc", "libera", "#fixed"), nick: "", key: "", membership: true, source: "config" };

/** An IRC-like adapter that records what it was asked to bridge, and refuses what is not a channel. */
function ircNetwork(calls: string[], roomsOnDemand = false): Adapter {
  return {
    protocol: "irc",
    account: "libera",
    roomsOnDemand,
    capabilities: { relaysRooms: true },
    bridgeRoom: async (remote: Address, hub: Address, options: RemoteRoomOptions) => {
      if (!remote.id.startsWith("#")) throw new GatewayError("GW_ERR_BAD_ADDRESS", "not a channel");
      const extras = [...(options.key === "" ? [] : [`key=${options.key}`]), ...(options.membership ? [] : ["no joins/leaves"])];
      calls.push([`bridge ${remote.id} ${hub.id}`, ...extras].join(" "));
    },
    unbridgeRoom: async (remote: Address) => void calls.push(`unbridge ${remote.id}`),
  } as unknown as Adapter;
}

describe("BridgeService (bridges at runtime)", () => {
  let store: Store;
  let rooms: RoomService;
  let calls: string[];
  let joined: string[];
  let service: BridgeService;

  function build(roomsOnDemand = false): BridgeService {
    const registry = new AdapterRegistry();
    registry.register(ircNetwork(calls, roomsOnDemand));
    return new BridgeService({
      store: store.bridges,
      registry,
      rooms,
      admins: [admin, xmppAdmin],
      configured: [configured],
      joinRoom: async (room: Address, member: RoomMember) => {
        joined.push(`${room.id} ${addressKey(member.address)}`);
        return rooms.join(room, member);
      },
      leaveRoom: async (room: Address, member: Address) => {
        joined.push(`left ${room.id} ${addressKey(member)}`);
        await rooms.leave(room, member);
      },
      failQueued: async (remote: Address, error: GatewayError) => void calls.push(`fail queued for ${remote.id}: ${error.code}`),
      log: createLogger("silent"),
    });
  }

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    rooms = new RoomService(store.rooms);
    calls = [];
    joined = [];
    service = build();
  });

  afterEach(async () => {
    await store.close();
  });

  it("knows admins by address, XMPP ones whichever resource they speak from", () => {
    assert.equal(service.isAdmin(admin), true);
    assert.equal(service.isAdmin(makeAddress("xmpp", "default", "boss@example.org/phone")), true);
    assert.equal(service.isAdmin(user), false);
    assert.equal(service.isAdmin(makeAddress("irc", "libera", "root")), false);
  });

  it("refuses every operation to anyone else, changing nothing", async () => {
    for (const attempt of [() => service.list(user), () => service.add(user, { room: "dev", remote: channel }), () => service.remove(user, configured.remote)]) {
      await assert.rejects(attempt(), (error: GatewayError) => error.code === "GW_ERR_FORBIDDEN");
    }
    assert.deepEqual(calls, []);
    assert.deepEqual(await store.bridges.list(), []);
  });

  it("adds a bridge: the adapter bridges it, it is stored, and the channel owns the new hub room", async () => {
    const bridge = await service.add(admin, { room: "Dev", remote: makeAddress("irc", "libera", "#DEV") });
    assert.deepEqual({ ...bridge, createdAt: 0 }, { room: "dev", remote: channel, nick: "", key: "", membership: true, source: "runtime", createdBy: admin, createdAt: 0 });
    assert.deepEqual(calls, ["bridge #dev #dev"]);
    assert.deepEqual((await rooms.members(hubRoom("dev"))).map((member) => [addressKey(member.address), member.role]), [["irc://libera/%23dev", "owner"]]);
    assert.deepEqual((await service.list(admin)).map((entry) => [entry.room, addressKey(entry.remote), entry.source]), [
      ["fixed", "irc://libera/%23fixed", "config"],
      ["dev", "irc://libera/%23dev", "runtime"],
    ]);
  });

  it("joins an existing hub room through the router, so its members are told", async () => {
    await rooms.create(hubRoom("dev"), "dev", "", { address: admin, nick: "root", role: "owner" });
    await service.add(admin, { room: "dev", remote: channel });
    assert.deepEqual(joined, ["#dev irc://libera/%23dev"]);
  });

  it("refuses a room already bridged (by the file or at runtime, any case), a network nobody serves, and a bad address", async () => {
    await service.add(admin, { room: "dev", remote: channel });
    const refused = async (request: Parameters<BridgeService["add"]>[1], code: string): Promise<void> =>
      assert.rejects(service.add(admin, request), (error: GatewayError) => error.code === code);
    await refused({ room: "other", remote: makeAddress("irc", "libera", "#Dev") }, "GW_ERR_ALREADY_BRIDGED");
    await refused({ room: "other", remote: makeAddress("irc", "libera", "#FIXED") }, "GW_ERR_ALREADY_BRIDGED");
    await refused({ room: "other", remote: makeAddress("irc", "oftc", "#dev") }, "GW_ERR_NO_ROUTE");
    await refused({ room: "other", remote: makeAddress("irc", "libera", "bob") }, "GW_ERR_BAD_ADDRESS");
    await refused({ room: "no spaces", remote: makeAddress("irc", "libera", "#new") }, "GW_ERR_BAD_ADDRESS");
    await refused({ room: "other", remote: makeAddress("irc", "libera", "#new"), nick: "bell\u0007" }, "GW_ERR_BAD_ADDRESS");
    await refused({ room: "other", remote: makeAddress("irc", "libera", "#new"), nick: "two words" }, "GW_ERR_BAD_ADDRESS");
    await refused({ room: "other", remote: makeAddress("irc", "libera", "#new"), key: "line\nbreak" }, "GW_ERR_BAD_ADDRESS");
    assert.equal((await store.bridges.list()).length, 1, "nothing refused was stored");
    assert.equal(await rooms.exists(hubRoom("other")), false, "no room was made for a refused bridge");
  });

  it("removes a runtime bridge: unstored, parted, out of the hub room; the file's bridges and unknown ones are refused", async () => {
    await service.add(admin, { room: "dev", remote: channel });
    await service.remove(xmppAdmin, makeAddress("irc", "libera", "#DEV"));
    assert.deepEqual(calls, ["bridge #dev #dev", "unbridge #dev", "fail queued for #dev: GW_ERR_NO_ROUTE"], "what waits for it fails now");
    assert.deepEqual(await store.bridges.list(), []);
    assert.deepEqual(joined, ["left #dev irc://libera/%23dev"]);
    await assert.rejects(service.remove(admin, channel), (error: GatewayError) => error.code === "GW_ERR_NOT_FOUND");
    await assert.rejects(service.remove(admin, configured.remote), (error: GatewayError) => error.code === "GW_ERR_FORBIDDEN");
  });

  it("fails nothing queued when another channel of the same network still relays the room: it takes them", async () => {
    await service.add(admin, { room: "dev", remote: channel });
    await service.add(admin, { room: "dev", remote: makeAddress("irc", "libera", "#dev2") });
    await service.remove(admin, channel);
    assert.deepEqual(calls, ["bridge #dev #dev", "bridge #dev2 #dev", "unbridge #dev"]);
  });

  it("hands a channel key and the membership switch to the adapter, stores them, and hands them again at restore", async () => {
    const bridge = await service.add(admin, { room: "dev", remote: channel, key: "s3cret", membership: false });
    assert.equal(bridge.key, "s3cret");
    assert.equal(bridge.membership, false);
    assert.deepEqual(calls, ["bridge #dev #dev key=s3cret no joins/leaves"]);
    assert.deepEqual(
      (await store.bridges.list()).map((record) => [record.key, record.membership]),
      [["s3cret", false]],
    );
    calls = [];
    await build().restore();
    assert.deepEqual(calls, ["bridge #dev #dev key=s3cret no joins/leaves"]);
  });

  it("restores stored bridges at start: each handed to its adapter again", async () => {
    await service.add(admin, { room: "dev", remote: channel });
    await store.bridges.add({ remote: makeAddress("irc", "gone", "#old"), room: "old", nick: "", key: "", membership: true, createdBy: admin, createdAt: 1 });
    calls = [];
    await build().restore();
    assert.deepEqual(calls, ["bridge #dev #dev"], "the bridge of a network no longer configured is kept, not handed to anyone");
    assert.equal((await store.bridges.list()).length, 2);
  });

  describe("rooms on demand (an IRC network with open_channels)", () => {
    const juliet = makeAddress("xmpp", "default", "juliet@example.org");
    const kim = makeAddress("xmpp", "default", "kim@example.org");
    const open = makeAddress("irc", "libera", "#Open");
    const openHub = makeAddress("native", "default", "##open%libera");

    it("answers the hub of a bridge of the file, of an admin, or made on demand; a network without it refuses", async () => {
      await service.add(admin, { room: "dev", remote: channel });
      assert.equal(addressKey(await service.hubFor(makeAddress("irc", "libera", "#FIXED"), juliet)), "native:%23fixed");
      assert.equal(addressKey(await service.hubFor(channel, juliet)), "native:%23dev");
      await assert.rejects(service.hubFor(open, juliet), (error: GatewayError) => error.code === "GW_ERR_FORBIDDEN");
      assert.deepEqual(calls, ["bridge #dev #dev"], "nothing bridged for the refused join");
    });

    it("bridges the channel once for two people joining at once, to a hub named after it that the channel owns", async () => {
      service = build(true);
      const hubs = await Promise.all([service.hubFor(open, juliet), service.hubFor(open, kim)]);
      assert.deepEqual(hubs.map(addressKey), [addressKey(openHub), addressKey(openHub)]);
      assert.deepEqual(calls, ["bridge #open ##open%libera"]);
      assert.deepEqual((await rooms.members(openHub)).map((member) => [addressKey(member.address), member.role]), [["irc://libera/%23open", "owner"]]);
      const listed = (await service.list(admin)).find((bridge) => bridge.source === "open");
      assert.deepEqual([listed?.room, listed?.remote.id, listed?.createdBy && addressKey(listed.createdBy)], ["#open%libera", "#open", addressKey(juliet)]);
      // An admin's bridge of it while people are in its room on demand: refused, saying why and until when.
      await assert.rejects(
        service.add(admin, { room: "kept", remote: open }),
        (error: GatewayError) => error.code === "GW_ERR_ALREADY_BRIDGED" && error.message === "irc://libera/%23open is joined on demand (room #open%libera) while someone is in it: add its bridge once they have left",
      );
    });

    it("ends a bridge made on demand once only bridged rooms are left in its hub, and no other bridge", async () => {
      service = build(true);
      await service.add(admin, { room: "dev", remote: channel });
      const hub = await service.hubFor(open, juliet);
      await rooms.join(hub, { address: juliet, nick: "Juliet", role: "member" });
      await service.closeIfIdle(hub);
      assert.equal(calls.includes("unbridge #open"), false, "ended while juliet was in");
      await rooms.leave(hub, juliet);
      await service.closeIfIdle(hub);
      await service.closeIfIdle(hubRoom("dev"));
      assert.deepEqual(calls.filter((call) => call.startsWith("unbridge")), ["unbridge #open"]);
      assert.deepEqual(await rooms.members(hub), [], "the channel left the hub");
      assert.equal((await service.list(admin)).some((bridge) => bridge.source === "open"), false);
      assert.deepEqual((await service.list(admin)).map((bridge) => bridge.room), ["fixed", "dev"]);
    });
  });
  describe("reconfigure (the configuration file reloaded)", () => {
    const moved: Bridge = { ...configured, room: "elsewhere" };
    const added: Bridge = { room: "ops", remote: makeAddress("irc", "libera", "#ops"), nick: "", key: "k", membership: true, source: "config" };

    it("ends the bridges the file no longer has, makes its new ones, and makes again those whose settings changed", async () => {
      const report = await service.reconfigure([admin], [moved, added]);
      assert.deepEqual(calls, ["unbridge #fixed", "bridge #fixed #elsewhere", "bridge #ops #ops key=k"]);
      assert.deepEqual([report.removed.map((bridge) => bridge.room), report.added.map((bridge) => bridge.room), report.refused], [["fixed"], ["elsewhere", "ops"], []]);
      assert.deepEqual((await service.list(admin)).map((bridge) => `${bridge.remote.id} ${bridge.room} ${bridge.source}`), ["#fixed elsewhere config", "#ops ops config"]);
      calls.length = 0;
      assert.deepEqual(await service.reconfigure([admin], [moved, added]), { added: [], removed: [], refused: [] }, "the same file again changes nothing");
      assert.deepEqual(calls, []);
    });

    it("takes the file's admins at once", async () => {
      await service.reconfigure([user], [configured]);
      assert.equal(service.isAdmin(user), true);
      assert.equal(service.isAdmin(admin), false);
      assert.deepEqual(calls, [], "the bridges are as they were");
    });

    it("refuses, and says why, a bridge on a network that does not run or of a room bridged at runtime already", async () => {
      await service.add(admin, { room: "dev", remote: channel });
      calls.length = 0;
      const elsewhere: Bridge = { ...added, remote: makeAddress("irc", "oftc", "#ops") };
      const twice: Bridge = { ...added, room: "dev2", remote: channel };
      const report = await service.reconfigure([admin], [configured, elsewhere, twice]);
      assert.deepEqual(
        report.refused.map(({ bridge, error }) => [bridge.remote.account, error.code]),
        [
          ["oftc", "GW_ERR_NO_ROUTE"],
          ["libera", "GW_ERR_ALREADY_BRIDGED"],
        ],
      );
      assert.match(report.refused[0]?.error.message ?? "", /next restart/);
      assert.deepEqual(calls, []);
      assert.deepEqual((await service.list(admin)).map((bridge) => `${bridge.remote.id} ${bridge.source}`), ["#fixed config", "#dev runtime"]);
    });
  });
});
