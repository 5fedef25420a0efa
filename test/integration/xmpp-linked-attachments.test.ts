/**
 * Attachments through a linked XMPP account, against a real Prosody: juliet's picture (its URL as the body plus a
 * XEP-0066 element; or the element alone) reaches alice as the message's attachments, in a chat and in a MUC alice is in
 * through her account, and alice's attachments leave her account with their out-of-band elements, both ways.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const OOB = "jabber:x:oob";
const MUC_NS = "http://jabber.org/protocol/muc";
const JULIET_ADDRESS = "xmpp://u.alice/juliet@localhost";
const IMAGE = "https://upload.localhost/4b1d/balcony.jpg";

function picture(to: string, type: "chat" | "groupchat"): Element {
  return xml("message", { to, type, id: `pic-${Date.now().toString(36)}` }, xml("body", {}, IMAGE), xml("x", { xmlns: OOB }, xml("url", {}, IMAGE), xml("desc", {}, "the balcony")));
}

/** Out-of-band data alone, without a body (as a client leaving the URL to the element sends it). */
function bodyless(to: string, type: "chat" | "groupchat", url: string): Element {
  return xml("message", { to, type, id: `bare-${Date.now().toString(36)}` }, xml("x", { xmlns: OOB }, xml("url", {}, url)));
}

function messageOf(frame: Frame): Record<string, unknown> {
  return frame["message"] as Record<string, unknown>;
}

describe("attachments through a linked XMPP account, against Prosody", function () {
  let juliet: XmppTestClient;
  let alice: NativeClient;
  let talk: string;

  const suite = useLinkedAccount({
    users: ["juliet"],
    async beforeDaemon() {
      talk = `pics@${suite.prosody().mucDomain}`;
      juliet = await suite.xmpp("juliet");
      await juliet.sendPresence();
      await juliet.send(xml("presence", { to: `${talk}/Juliet` }, xml("x", { xmlns: MUC_NS })));
      await juliet.waitForPresence(`${talk}/Juliet`, (presence) => presence.getChild("x", `${MUC_NS}#user`) !== undefined);
    },
  });

  before(function () {
    alice = suite.alice();
  });

  it("carries pictures both ways in a chat through alice's account", async function () {
    await juliet.send(picture("alicex@localhost", "chat"));
    const received = messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["body"] === IMAGE));
    assert.equal(received["from"], JULIET_ADDRESS);
    assert.deepEqual(received["attachments"], [{ url: IMAGE, description: "the balcony" }]);
    const bare = "https://upload.localhost/77aa/gate.jpg";
    await juliet.send(bodyless("alicex@localhost", "chat", bare));
    assert.deepEqual(messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["body"] === bare))["attachments"], [{ url: bare }]);

    const mine = "https://files.example.org/orchard.png";
    await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "", attachments: [{ url: mine }] });
    const reply = await juliet.waitForMessage("alicex@localhost", (message) => message.getChildText("body") === mine);
    assert.deepEqual(reply.getChildren("x", OOB).map((x) => x.getChildText("url")), [mine]);
  });

  it("carries pictures both ways in a MUC alice is in through her account", async function () {
    const room = `xmpp://u.alice/${talk}`;
    await alice.ok({ type: "room.join", room }, 15_000);
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === undefined);
    await juliet.send(picture(talk, "groupchat"));
    const heard = messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["scope"] === "room" && messageOf(frame)["body"] === IMAGE));
    assert.deepEqual(heard["attachments"], [{ url: IMAGE, description: "the balcony" }]);
    const bare = "https://upload.localhost/77aa/well.jpg";
    await juliet.send(bodyless(talk, "groupchat", bare));
    assert.deepEqual(messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["scope"] === "room" && messageOf(frame)["body"] === bare))["attachments"], [{ url: bare }]);

    const mine = "https://files.example.org/ladder.png";
    await alice.ok({ type: "room.send", room, body: "a ladder", attachments: [{ url: mine, description: "rope" }] });
    const line = await juliet.waitForMessage(`${talk}/alice`, (message) => message.getChildText("body") === `a ladder\n${mine}`);
    assert.equal(line.getChild("x", OOB)?.getChildText("url"), mine);
    assert.equal(line.getChild("x", OOB)?.getChildText("desc"), "rope");
  });
});
