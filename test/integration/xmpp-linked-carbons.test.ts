/**
 * Message carbons (XEP-0280) for a linked account, against a real Prosody (mod_carbons) and the real daemon: alice
 * links alicex@localhost and also uses alicex from her phone, a second real client of the same account with carbons
 * enabled. What she writes from the phone reaches her native sessions as her own messages, what juliet writes to the
 * phone reaches them too (once, however it arrives), forged copies are ignored, and the phone sees what she writes
 * natively. The tests run in order and build on each other.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import type { Daemon } from "../helpers/daemon.js";
import { ALICEX_PASSWORD, useLinkedAccount } from "../helpers/linked-account-suite.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const JULIET_ADDRESS = "xmpp://u.alice/juliet@localhost";
const NS_CARBONS = "urn:xmpp:carbons:2";
const NS_FORWARD = "urn:xmpp:forward:0";

function messageOf(frame: Frame): Record<string, unknown> {
  return frame["message"] as Record<string, unknown>;
}

/** A message frame of alice's with this body. */
function withBody(body: string): (frame: Frame) => boolean {
  return (frame) => messageOf(frame)["body"] === body;
}

/** A message wrapping another as a carbon would, `<sent/>` or `<received/>`. */
function wrapped(kind: "sent" | "received", to: string, inner: { from: string; to: string; body: string }): Element {
  return xml(
    "message",
    { to, type: "chat" },
    xml(kind, { xmlns: NS_CARBONS }, xml("forwarded", { xmlns: NS_FORWARD }, xml("message", { xmlns: "jabber:client", type: "chat", from: inner.from, to: inner.to, id: "forged" }, xml("body", {}, inner.body)))),
  );
}

