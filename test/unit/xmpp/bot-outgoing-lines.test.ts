/** A bridge bot's line for a reply (bot-outgoing-lines.ts): XEP-0461 where the MUC's id of the answered line is known, else the quote alone. */
import assert from "node:assert/strict";
import { relayedLine } from "../../../src/adapters/xmpp/bot-outgoing-lines.js";
import type { Message } from "../../../src/core/model/message.js";

const FORMAT = { text: "<{name}> ", action: "* {name} " };
const ROOM = { muc: "dev@conference.example.org", nick: "bridge", room: "dev", membership: false, password: "" };

function message(fields: Partial<Message>): Message {
  return {
    id: "0002",
    origin: { protocol: "native", account: "default" },
    hops: [],
    scope: "room",
    kind: "text",
    from: { protocol: "native", account: "default", id: "romeo" },
    to: { protocol: "native", account: "default", id: "#dev" },
    senderName: "romeo",
    body: "my answer",
    timestamp: 0,
    ...fields,
  };
}

const answered = { id: "0001", to: { protocol: "xmpp" as const, account: "bridge", id: "dev@conference.example.org/Juliet" }, senderName: "Juliet", excerpt: "the original" };

describe("a bridge bot's reply lines", () => {
  it("names a line the MUC knows by its stanza-id and nick, the quote marked as the fallback", () => {
    const line = relayedLine(FORMAT, ROOM, message({ replyTo: answered }), { roomId: "room-7", nick: "Juliet" });
    assert.equal(line.getChildText("body"), "> Juliet: the original\n<romeo> my answer");
    assert.deepEqual(line.getChild("reply", "urn:xmpp:reply:0")?.attrs, { xmlns: "urn:xmpp:reply:0", to: "dev@conference.example.org/Juliet", id: "room-7" });
    assert.deepEqual(line.getChild("fallback", "urn:xmpp:fallback:0")?.getChild("body")?.attrs, { start: "0", end: "23" });
  });

  it("puts the quote alone before a reply to a line the MUC's id of which the bot does not know", () => {
    const line = relayedLine(FORMAT, ROOM, message({ replyTo: answered }));
    assert.equal(line.getChildText("body"), "> Juliet: the original\n<romeo> my answer");
    assert.equal(line.getChild("reply", "urn:xmpp:reply:0"), undefined);
    assert.equal(line.getChild("fallback", "urn:xmpp:fallback:0"), undefined);
  });

  it("leaves a line that answers nothing as it was", () => {
    const line = relayedLine(FORMAT, ROOM, message({}));
    assert.equal(line.getChildText("body"), "<romeo> my answer");
    assert.equal(line.getChildren("reply", "urn:xmpp:reply:0").length, 0);
  });
});
