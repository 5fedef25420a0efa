import assert from "node:assert/strict";
import { makeAddress } from "../../../src/core/model/address.js";
import type { Message, MessageKind, MessageOrigin } from "../../../src/core/model/message.js";
import { relayNetwork, relayPrefix } from "../../../src/core/relay-format.js";

const room = makeAddress("native", "default", "#dev");

function message(senderName: string, origin: MessageOrigin, kind: MessageKind = "text"): Message {
  return { id: "m1", origin, hops: [], scope: "room", kind, from: makeAddress(origin.protocol, origin.account, senderName), to: room, senderName, body: "hi", timestamp: 0 };
}

const FORMAT = { text: "[{network}] <{name}> ", action: "* {name} ({network}) " };

describe("relay formats (relay_format)", () => {
  it("names an IRC sender's network by its configured name, and the others by their protocol", () => {
    assert.equal(relayNetwork({ protocol: "irc", account: "libera" }), "libera");
    assert.equal(relayNetwork({ protocol: "xmpp", account: "default" }), "xmpp");
    assert.equal(relayNetwork({ protocol: "xmpp", account: "bridgebot" }), "xmpp");
    assert.equal(relayNetwork({ protocol: "native", account: "default" }), "native");
  });

  it("uses the text template for lines and notices, the action template for actions", () => {
    assert.equal(relayPrefix(FORMAT, message("bob", { protocol: "irc", account: "libera" })), "[libera] <bob> ");
    assert.equal(relayPrefix(FORMAT, message("bob", { protocol: "irc", account: "libera" }, "notice")), "[libera] <bob> ");
    assert.equal(relayPrefix(FORMAT, message("alice", { protocol: "native", account: "default" }, "action")), "* alice (native) ");
  });

  it("writes a name holding a placeholder or $-patterns as it is, and every placeholder a template repeats", () => {
    assert.equal(relayPrefix(FORMAT, message("{network}$&$1", { protocol: "xmpp", account: "default" })), "[xmpp] <{network}$&$1> ");
    assert.equal(relayPrefix({ text: "{name}/{name}: ", action: "{name} " }, message("eve", { protocol: "native", account: "default" })), "eve/eve: ");
  });
});
