import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import { historyMessage, historyRequest } from "../../../src/adapters/xmpp/room-history.js";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";

const MUC = "http://jabber.org/protocol/muc";
const NOW = Date.parse("2026-11-22T12:00:00Z");
const join = (history?: Record<string, string>): ReturnType<typeof xml> => xml("presence", {}, xml("x", { xmlns: MUC }, ...(history ? [xml("history", history)] : [])));

describe("room history for a joining XMPP user (XEP-0045 section 7.2.15)", () => {
  it("gives the configured amount when the join asks for nothing in particular", () => {
    assert.deepEqual(historyRequest(join(), 20, NOW), { maxStanzas: 20 });
    assert.deepEqual(historyRequest(xml("presence"), 20, NOW), { maxStanzas: 20 });
  });

  it("takes fewer when asked, never more than configured, and none for maxchars 0", () => {
    assert.deepEqual(historyRequest(join({ maxstanzas: "5" }), 20, NOW), { maxStanzas: 5 });
    assert.deepEqual(historyRequest(join({ maxstanzas: "500" }), 20, NOW), { maxStanzas: 20 });
    assert.deepEqual(historyRequest(join({ maxchars: "0" }), 20, NOW), { maxStanzas: 0 });
    assert.deepEqual(historyRequest(join({ maxstanzas: "-3" }), 20, NOW), { maxStanzas: 20 }, "a malformed value is ignored");
  });

  it("turns seconds and since into a time bound, the later of the two", () => {
    assert.deepEqual(historyRequest(join({ seconds: "60" }), 20, NOW), { maxStanzas: 20, since: NOW - 60_000 });
    assert.deepEqual(historyRequest(join({ since: "2026-11-22T11:59:30Z", seconds: "3600" }), 20, NOW), { maxStanzas: 20, since: NOW - 30_000 });
  });

  it("sends each message from its sender's occupant JID, delayed to when it was accepted", () => {
    const message: Message = { id: "m1", origin: { protocol: "native", account: "default" }, hops: [], scope: "room", kind: "action", from: parseAddress("native:alice"), to: parseAddress("native:%23dev"), senderName: "alice", body: "waves", timestamp: NOW };
    const line = historyMessage(message, "#dev@gw.example", "juliet@example.org/phone", { id: "m1" }, "alice-in-dev");
    assert.equal(line.attrs["from"], "#dev@gw.example/alice");
    assert.equal(line.getChild("occupant-id", "urn:xmpp:occupant-id:0")?.attrs["id"], "alice-in-dev", "its sender's occupant id (XEP-0421)");
    assert.equal(line.attrs["type"], "groupchat");
    assert.equal(line.getChildText("body"), "/me waves");
    assert.deepEqual(line.getChild("delay", "urn:xmpp:delay")?.attrs, { xmlns: "urn:xmpp:delay", from: "#dev@gw.example", stamp: "2026-11-22T12:00:00.000Z" });
  });

  it("gives a message's attachments their XEP-0066 elements in the history too", () => {
    const url = "https://upload.example.org/cat.jpg";
    const message: Message = { id: "m4", origin: { protocol: "xmpp", account: "default" }, hops: [], scope: "room", kind: "text", from: parseAddress("xmpp:juliet@example.org"), to: parseAddress("native:%23dev"), senderName: "juliet", body: url, attachments: [{ url, description: "a cat" }], timestamp: NOW };
    const oob = historyMessage(message, "#dev@gw.example", "romeo@example.org/phone", { id: "m4" }, "juliet-in-dev").getChild("x", "jabber:x:oob");
    assert.deepEqual([oob?.getChildText("url"), oob?.getChildText("desc")], [url, "a cat"]);
  });

  it("delays a message its network said earlier (sentAt) to when it was said, not to its acceptance", () => {
    const message: Message = { id: "m3", origin: { protocol: "irc", account: "libera" }, hops: [], scope: "room", kind: "text", from: parseAddress("irc://libera/bob"), to: parseAddress("native:%23dev"), senderName: "bob", body: "played back", timestamp: NOW, sentAt: NOW - 3_600_000 };
    const line = historyMessage(message, "#dev@gw.example", "juliet@example.org/phone", { id: "m3" }, "bob-in-dev");
    assert.equal(line.getChild("delay", "urn:xmpp:delay")?.attrs["stamp"], "2026-11-22T11:00:00.000Z");
  });

  it("gives a correction under the ids its reader knows the message and the original by, with the room's id of it", () => {
    const message: Message = { id: "m2", origin: { protocol: "xmpp", account: "default", id: "client-2" }, hops: [], scope: "room", kind: "text", from: parseAddress("native:alice"), to: parseAddress("native:%23dev"), senderName: "alice", body: "fixed", replaces: "m1", timestamp: NOW };
    const line = historyMessage(message, "#dev@gw.example", "alice@example.org/phone", { id: "client-2", replaces: "client-1" }, "alice-in-dev");
    assert.equal(line.attrs["id"], "client-2");
    assert.equal(line.getChild("replace", "urn:xmpp:message-correct:0")?.attrs["id"], "client-1");
    assert.equal(line.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs["id"], "m2");
  });
});
