/**
 * XEP-0461 Message Replies with their XEP-0428 fallback through the XMPP component against a real Prosody, with real
 * @xmpp/client clients, and a gateway room bridged to an ngIRCd channel: an XMPP user's reply reaches native users
 * naming the answered message, without its quote; a native user's reply reaches her as <reply/> naming the id she got
 * the answered message with, its quote marked as a fallback; IRC users see a quote line before the answer.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Frame } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const REPLY = "urn:xmpp:reply:0";
const FALLBACK = "urn:xmpp:fallback:0";
const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";

const nativeMessage = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;

async function joinMuc(user: XmppTestClient, occupantJid: string): Promise<void> {
  await user.send(xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "0" }))));
  await user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === undefined && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110"), 10_000);
}

/** A reply as Conversations sends it: the quote at the start of the body, marked as the reply's fallback. */
function replyStanza(to: string, type: string, id: string, answered: { to: string; id: string }, quote: string, answer: string): ReturnType<typeof xml> {
  return xml(
    "message",
    { to, type, id },
    xml("body", {}, `${quote}${answer}`),
    xml("reply", { xmlns: REPLY, to: answered.to, id: answered.id }),
    xml("fallback", { xmlns: FALLBACK, for: REPLY }, xml("body", { start: "0", end: String(Array.from(quote).length) })),
  );
}

describe("message replies (XEP-0461) through the XMPP component", function () {
  const suite = useNetworks({ ircYaml: ["channels:", '  - channel: "#answers"', "    room: answers"] });
  const gatewayJid = (name: string): string => `${name}@${suite.prosody().componentDomain}`;

  it("carries an XMPP user's reply in a chat to the native user, naming the answered message, without the quote", async function () {
    const romeo = await suite.native("romeo");
    const juliet = await suite.xmppUser("juliet");
    const romeoJid = gatewayJid(suite.nameOf(romeo));
    const asked = (await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "dinner at 8? 🍝" }))["message_id"] as string;
    const got = await juliet.waitForMessage(romeoJid, (stanza) => stanza.getChildText("body") === "dinner at 8? 🍝");
    await juliet.send(replyStanza(romeoJid, "chat", juliet.id("r"), { to: romeoJid, id: String(got.attrs["id"]) }, `> ${suite.nameOf(romeo)}: dinner at 8? 🍝\n`, "yes 🙂"));
    const reply = nativeMessage(await romeo.waitForType("message"));
    assert.equal(reply["body"], "yes 🙂");
    assert.deepEqual(reply["reply_to"], { id: asked, to: `native:${suite.nameOf(romeo)}` });
  });

  it("carries a native user's reply to the XMPP user as <reply/> naming the id she got, with a quote marked as its fallback", async function () {
    const romeo = await suite.native("romeo");
    const juliet = await suite.xmppUser("juliet");
    const romeoJid = gatewayJid(suite.nameOf(romeo));
    const herId = await juliet.sendMessage(romeoJid, "are you there?");
    const hers = nativeMessage(await romeo.waitForType("message"));
    await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "I am", reply_to: hers["id"] as string });
    const reply = await juliet.waitForMessage(romeoJid, (stanza) => stanza.getChild("reply", REPLY) !== undefined);
    assert.deepEqual([reply.getChild("reply", REPLY)?.attrs["id"], reply.getChild("reply", REPLY)?.attrs["to"]], [herId, juliet.bareJid]);
    const quote = `> ${juliet.bareJid.split("@")[0] ?? ""}: are you there?\n`;
    assert.equal(reply.getChildText("body"), `${quote}I am`);
    const range = reply.getChild("fallback", FALLBACK)?.getChild("body");
    assert.deepEqual([range?.attrs["start"], range?.attrs["end"]], ["0", String(Array.from(quote).length)]);
    assert.equal((await romeo.request({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "?", reply_to: "m0000000000zz" }))["code"], "GW_ERR_NOT_FOUND");
  });

  it("carries an occupant's reply in a gateway MUC to the native room with reply_to, and to IRC after a quote line", async function () {
    this.timeout(60_000);
    const roomJid = `#answers@${suite.prosody().componentDomain}`;
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: "answers" });
    const aliceName = suite.nameOf(alice);
    const bob = await suite.ircUser("bob");
    await bob.join("#answers");
    const puppet = `${juliet.bareJid.split("@")[0] ?? ""}[sb]`.toLowerCase();

    const asked = (await alice.ok({ type: "room.send", room: "answers", body: "who brings the cake?" }))["message_id"] as string;
    const atJuliet = await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === "who brings the cake?", 10_000, "alice's line");
    const stanzaId = String(atJuliet.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs["id"]);
    await juliet.send(replyStanza(roomJid, "groupchat", juliet.id("g"), { to: `${roomJid}/${aliceName}`, id: stanzaId }, `> ${aliceName}: who brings the cake?\n`, "I do"));
    const reply = nativeMessage(await alice.waitForType("message", (frame) => nativeMessage(frame)["body"] === "I do", 10_000));
    assert.deepEqual(reply["reply_to"], { id: asked, to: `native:${aliceName}` });
    const lines: string[] = [];
    await bob.waitFor((message) => {
      if (message.command === "PRIVMSG" && message.nick?.toLowerCase() === puppet) lines.push(message.params[1] ?? "");
      return lines.length === 2;
    }, 10_000, "two lines from juliet's puppet");
    assert.deepEqual(lines, [`> ${aliceName}: who brings the cake?`, "I do"]);

    // And back: alice answers juliet's line; juliet's client is named it by the room's stanza-id she saw on her reflection.
    const reflected = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${roomJid}/Juliet` && stanza.getChildText("body")?.endsWith("I do") === true, 10_000, "juliet's reflection");
    await alice.ok({ type: "room.send", room: "answers", body: "thanks!", reply_to: reply["id"] as string });
    const answer = await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChild("reply", REPLY) !== undefined && stanza.attrs["from"] === `${roomJid}/${aliceName}`, 10_000, "alice's reply");
    assert.deepEqual([answer.getChild("reply", REPLY)?.attrs["id"], answer.getChild("reply", REPLY)?.attrs["to"]], [String(reflected.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs["id"]), `${roomJid}/Juliet`]);
    assert.equal(answer.getChildText("body"), "> Juliet: I do\nthanks!");
  });
});
