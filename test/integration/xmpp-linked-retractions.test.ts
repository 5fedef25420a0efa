/**
 * XEP-0424 retractions through a linked XMPP account, against a real Prosody (mod_carbons) and the real daemon: alice
 * links alicex@localhost and also uses it from her phone. Her native retraction reaches juliet naming the id juliet
 * got the message with, juliet's retraction reaches alice's sessions, and a retraction from her phone (a sent carbon,
 * XEP-0280) is hers as one from a session is; her native correction and retraction of a line from her phone name the phone's id.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { ALICEX_PASSWORD, useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const JULIET_ADDRESS = "xmpp://u.alice/juliet@localhost";
const RETRACT = "urn:xmpp:message-retract:1";

function messageOf(frame: Frame): Record<string, unknown> {
  return frame["message"] as Record<string, unknown>;
}

function withBody(body: string): (frame: Frame) => boolean {
  return (frame) => messageOf(frame)["body"] === body;
}

const retraction = (frame: Frame): boolean => messageOf(frame)["retracts"] !== undefined;

describe("retractions through a linked XMPP account against Prosody", function () {
  let juliet: XmppTestClient;
  let phone: XmppTestClient;
  let alice: NativeClient;

  const suite = useLinkedAccount({
    users: ["juliet"],
    async beforeDaemon() {
      juliet = await suite.xmpp("juliet");
      await juliet.sendPresence();
      phone = await suite.xmpp("alicex", ALICEX_PASSWORD, "phone");
      await phone.iq(xml("iq", { type: "set" }, xml("enable", { xmlns: "urn:xmpp:carbons:2" })));
      await phone.sendPresence();
    },
  });

  before(async function () {
    alice = suite.alice();
    await phone.waitForPresence("alicex@localhost/switchboard", (stanza) => stanza.attrs["type"] === undefined);
    await suite.daemon().waitForLog(/message carbons enabled/);
  });

  it("sends alice's retraction to juliet naming the id juliet got the message with", async function () {
    const sent = await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "wrong window" });
    const original = await juliet.waitForMessage("alicex@localhost/switchboard", (stanza) => stanza.getChildText("body") === "wrong window");
    await alice.ok({ type: "message.retract", to: JULIET_ADDRESS, message_id: sent["message_id"] as string });
    const retracted = await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChild("retract", RETRACT) !== undefined, 5000, "alice's retraction");
    assert.equal(retracted.attrs["from"], "alicex@localhost/switchboard");
    assert.equal(retracted.getChild("retract", RETRACT)?.attrs["id"], original.attrs["id"]);
    assert.equal(retracted.getChild("fallback", "urn:xmpp:fallback:0")?.attrs["for"], RETRACT);
    const history = (await alice.ok({ type: "history", with: JULIET_ADDRESS }))["messages"] as Record<string, unknown>[];
    assert.ok(history.some((message) => message["id"] === sent["message_id"] && message["retracted"] === true && message["body"] === ""), JSON.stringify(history));
  });

  it("shows alice juliet's retraction of her message", async function () {
    const id = await juliet.sendMessage("alicex@localhost", "not for you");
    const shown = messageOf(await alice.waitForType("message", withBody("not for you")));
    await juliet.send(xml("message", { to: "alicex@localhost", type: "chat", id: juliet.id("r") }, xml("retract", { xmlns: RETRACT, id }), xml("body", {}, "fallback")));
    const retracted = messageOf(await alice.waitForType("message", retraction));
    assert.deepEqual([retracted["from"], retracted["retracts"], retracted["body"]], [JULIET_ADDRESS, shown["id"], ""]);
  });

  it("shows alice her retraction from her phone as her own, of a line from the phone or from a session", async function () {
    const id = phone.id("phone");
    await phone.send(xml("message", { to: "juliet@localhost", type: "chat", id }, xml("body", {}, "Written on the bus")));
    const shown = messageOf(await alice.waitForType("message", withBody("Written on the bus")));
    await phone.send(xml("message", { to: "juliet@localhost", type: "chat", id: phone.id("r") }, xml("retract", { xmlns: RETRACT, id }), xml("body", {}, "fallback")));
    const retracted = messageOf(await alice.waitForType("message", retraction));
    assert.deepEqual([retracted["from"], retracted["to"], retracted["retracts"], retracted["carbon"]], ["native:alice", JULIET_ADDRESS, shown["id"], "sent"]);

    // A line alice wrote natively went to juliet under its gateway id, which the phone's retraction names.
    const sent = await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "Typed at my desk" });
    const original = await juliet.waitForMessage("alicex@localhost/switchboard", (stanza) => stanza.getChildText("body") === "Typed at my desk");
    await phone.send(xml("message", { to: "juliet@localhost", type: "chat", id: phone.id("r") }, xml("retract", { xmlns: RETRACT, id: original.attrs["id"] }), xml("body", {}, "fallback")));
    const unsaid = messageOf(await alice.waitForType("message", (frame) => retraction(frame) && messageOf(frame)["retracts"] === sent["message_id"]));
    assert.equal(unsaid["carbon"], "sent");
    const history = (await alice.ok({ type: "history", with: JULIET_ADDRESS }))["messages"] as Record<string, unknown>[];
    assert.ok(history.some((message) => message["id"] === shown["id"] && message["retracted"] === true), JSON.stringify(history));
  });

  it("sends alice's native correction and retraction of a line from her phone to juliet naming the phone's id, which juliet got it under", async function () {
    const id = phone.id("phone");
    await phone.send(xml("message", { to: "juliet@localhost", type: "chat", id }, xml("body", {}, "Sent from the train")));
    const original = await juliet.waitForMessage("alicex@localhost/phone", (stanza) => stanza.getChildText("body") === "Sent from the train");
    assert.equal(original.attrs["id"], id);
    const shown = messageOf(await alice.waitForType("message", withBody("Sent from the train")));
    // Her correction of it from a session names it the same way (XEP-0308).
    await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "Sent from the tram", replaces: shown["id"] });
    const corrected = await juliet.waitForMessage("alicex@localhost/switchboard", (stanza) => stanza.getChildText("body") === "Sent from the tram");
    assert.equal(corrected.getChild("replace", "urn:xmpp:message-correct:0")?.attrs["id"], id);
    await alice.ok({ type: "message.retract", to: JULIET_ADDRESS, message_id: shown["id"] as string });
    const fromGateway = (stanza: Element): boolean => stanza.is("message") && stanza.attrs["from"] === "alicex@localhost/switchboard" && stanza.getChild("retract", RETRACT) !== undefined;
    const retracted = await juliet.waitFor(fromGateway, 5000, "alice's retraction");
    assert.equal(retracted.getChild("retract", RETRACT)?.attrs["id"], id);
  });
});
