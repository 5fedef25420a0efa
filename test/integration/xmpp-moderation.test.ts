/**
 * Moderation in the gateway's rooms against a real Prosody, with real @xmpp/client clients and native clients: the
 * room's owner removes an XMPP occupant's message with room.retract, an XMPP occupant who is an admin of the gateway
 * removes a native member's with XEP-0425 (urn:xmpp:message-moderate:1); everyone sees who moderated and why, the
 * archive, the history at a join and the native history keep a moderated tombstone; nobody else moderates. In a room
 * bridged to an ngIRCd channel an admin removes an IRC person's line for the native members, and IRC is sent nothing.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { uniqueUser } from "../helpers/daemon.js";
import type { Frame } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const RETRACT = "urn:xmpp:message-retract:1";
const MODERATE = "urn:xmpp:message-moderate:1";
const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";

async function joinMuc(user: XmppTestClient, occupantJid: string, history = "0"): Promise<void> {
  await user.send(xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: history }))));
  await user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === undefined && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110"), 10_000);
}

const line = (user: XmppTestClient, from: string, body: string): Promise<Element> =>
  user.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === from && stanza.getChildText("body") === body, 10_000, `"${body}" from ${from}`);
const roomStanzaId = (stanza: Element): string => String(stanza.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs["id"]);
const nativeMessage = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;
const moderateIq = (user: XmppTestClient, roomJid: string, id: string, reason?: string): Promise<Element> =>
  user.iq(xml("iq", { type: "set", to: roomJid }, xml("moderate", { xmlns: MODERATE, id }, xml("retract", { xmlns: RETRACT }), ...(reason === undefined ? [] : [xml("reason", {}, reason)]))));

/** The room's moderated retraction (XEP-0425 0.3): from the room itself, naming the message, the moderator and why. */
function moderation(user: XmppTestClient, roomJid: string): Promise<Element> {
  return user.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === roomJid && stanza.getChild("retract", RETRACT)?.getChild("moderated", MODERATE) !== undefined, 10_000, `a moderation from ${roomJid}`);
}

function moderationOf(retract: Element | undefined): [unknown, unknown, string | null | undefined] {
  return [retract?.attrs["id"], retract?.getChild("moderated", MODERATE)?.attrs["by"], retract?.getChildText("reason")];
}

