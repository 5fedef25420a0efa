import assert from "node:assert/strict";
import { ChannelList, listMask, TOPIC_CHARS } from "../../../src/adapters/irc/channel-list.js";
import { GatewayError } from "../../../src/core/errors.js";
import { FakeIrcConnection } from "./fake-irc-connection.js";

const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("ChannelList (an IRC network's channels by LIST)", () => {
  let connection: FakeIrcConnection;
  let channels: ChannelList;

  beforeEach(() => {
    connection = new FakeIrcConnection("gw");
    channels = new ChannelList(() => connection.asConnection, 60_000, 5);
  });

  it("gathers RPL_LIST until RPL_LISTEND, without formatting or control characters, '*' (a private channel) skipped", async () => {
    const listing = channels.list("");
    await settled();
    assert.deepEqual(connection.lines, ["LIST"]);
    connection.emit("list-entry", { channel: "#dev", members: 12, topic: "\x02Bold\x02 \x0304red\x03 talk\x01" });
    connection.emit("list-entry", { channel: "*", members: 3, topic: "" });
    connection.emit("list-entry", { channel: "#long", members: 1, topic: "x".repeat(400) });
    connection.emit("list-entry", { channel: "#modes", members: 2, topic: "[+lnt 10] shown with its modes" });
    connection.emit("list-entry", { channel: "#bare", members: 2, topic: "[+nt]" });
    connection.emit("list-entry", { channel: "#own", members: 2, topic: "[nt] is no mode block" });
    connection.emit("list-end", {});
    const got = await listing;
    assert.equal(got.truncated, false);
    assert.deepEqual(got.rooms[0], { name: "#dev", members: 12, topic: "Bold red talk" });
    assert.equal(got.rooms[1]?.topic.length, TOPIC_CHARS);
    assert.deepEqual(
      got.rooms.slice(2).map((room) => room.topic),
      ["shown with its modes", "", "[nt] is no mode block"],
      "the modes InspIRCd and UnrealIRCd put before a topic are taken off",
    );
    assert.equal(got.rooms.length, 5);
    assert.equal(connection.listenerCount("list-entry"), 0, "its listeners are gone once it ended");
  });

  it("keeps the first `max` channels and says that more came", async () => {
    const listing = channels.list("");
    await settled();
    for (let index = 0; index < 7; index++) connection.emit("list-entry", { channel: `#c${index}`, members: 1, topic: "" });
    connection.emit("list-end", {});
    const got = await listing;
    assert.deepEqual(
      got.rooms.map((room) => room.name),
      ["#c0", "#c1", "#c2", "#c3", "#c4"],
    );
    assert.equal(got.truncated, true);
  });

  it("sends the next LIST only once the one under way has ended: replies carry nothing that says whose they are", async () => {
    const first = channels.list("");
    const second = channels.list("");
    await settled();
    assert.deepEqual(connection.lines, ["LIST"]);
    connection.emit("list-entry", { channel: "#a", members: 1, topic: "" });
    connection.emit("list-end", {});
    assert.equal((await first).rooms.length, 1);
    await settled();
    assert.deepEqual(connection.lines, ["LIST", "LIST"]);
    connection.emit("list-end", {});
    assert.equal((await second).rooms.length, 0);
  });

  it("refuses with GW_ERR_RATE_LIMITED (retryable) when the server says to try again later (263), and as unavailable when the connection closes", async () => {
    const refused = channels.list("");
    await settled();
    connection.emit("list-refused", { numeric: 263, text: "Server load is temporarily too heavy. Please wait a while and try again." });
    await assert.rejects(refused, (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_RATE_LIMITED" && error.retryable && error.condition === "RPL_TRYAGAIN");
    const lost = channels.list("");
    await settled();
    connection.close(false);
    await assert.rejects(lost, { code: "GW_ERR_UNAVAILABLE" });
  });

  it("ends a listing the server cut (416, too many matches) as truncated", async () => {
    const listing = channels.list("");
    await settled();
    connection.emit("list-entry", { channel: "#a", members: 1, topic: "" });
    connection.emit("list-refused", { numeric: 416, text: "Too many matches" });
    assert.deepEqual(await listing, { rooms: [{ name: "#a", members: 1, topic: "" }], truncated: true, filtered: false });
  });

  it("sends a filter as a mask only to a server whose ELIST has M", async () => {
    connection.server.isupport.set("ELIST", "CMNTU");
    const listing = channels.list("dev");
    await settled();
    connection.emit("list-end", {});
    assert.equal((await listing).filtered, true, "the rooms are those the server matched");
    assert.deepEqual(connection.lines, ["LIST *dev*"]);
    assert.equal(listMask("dev", undefined), undefined);
    assert.equal(listMask("dev", "CTU"), undefined);
    assert.equal(listMask("*,a b?", "M"), "*ab*", "no wildcard, comma or space of the filter reaches the mask");
    assert.equal(listMask("", "M"), undefined);
  });
});
