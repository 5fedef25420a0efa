/**
 * XEP-0461 replies through a linked XMPP account, against a real Prosody (mod_carbons) and the real daemon: alice links
 * alicex@localhost and also uses it from her phone. Juliet's reply, naming a line by the id her client knows (one of
 * alice's by the id juliet got it under, from a session or from the phone; one of her own by the id she gave it),
 * reaches alice's sessions with reply_to and without the quote; alice's native reply reaches juliet naming the line by
 * the id juliet's client knows, the quote marked as its XEP-0428 fallback. In a MUC she joined through the account,
 * both ways name lines by the room's stanza-id (mod_muc_mam) and the nick that said them.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { ALICEX_PASSWORD, useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const JULIET_ADDRESS = "xmpp://u.alice/juliet@localhost";
const REPLY = "urn:xmpp:reply:0";
const FALLBACK = "urn:xmpp:fallback:0";

function messageOf(frame: Frame): Record<string, unknown> {
  return frame["message"] as Record<string, unknown>;
}

describe("replies through a linked XMPP account against Prosody", function () {
  let juliet: XmppTestClient;
  let phone: XmppTestClient;
  let alice: NativeClient;

  let talk: string;

  const suite = useLinkedAccount({
    users: ["juliet"],
    mucArchive: true, // the MUC's stanza-ids, by which replies name its lines
    async beforeDaemon() {
      juliet = await suite.xmpp("juliet");
      await juliet.sendPresence();
      talk = `talk@${suite.prosody().mucDomain}`;
      await juliet.send(xml("presence", { to: `${talk}/Juliet` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await juliet.waitForPresence(`${talk}/Juliet`);
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

  /** juliet answers the line her client knows as `id`, written by `to`, quoting it as Conversations does. */
  async function julietReplies(id: string, to: string, quoted: string, answer: string): Promise<Record<string, unknown>> {
    const quote = `> ${quoted}\n`;
    const fallback = xml("fallback", { xmlns: FALLBACK, for: REPLY }, xml("body", { start: "0", end: String(Array.from(quote).length) }));
    await juliet.send(xml("message", { to: "alicex@localhost", type: "chat", id: juliet.id("reply") }, xml("body", {}, `${quote}${answer}`), xml("reply", { xmlns: REPLY, to, id }), fallback));
    return messageOf(await alice.waitForType("message", (frame) => String(messageOf(frame)["body"]).endsWith(answer)));
  }

  it("shows alice juliet's replies to alice's lines and to her own as replies, without the quote", async function () {
    const sent = await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "are you coming tonight?" });
    const got = await juliet.waitForMessage("alicex@localhost/switchboard", (stanza) => stanza.getChildText("body") === "are you coming tonight?");
    const toHers = await julietReplies(String(got.attrs["id"]), "alicex@localhost", "alice: are you coming tonight?", "yes, at eight");
    assert.deepEqual([toHers["body"], (toHers["reply_to"] as Record<string, unknown> | undefined)?.["id"]], ["yes, at eight", sent["message_id"]], JSON.stringify(toHers));

    const own = await juliet.sendMessage("alicex@localhost", "bring the map");
    const shown = messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["body"] === "bring the map"));
    const toOwn = await julietReplies(own, "juliet@localhost", "juliet: bring the map", "the old one");
    assert.deepEqual([toOwn["body"], (toOwn["reply_to"] as Record<string, unknown> | undefined)?.["id"]], ["the old one", shown["id"]], JSON.stringify(toOwn));

    // A line alice wrote on her phone reached juliet under the phone's id, which juliet's reply names.
    const id = phone.id("phone");
    await phone.send(xml("message", { to: "juliet@localhost", type: "chat", id }, xml("body", {}, "written on the bus")));
    const fromPhone = messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["body"] === "written on the bus"));
    const toPhone = await julietReplies(id, "alicex@localhost", "alice: written on the bus", "which bus?");
    assert.equal((toPhone["reply_to"] as Record<string, unknown> | undefined)?.["id"], fromPhone["id"], JSON.stringify(toPhone));
  });

  it("sends alice's native reply to juliet naming the line by the id juliet's client knows, with the quote as its fallback", async function () {
    const own = await juliet.sendMessage("alicex@localhost", "the gate is locked");
    const shown = messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["body"] === "the gate is locked"));
    await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "use the back door", reply_to: String(shown["id"]) });
    const reply: Element = await juliet.waitForMessage("alicex@localhost/switchboard", (stanza) => String(stanza.getChildText("body")).endsWith("use the back door"));
    const quote = "> juliet: the gate is locked\n";
    assert.equal(reply.getChildText("body"), `${quote}use the back door`);
    assert.deepEqual(reply.getChild("reply", REPLY)?.attrs, { xmlns: REPLY, to: "juliet@localhost", id: own });
    assert.deepEqual(reply.getChild("fallback", FALLBACK)?.getChild("body")?.attrs, { start: "0", end: String(Array.from(quote).length) });

    // A reply to her own line names it by the id juliet got it under, and alicex's JID.
    const sent = await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "I have a key" });
    const got = await juliet.waitForMessage("alicex@localhost/switchboard", (stanza) => stanza.getChildText("body") === "I have a key");
    await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "somewhere", reply_to: sent["message_id"] as string });
    const second = await juliet.waitForMessage("alicex@localhost/switchboard", (stanza) => String(stanza.getChildText("body")).endsWith("somewhere"));
    assert.deepEqual(second.getChild("reply", REPLY)?.attrs, { xmlns: REPLY, to: "alicex@localhost", id: got.attrs["id"] });
  });

  it("carries replies both ways in a MUC she joined through the account, naming lines by the room's stanza-id", async function () {
    const room = `xmpp://u.alice/${talk}`;
    await alice.ok({ type: "room.join", room }, 15_000);
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === undefined);
    const roomIdOf = (stanza: Element): string => {
      const id = stanza.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === talk)?.attrs["id"];
      assert.ok(typeof id === "string", stanza.toString());
      return id;
    };
    const heard = (body: string) => async (): Promise<Record<string, unknown>> => messageOf(await alice.waitForType("message", (frame) => String(messageOf(frame)["body"]).endsWith(body)));
    const julietAnswers = async (id: string, nick: string, quoted: string, answer: string): Promise<Record<string, unknown>> => {
      const quote = `> ${quoted}\n`;
      const fallback = xml("fallback", { xmlns: FALLBACK, for: REPLY }, xml("body", { start: "0", end: String(Array.from(quote).length) }));
      await juliet.send(xml("message", { to: talk, type: "groupchat", id: juliet.id("muc") }, xml("body", {}, `${quote}${answer}`), xml("reply", { xmlns: REPLY, to: `${talk}/${nick}`, id }), fallback));
      return heard(answer)();
    };

    // juliet's line, and her reply to it and to alice's.
    await juliet.send(xml("message", { to: talk, type: "groupchat", id: juliet.id("muc") }, xml("body", {}, "the lamps are lit")));
    const julietsLine = await juliet.waitForMessage(`${talk}/Juliet`, (stanza) => stanza.getChildText("body") === "the lamps are lit");
    const shown = await heard("the lamps are lit")();
    const toHers = await julietAnswers(roomIdOf(julietsLine), "Juliet", "Juliet: the lamps are lit", "all of them");
    assert.deepEqual([toHers["body"], (toHers["reply_to"] as Record<string, unknown> | undefined)?.["id"]], ["all of them", shown["id"]], JSON.stringify(toHers));
    const sent = await alice.ok({ type: "room.send", room, body: "I see them" });
    const alicesLine = await juliet.waitForMessage(`${talk}/alice`, (stanza) => stanza.getChildText("body") === "I see them");
    const toAlice = await julietAnswers(roomIdOf(alicesLine), "alice", "alice: I see them", "from the road?");
    assert.equal((toAlice["reply_to"] as Record<string, unknown> | undefined)?.["id"], sent["message_id"], JSON.stringify(toAlice));

    // alice's replies, to juliet's line and to her own.
    await alice.ok({ type: "room.send", room, body: "yes, from the road", reply_to: String(shown["id"]) });
    const reply = await juliet.waitForMessage(`${talk}/alice`, (stanza) => String(stanza.getChildText("body")).endsWith("yes, from the road"));
    const quote = "> Juliet: the lamps are lit\n";
    assert.equal(reply.getChildText("body"), `${quote}yes, from the road`);
    assert.deepEqual(reply.getChild("reply", REPLY)?.attrs, { xmlns: REPLY, to: `${talk}/Juliet`, id: roomIdOf(julietsLine) });
    assert.deepEqual(reply.getChild("fallback", FALLBACK)?.getChild("body")?.attrs, { start: "0", end: String(Array.from(quote).length) });
    await alice.ok({ type: "room.send", room, body: "I said so", reply_to: sent["message_id"] as string });
    const own = await juliet.waitForMessage(`${talk}/alice`, (stanza) => String(stanza.getChildText("body")).endsWith("I said so"));
    assert.deepEqual(own.getChild("reply", REPLY)?.attrs, { xmlns: REPLY, to: `${talk}/alice`, id: roomIdOf(alicesLine) });
  });
});
