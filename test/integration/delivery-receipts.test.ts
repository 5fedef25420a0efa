/**
 * Delivery receipts for native senders (docs/protocol.md, "Delivery receipts"): a session that asked for the
 * `receipts` feature in its hello hears message.delivered when a native recipient's session took its direct message,
 * and when an XMPP recipient's client answered the XEP-0184 request the component put on it (a real Prosody and a
 * real @xmpp/client answering as a client would). Nobody else can make a message read as received, and a session
 * that did not ask hears nothing new.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import { uniqueUser } from "../helpers/daemon.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const NS_RECEIPTS = "urn:xmpp:receipts";

describe("delivery receipts for native senders", function () {
  const { prosody, daemon, nativeAs, xmppUserAs: xmppUser, closing } = useNetworks({ ircServer: "none" });

  function native(name: string, options: { register?: boolean; receipts?: boolean } = {}): Promise<NativeClient> {
    return nativeAs(name, { register: options.register ?? true, ...(options.receipts === true ? { features: ["receipts"] } : {}) });
  }

  function gatewayJid(nativeName: string): string {
    return `${nativeName}@${prosody().componentDomain}`;
  }

  /** What a receipt-aware XMPP client answers to a message that asks for one (XEP-0184 section 5.2). */
  async function acknowledge(client: XmppTestClient, message: Element): Promise<void> {
    await client.send(xml("message", { to: String(message.attrs["from"]), id: client.id("ack") }, xml("received", { xmlns: NS_RECEIPTS, id: String(message.attrs["id"]) })));
  }

  /**
   * `sender`'s frames so far are all the receipts it will get for what came before: `witness` writes to it through
   * the component after whatever it sent, and the component handles an XMPP user's stanzas in order.
   */
  async function settledThrough(witness: XmppTestClient, sender: NativeClient, senderName: string): Promise<void> {
    const body = `barrier ${witness.id("b")}`;
    await witness.send(xml("message", { to: gatewayJid(senderName), type: "chat", id: witness.id("b") }, xml("body", {}, body)));
    await sender.waitForType("message", (frame) => (frame["message"] as Frame)["body"] === body);
  }

  it("answers the features it grants in hello's ok, leaving out unknown ones, and nothing new to a hello without them", async function () {
    const client = closing(await NativeClient.connect(daemon().url));
    const granted = await client.ok({ type: "hello", version: 1, features: ["receipts", "telepathy", "receipts"] });
    assert.deepEqual(granted["features"], ["receipts"]);
    const plain = await client.ok({ type: "hello", version: 1 });
    assert.equal("features" in plain, false);
  });

  it("tells a sender who asked when an XMPP recipient's client acknowledges the message, and only from the JID it went to", async function () {
    const romeoName = uniqueUser("sender");
    const romeo = await native(romeoName, { receipts: true });
    const juliet = await xmppUser(uniqueUser("reader"));
    const mallory = await xmppUser(uniqueUser("forger"));

    const sent = await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "did you get this?" });
    const messageId = String(sent["message_id"]);
    const stanza = await juliet.waitForMessage(gatewayJid(romeoName));
    assert.equal(stanza.attrs["id"], messageId, "the stanza id names the message");
    assert.ok(stanza.getChild("request", NS_RECEIPTS), `the message asks for a receipt: ${stanza.toString()}`);

    // Another JID answers for juliet's message: ignored, whoever it names.
    await mallory.send(xml("message", { to: gatewayJid(romeoName), id: mallory.id("forged") }, xml("received", { xmlns: NS_RECEIPTS, id: messageId })));
    await settledThrough(mallory, romeo, romeoName);
    assert.deepEqual(romeo.pending("message.delivered"), [], "a stranger's receipt is no receipt");

    await acknowledge(juliet, stanza);
    const delivered = await romeo.waitForType("message.delivered");
    assert.deepEqual([delivered["message_id"], delivered["to"], typeof delivered["timestamp"]], [messageId, `xmpp:${juliet.bareJid}`, "number"]);

    // Once only: the same receipt again, and one for an id never asked, change nothing.
    await acknowledge(juliet, stanza);
    await juliet.send(xml("message", { to: gatewayJid(romeoName), id: juliet.id("ack") }, xml("received", { xmlns: NS_RECEIPTS, id: "00000000000zzzz" })));
    await settledThrough(juliet, romeo, romeoName);
    assert.deepEqual(romeo.pending("message.delivered"), []);
  });

  it("asks no receipt for a correction, nor for a sender who did not ask, who hears nothing new", async function () {
    const romeoName = uniqueUser("plain");
    const romeo = await native(romeoName);
    const juliet = await xmppUser(uniqueUser("answers"));

    await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "no receipts for me" });
    const stanza = await juliet.waitForMessage(gatewayJid(romeoName));
    assert.equal(stanza.getChild("request", NS_RECEIPTS), undefined, stanza.toString());
    // A client may acknowledge what asked nothing: still nothing for romeo.
    await acknowledge(juliet, stanza);
    await settledThrough(juliet, romeo, romeoName);
    assert.deepEqual(romeo.transcript.filter((frame) => frame.type === "message.delivered"), []);

    const asker = await native(romeoName, { register: false, receipts: true });
    await asker.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "mispelled" });
    const original = await juliet.waitForMessage(gatewayJid(romeoName));
    assert.ok(original.getChild("request", NS_RECEIPTS));
    await asker.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "misspelled", replaces: String(original.attrs["id"]) });
    const correction = await juliet.waitForMessage(gatewayJid(romeoName), (message) => message.getChild("replace", "urn:xmpp:message-correct:0") !== undefined);
    assert.equal(correction.getChild("request", NS_RECEIPTS), undefined, correction.toString());
  });

  it("tells a sender who asked when a native recipient's session took the message, also one stored while she was offline", async function () {
    const aliceName = uniqueUser("alice");
    const bobName = uniqueUser("bob");
    const alice = await native(aliceName, { receipts: true });
    const aliceOther = await native(aliceName, { register: false });
    const bob = await native(bobName);

    const now = await alice.ok({ type: "message.send", to: `native:${bobName}`, body: "are you there?" });
    await bob.waitForType("message");
    const delivered = await alice.waitForType("message.delivered");
    assert.deepEqual([delivered["message_id"], delivered["to"]], [now["message_id"], `native:${bobName}`]);

    await bob.close();
    const later = await alice.ok({ type: "message.send", to: `native:${bobName}`, body: "call me when you're back" });
    await alice.ok({ type: "ping" });
    assert.deepEqual(alice.pending("message.delivered"), [], "not delivered while bob is away");
    const back = await native(bobName, { register: false });
    const stored = await back.waitForType("message");
    assert.equal((stored["message"] as Frame)["id"], later["message_id"]);
    const receipt = await alice.waitForType("message.delivered");
    assert.deepEqual([receipt["message_id"], receipt["to"]], [later["message_id"], `native:${bobName}`]);

    // alice's other session did not ask: it saw her messages' answers only, no receipt.
    await aliceOther.ok({ type: "ping" });
    assert.deepEqual(aliceOther.transcript.filter((frame) => frame.type === "message.delivered"), []);
  });

  it("gives no receipt for a retraction, whose ok suffices, to a sender who asked for receipts", async function () {
    const aliceName = uniqueUser("alice");
    const bobName = uniqueUser("bob");
    const alice = await native(aliceName, { receipts: true });
    const bob = await native(bobName);

    const sent = await alice.ok({ type: "message.send", to: `native:${bobName}`, body: "oops, wrong person" });
    await bob.waitForType("message");
    await alice.waitForType("message.delivered");
    const retraction = await alice.ok({ type: "message.retract", to: `native:${bobName}`, message_id: sent["message_id"] });
    await bob.waitForType("message", (frame) => (frame["message"] as Frame)["retracts"] === sent["message_id"]);

    // A message after it is delivered in order after it: its receipt comes after any the retraction would have had.
    const after = await alice.ok({ type: "message.send", to: `native:${bobName}`, body: "sorry" });
    const receipt = await alice.waitForType("message.delivered");
    assert.equal(receipt["message_id"], after["message_id"], "the next receipt is the next message's");
    assert.deepEqual(alice.transcript.filter((frame) => frame.type === "message.delivered" && frame["message_id"] === retraction["message_id"]), []);
  });
});
