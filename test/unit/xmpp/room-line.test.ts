import assert from "node:assert/strict";
import { roomLine } from "../../../src/adapters/xmpp/room-line.js";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";

const REPLY = "urn:xmpp:reply:0";
const FALLBACK = "urn:xmpp:fallback:0";
const ROOM = "#dev@gw.example";
const answer = (replyTo: Message["replyTo"], kind: Message["kind"] = "text"): Message => ({
  id: "m2", origin: { protocol: "native", account: "default" }, hops: [], scope: "room", kind, from: parseAddress("native:alice"), to: parseAddress("native:%23dev"),
  senderName: "alice", body: "I do", timestamp: 0, ...(replyTo === undefined ? {} : { replyTo }),
});

describe("a gateway room's line as an occupant gets it, live, in the history and in the archive", () => {
  it("names the answered line by the room's stanza-id and its sender's occupant JID, the quote marked as fallback", () => {
    const line = roomLine(answer({ id: "m1", to: parseAddress("xmpp:juliet@example.org"), senderName: "Juliet", excerpt: "who brings the cake?" }), { roomJid: ROOM, ids: { id: "m2" }, occupantId: "alice-in-dev" });
    assert.deepEqual(line.getChild("reply", REPLY)?.attrs, { xmlns: REPLY, to: `${ROOM}/Juliet`, id: "m1" });
    assert.equal(line.getChildText("body"), "> Juliet: who brings the cake?\nI do");
    assert.deepEqual(line.getChild("fallback", FALLBACK)?.getChild("body")?.attrs, { start: "0", end: String(Array.from("> Juliet: who brings the cake?\n").length) });
    assert.equal(line.attrs["to"], undefined, "no to for an archived copy");
  });

  it("names a line whose words are gone (retracted) without a quote, and a plain line without <reply/>", () => {
    const quoteless = roomLine(answer({ id: "m1", senderName: "Juliet" }), { roomJid: ROOM, to: "romeo@example.org/phone", ids: { id: "m2" }, occupantId: "alice-in-dev" });
    assert.equal(quoteless.getChild("reply", REPLY)?.attrs["id"], "m1");
    assert.equal(quoteless.getChildText("body"), "I do");
    assert.equal(quoteless.getChild("fallback", FALLBACK), undefined);
    const plain = roomLine(answer(undefined), { roomJid: ROOM, to: "romeo@example.org/phone", ids: { id: "m2" }, occupantId: "alice-in-dev" });
    assert.equal(plain.getChild("reply", REPLY), undefined);
  });
});