describe("moderation in the gateway's rooms (XEP-0425)", function () {
  const adminName = uniqueUser("warden");
  const suite = useNetworks({ ircServer: "none", admins: [`xmpp:${adminName}@localhost`] });

  it("lets the room's owner remove an XMPP occupant's message with room.retract: occupants see the room's moderated retraction, members who moderated", async function () {
    const ownerName = uniqueUser("boss");
    const owner = await suite.nativeAs(ownerName, { register: true });
    const roomName = uniqueUser("agora");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${suite.prosody().componentDomain}`;
    const bob = await suite.native("bob");
    await bob.ok({ type: "room.join", room: roomName });
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    const kim = await suite.xmppUser("kim");
    await joinMuc(kim, `${roomJid}/Kim`);

    const info = await kim.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    assert.ok(info.getChild("query")?.getChildren("feature").some((feature) => feature.attrs["var"] === MODERATE), "the room announces XEP-0425");

    await juliet.send(xml("message", { to: roomJid, type: "groupchat", id: juliet.id("g") }, xml("body", {}, "cheap pills")));
    const atKim = await line(kim, `${roomJid}/Juliet`, "cheap pills");
    const spam = nativeMessage(await bob.waitForType("message", (frame) => nativeMessage(frame)["body"] === "cheap pills"));
    const spamId = String(spam["id"]);

    // A member who is neither its sender nor a moderator cannot; a reason is one line.
    assert.equal((await bob.request({ type: "room.retract", room: roomName, message_id: spamId }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await owner.request({ type: "room.retract", room: roomName, message_id: spamId, reason: "two\nlines" }))["code"], "GW_ERR_BAD_FRAME");

    await owner.ok({ type: "room.retract", room: roomName, message_id: spamId, reason: "spam" });
    const atBob = nativeMessage(await bob.waitForType("message", (frame) => nativeMessage(frame)["retracts"] !== undefined));
    assert.deepEqual([atBob["retracts"], atBob["from"], atBob["moderated"]], [spamId, `native:${ownerName}`, { by: ownerName, reason: "spam" }]);
    for (const [user, seen] of [[kim, atKim], [juliet, undefined]] as const) {
      const retract = (await moderation(user, roomJid)).getChild("retract", RETRACT);
      assert.deepEqual(moderationOf(retract), [seen === undefined ? spamId : roomStanzaId(seen), `${roomJid}/${ownerName}`, "spam"]);
      assert.ok(retract?.getChild("moderated", MODERATE)?.getChild("occupant-id", "urn:xmpp:occupant-id:0"), "the moderator's occupant id");
    }

    // Gone for good: neither retracted again nor corrected; the native history keeps a moderated tombstone.
    assert.equal((await owner.request({ type: "room.retract", room: roomName, message_id: spamId }))["code"], "GW_ERR_NOT_FOUND");
    const history = (await bob.ok({ type: "history", room: roomName }))["messages"] as Record<string, unknown>[];
    const tombstone = history.find((message) => message["id"] === spamId);
    assert.deepEqual([tombstone?.["body"], tombstone?.["retracted"], tombstone?.["moderated"]], ["", true, { by: ownerName, reason: "spam" }]);
  });

  it("takes XEP-0425 from an XMPP occupant who is an admin: native members see who moderated, the archive and a joiner's history keep the tombstone; others are refused", async function () {
    this.timeout(60_000);
    const ownerName = uniqueUser("host");
    const owner = await suite.nativeAs(ownerName, { register: true });
    const roomName = uniqueUser("forum");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${suite.prosody().componentDomain}`;
    const bob = await suite.native("bob");
    await bob.ok({ type: "room.join", room: roomName });
    const bobName = suite.nameOf(bob);
    const warden = await suite.xmppUserAs(adminName);
    await joinMuc(warden, `${roomJid}/Warden`);
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);

    const bobsId = (await bob.ok({ type: "room.send", room: roomName, body: "buy now" }))["message_id"] as string;
    const atJuliet = await line(juliet, `${roomJid}/${bobName}`, "buy now");
    assert.equal(roomStanzaId(atJuliet), bobsId);

    // An occupant who moderates nothing is forbidden; a stanza-id of no message here is item-not-found.
    await assert.rejects(moderateIq(juliet, roomJid, bobsId, "mine now"), /forbidden/);
    await assert.rejects(moderateIq(warden, roomJid, "00nothinghere000"), /item-not-found/);

    await moderateIq(warden, roomJid, bobsId, "advertising");
    const atOwner = nativeMessage(await owner.waitForType("message", (frame) => nativeMessage(frame)["retracts"] !== undefined));
    assert.deepEqual([atOwner["retracts"], atOwner["moderated"]], [bobsId, { by: "Warden", reason: "advertising" }]);
    assert.deepEqual(nativeMessage(await bob.waitForType("message", (frame) => nativeMessage(frame)["retracts"] !== undefined))["moderated"], { by: "Warden", reason: "advertising" });
    assert.deepEqual(moderationOf((await moderation(juliet, roomJid)).getChild("retract", RETRACT)), [bobsId, `${roomJid}/Warden`, "advertising"]);

    // The archive (XEP-0313) keeps a moderated tombstone in place of the words.
    const before = juliet.transcript.length;
    await juliet.iq(xml("iq", { type: "set", to: roomJid }, xml("query", { xmlns: "urn:xmpp:mam:2" })));
    const results = juliet.transcript.slice(before).flatMap((stanza) => stanza.getChild("result", "urn:xmpp:mam:2") ?? []);
    const archived = results.find((result) => result.attrs["id"] === bobsId)?.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message");
    assert.equal(archived?.getChildText("body"), null);
    const retracted = archived?.getChild("retracted", RETRACT);
    assert.deepEqual([retracted?.getChild("moderated", MODERATE)?.attrs["by"], retracted?.getChildText("reason")], [`${roomJid}/Warden`, "advertising"]);

    // So does the history a joining occupant gets.
    const lee = await suite.xmppUser("lee");
    const atJoin = lee.waitFor((stanza) => stanza.is("message") && roomStanzaId(stanza) === bobsId && stanza.getChild("delay", "urn:xmpp:delay") !== undefined, 10_000, "the tombstone in the history");
    await joinMuc(lee, `${roomJid}/Lee`, "10");
    const joined = (await atJoin).getChild("retracted", RETRACT);
    assert.deepEqual([joined?.getChild("moderated", MODERATE)?.attrs["by"], joined?.getChildText("reason")], [`${roomJid}/Warden`, "advertising"]);
  });
});

describe("moderation in a room bridged to an IRC channel", function () {
  const adminName = uniqueUser("sheriff");
  const suite = useNetworks({ admins: [`native:${adminName}`], ircYaml: ["channels:", '  - channel: "#modded"', "    room: modded"] });

  it("lets an admin remove an IRC person's line for the room's native members, and sends IRC nothing", async function () {
    const admin = await suite.nativeAs(adminName, { register: true });
    await admin.ok({ type: "room.join", room: "modded" });
    const carol = await suite.native("carol");
    await carol.ok({ type: "room.join", room: "modded" });
    const bob = await suite.ircUser("bob");
    await bob.join("#modded");
    bob.privmsg("#modded", "buy pills");
    const spam = nativeMessage(await carol.waitForType("message", (frame) => nativeMessage(frame)["body"] === "buy pills", 10_000));
    await admin.waitForType("message", (frame) => nativeMessage(frame)["body"] === "buy pills", 10_000);

    assert.equal((await carol.request({ type: "room.retract", room: "modded", message_id: String(spam["id"]) }))["code"], "GW_ERR_FORBIDDEN");
    await admin.ok({ type: "room.retract", room: "modded", message_id: String(spam["id"]), reason: "spam" });
    const seen = nativeMessage(await carol.waitForType("message", (frame) => nativeMessage(frame)["retracts"] !== undefined));
    assert.deepEqual([seen["retracts"], seen["moderated"]], [spam["id"], { by: adminName, reason: "spam" }]);

    await carol.ok({ type: "room.send", room: "modded", body: "after it" });
    const next = await bob.waitFor((message) => message.command === "PRIVMSG" && message.params[0]?.toLowerCase() === "#modded", 10_000, "the next line in #modded");
    assert.match(next.params[1] ?? "", /after it$/, "IRC got nothing for the moderation");
  });
});