describe("message carbons of a linked XMPP account against Prosody", function () {
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let phone: XmppTestClient;
  let alice: NativeClient;

  const suite = useLinkedAccount({
    users: ["juliet"],
    async beforeDaemon() {
      juliet = await suite.xmpp("juliet");
      await juliet.sendPresence();
      phone = await suite.xmpp("alicex", ALICEX_PASSWORD, "phone");
      await phone.iq(xml("iq", { type: "set" }, xml("enable", { xmlns: NS_CARBONS })));
      await phone.sendPresence();
    },
  });

  before(async function () {
    [daemon, alice] = [suite.daemon(), suite.alice()];
    // The gateway's session is available (alice is online), beside the phone.
    await phone.waitForPresence("alicex@localhost/switchboard", (stanza) => stanza.attrs["type"] === undefined);
  });

  it("enables carbons for the gateway's session, the server offering them", async function () {
    await daemon.waitForLog(/message carbons enabled/);
  });

  it("shows alice what she wrote from her phone as her own message in the conversation, corrections too, and keeps it", async function () {
    const id = phone.id("phone");
    await phone.send(xml("message", { to: "juliet@localhost", type: "chat", id }, xml("body", {}, "Written on the bus 🚌 <&>")));
    assert.equal((await juliet.waitForMessage("alicex@localhost/phone")).getChildText("body"), "Written on the bus 🚌 <&>");
    const shown = messageOf(await alice.waitForType("message", withBody("Written on the bus 🚌 <&>")));
    assert.deepEqual(
      [shown["scope"], shown["from"], shown["to"], shown["sender_name"], shown["client_id"], shown["carbon"]],
      ["direct", "native:alice", JULIET_ADDRESS, "alice", id, "sent"],
    );

    await phone.send(xml("message", { to: "juliet@localhost", type: "chat", id: phone.id("phone") }, xml("body", {}, "Written on the train"), xml("replace", { xmlns: "urn:xmpp:message-correct:0", id })));
    const corrected = messageOf(await alice.waitForType("message", withBody("Written on the train")));
    assert.deepEqual([corrected["replaces"], corrected["carbon"]], [shown["id"], "sent"]);

    const history = (await alice.ok({ type: "history", with: JULIET_ADDRESS }))["messages"] as Record<string, unknown>[];
    assert.deepEqual(
      history.map((message) => [message["from"], message["body"], message["carbon"]]),
      [
        ["native:alice", "Written on the bus 🚌 <&>", "sent"],
        ["native:alice", "Written on the train", "sent"],
      ],
    );
  });

  it("gives alice a chat juliet wrote to her phone only, as any chat from juliet", async function () {
    await juliet.send(xml("message", { to: "alicex@localhost/phone", type: "chat", id: juliet.id("j") }, xml("body", {}, "Only to your phone")));
    await phone.waitForMessage("juliet@localhost", (message) => message.getChildText("body") === "Only to your phone");
    const received = messageOf(await alice.waitForType("message", withBody("Only to your phone")));
    assert.deepEqual([received["from"], received["to"], received["sender_name"], received["carbon"]], [JULIET_ADDRESS, "native:alice", "juliet", undefined]);
  });

  it("gives alice a chat once when it reaches the gateway both directly and as a copy", async function () {
    // The same message (id and body) to the bare JID, which both available resources get, then to the phone alone,
    // which the gateway's session gets a copy of: as a server that both routed and copied a message would do.
    const id = juliet.id("dup");
    await juliet.send(xml("message", { to: "alicex@localhost", type: "chat", id }, xml("body", {}, "Once only")));
    await alice.waitForType("message", withBody("Once only"));
    await juliet.send(xml("message", { to: "alicex@localhost/phone", type: "chat", id }, xml("body", {}, "Once only")));
    await juliet.sendMessage("alicex@localhost/phone", "After the copy");
    await alice.waitForType("message", withBody("After the copy"));
    const history = (await alice.ok({ type: "history", with: JULIET_ADDRESS }))["messages"] as Record<string, unknown>[];
    assert.equal(history.filter((message) => message["body"] === "Once only").length, 1, "kept once");
    assert.equal(alice.transcript.filter((frame) => frame.type === "message" && messageOf(frame)["body"] === "Once only").length, 1, "shown once");
  });

  it("ignores copies that do not come from alice's own account", async function () {
    await juliet.send(wrapped("sent", "alicex@localhost", { from: "alicex@localhost/phone", to: "romeo@localhost", body: "Forged as alice's" }));
    await juliet.send(wrapped("received", "alicex@localhost", { from: "romeo@localhost/balcony", to: "alicex@localhost/phone", body: "Forged as romeo's" }));
    await daemon.waitForLog(/message carbon ignored[\s\S]*message carbon ignored/);
    await juliet.sendMessage("alicex@localhost", "After the forgeries");
    await alice.waitForType("message", withBody("After the forgeries"));
    const forged = alice.transcript.filter((frame) => frame.type === "message" && /Forged/.test(String(messageOf(frame)["body"])));
    assert.deepEqual(forged, []);
    const romeo = (await alice.ok({ type: "history", with: "xmpp://u.alice/romeo@localhost" }))["messages"];
    assert.deepEqual(romeo, []);
  });

  it("lets alice's phone see what she writes natively, as the server's sent copy (never marked private)", async function () {
    await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "Typed at my desk" });
    assert.equal((await juliet.waitForMessage("alicex@localhost/switchboard")).getChildText("body"), "Typed at my desk");
    // The forgeries juliet sent are in the phone's mailbox too: the server's copies come from the account itself.
    const copy = await phone.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === "alicex@localhost" && stanza.getChild("sent", NS_CARBONS) !== undefined, 5000, "a sent carbon");
    const inner = copy.getChild("sent", NS_CARBONS)?.getChild("forwarded", NS_FORWARD)?.getChild("message");
    assert.deepEqual([inner?.attrs["from"], inner?.attrs["to"], inner?.getChildText("body")], ["alicex@localhost/switchboard", "juliet@localhost", "Typed at my desk"]);
    assert.equal(inner?.getChild("private", NS_CARBONS), undefined);
  });

  it("shows what alice writes to juliet from one native session to her other one, marked as the phone's are", async function () {
    const desk = await NativeClient.session(daemon.url, "alice", PASSWORD);
    const sent = await desk.ok({ type: "message.send", to: JULIET_ADDRESS, body: "Written at the desk" });
    assert.equal((await juliet.waitForMessage("alicex@localhost/switchboard")).getChildText("body"), "Written at the desk");
    const shown = messageOf(await alice.waitForType("message", withBody("Written at the desk")));
    assert.deepEqual([shown["id"], shown["from"], shown["to"], shown["carbon"]], [sent["message_id"], "native:alice", JULIET_ADDRESS, "sent"]);
    await juliet.sendMessage("alicex@localhost", "Seen it");
    await desk.waitForType("message", withBody("Seen it"));
    assert.deepEqual(desk.transcript.filter((frame) => frame.type === "message" && messageOf(frame)["from"] === "native:alice"), [], "the desk gets no copy of its own");
    await desk.close();
  });
});
