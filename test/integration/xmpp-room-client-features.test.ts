/**
 * What XMPP clients do in a gateway room beyond talking, against a real Prosody and a real ngIRCd started by the
 * test: XEP-0308 corrections by occupants reach the other occupants, native members and the bridged IRC channel as
 * a correction of the line they saw, each under the id they know it by (one of a message the gateway does not know
 * is a new message); XEP-0085 chat states pass between occupants; a kick from a MUC client of someone in the bridged
 * IRC channel is refused (they are not the room's members).
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { Frame } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const CORRECTION = "urn:xmpp:message-correct:0";
const CHAT_STATES = "http://jabber.org/protocol/chatstates";
const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";

async function joinMuc(user: XmppTestClient, occupantJid: string): Promise<void> {
  await user.send(xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "0" }))));
  await user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === undefined && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110"), 10_000);
}

async function groupchat(user: XmppTestClient, roomJid: string, body: string, replaces?: string): Promise<string> {
  const id = user.id("g");
  await user.send(xml("message", { to: roomJid, type: "groupchat", id }, xml("body", {}, body), ...(replaces === undefined ? [] : [xml("replace", { xmlns: CORRECTION, id: replaces })])));
  return id;
}

function line(user: XmppTestClient, from: string, body: string): Promise<Element> {
  return user.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === from && stanza.getChildText("body") === body, 10_000, `"${body}" from ${from}`);
}

const replaceId = (stanza: Element): string | undefined => stanza.getChild("replace", CORRECTION)?.attrs["id"] as string | undefined;
const nativeMessage = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;

describe("XMPP clients in gateway rooms: corrections (XEP-0308) and chat states (XEP-0085)", function () {
  const adminName = uniqueUser("op");
  const suite = useNetworks({ ircYaml: ["channels:", '  - channel: "#fix"', "    room: fix"], admins: [`xmpp:${adminName}@localhost`] });

  it("reach the other occupants, native members and the bridged IRC channel as corrections of the line each saw", async function () {
    this.timeout(60_000);
    const roomJid = `#fix@${suite.prosody().componentDomain}`;
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    const kim = await suite.xmppUser("kim");
    await joinMuc(kim, `${roomJid}/Kim`);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: "fix" });
    const bob = await suite.ircUser("bob");
    await bob.join("#fix");
    const puppet = `${juliet.bareJid.split("@")[0] ?? ""}[sb]`.toLowerCase();
    const fromJuliet = (text: string) => bob.waitFor((message) => message.command === "PRIVMSG" && message.nick?.toLowerCase() === puppet && message.params[1] === text, 10_000, `"${text}" from juliet's puppet`);

    const originalId = await groupchat(juliet, roomJid, "helo everyone");
    const reflected = await line(juliet, `${roomJid}/Juliet`, "helo everyone");
    assert.equal(reflected.attrs["id"], originalId);
    const atKim = await line(kim, `${roomJid}/Juliet`, "helo everyone");
    const atAlice = nativeMessage(await alice.waitForType("message", (frame) => nativeMessage(frame)["body"] === "helo everyone", 10_000));
    await fromJuliet("helo everyone");

    await groupchat(juliet, roomJid, "hello everyone", originalId);
    // Her own sessions: a correction of the stanza id her client gave the original.
    assert.equal(replaceId(await line(juliet, `${roomJid}/Juliet`, "hello everyone")), originalId);
    // Other occupants and native members: of the id they got it under (the gateway id); IRC: a line marked "* ".
    assert.equal(replaceId(await line(kim, `${roomJid}/Juliet`, "hello everyone")), atKim.attrs["id"]);
    const corrected = nativeMessage(await alice.waitForType("message", (frame) => nativeMessage(frame)["body"] === "hello everyone", 10_000));
    assert.equal(corrected["replaces"], atAlice["id"]);
    assert.equal(corrected["replaces"], atKim.attrs["id"], "one gateway id for both");
    await fromJuliet("* hello everyone");

    // A correction sent right after its line, before the gateway is done accepting the line, is a correction too.
    const typoId = await groupchat(juliet, roomJid, "brb, cofee");
    await groupchat(juliet, roomJid, "brb, coffee", typoId);
    const typoAtKim = await line(kim, `${roomJid}/Juliet`, "brb, cofee");
    assert.equal(replaceId(await line(kim, `${roomJid}/Juliet`, "brb, coffee")), typoAtKim.attrs["id"]);
    await fromJuliet("brb, cofee");
    await fromJuliet("* brb, coffee");

    // A correction of a message the gateway does not know (another client's, one from before a restart) is a new line.
    await groupchat(juliet, roomJid, "a line of its own", "unknown-id");
    assert.equal(replaceId(await line(kim, `${roomJid}/Juliet`, "a line of its own")), undefined);
    await fromJuliet("a line of its own");
  });

  it("passes an occupant's chat states to the other occupants, as a MUC does", async function () {
    this.timeout(30_000);
    const roomJid = `#fix@${suite.prosody().componentDomain}`;
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Romy`);
    const kim = await suite.xmppUser("kim");
    await joinMuc(kim, `${roomJid}/Kit`);
    await juliet.send(xml("message", { to: roomJid, type: "groupchat" }, xml("composing", { xmlns: CHAT_STATES })));
    const typing = await kim.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${roomJid}/Romy` && stanza.getChild("composing", CHAT_STATES) !== undefined, 10_000, "romy typing");
    assert.equal(typing.attrs["type"], "groupchat");
    await juliet.send(xml("message", { to: roomJid, type: "groupchat" }, xml("paused", { xmlns: CHAT_STATES })));
    await kim.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${roomJid}/Romy` && stanza.getChild("paused", CHAT_STATES) !== undefined, 10_000, "romy paused");
    assert.ok(!juliet.transcript.some((stanza) => stanza.is("message") && stanza.attrs["type"] === "error"), "no error for a chat state");
  });
  it("takes a correction of a message sent before the gateway restarted as a correction, from the log", async function () {
    this.timeout(60_000);
    const roomJid = `#fix@${suite.prosody().componentDomain}`;
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Jules`);
    const kim = await suite.xmppUser("kim");
    await joinMuc(kim, `${roomJid}/Kimberly`);
    const originalId = await groupchat(juliet, roomJid, "see you tomorow");
    const atKim = await line(kim, `${roomJid}/Jules`, "see you tomorow");
    // A line corrected before the restart, read back from the archive after it.
    const lunchId = await groupchat(juliet, roomJid, "lunch at noon?");
    const lunchAtKim = await line(kim, `${roomJid}/Jules`, "lunch at noon?");
    await groupchat(juliet, roomJid, "lunch at one?", lunchId);
    await line(kim, `${roomJid}/Jules`, "lunch at one?");
    await suite.daemon().restart();
    await suite.daemon().waitForLog(/XMPP component online/);
    await suite.daemon().waitForLog(/IRC network online/);
    // Their clients join again (the gateway forgot its occupants), asking for the room's history: the correction in it
    // names the line as each knows it, as live. Then she corrects the line she sent before.
    const historyLine = (user: XmppTestClient) => user.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === "lunch at one?" && stanza.getChild("delay", "urn:xmpp:delay") !== undefined, 10_000, "the correction in the history");
    const julietsHistory = historyLine(juliet);
    await juliet.send(xml("presence", { to: `${roomJid}/Jules` }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "10" }))));
    assert.equal(replaceId(await julietsHistory), lunchId, "her client's id of the original, after the restart too");
    const kimsHistory = historyLine(kim);
    await kim.send(xml("presence", { to: `${roomJid}/Kimberly` }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "10" }))));
    assert.equal(replaceId(await kimsHistory), lunchAtKim.attrs["id"], "the gateway id kim saw it under");
    await groupchat(juliet, roomJid, "see you tomorrow", originalId);
    assert.equal(replaceId(await line(kim, `${roomJid}/Jules`, "see you tomorrow")), atKim.attrs["id"]);
    assert.equal(replaceId(await line(juliet, `${roomJid}/Jules`, "see you tomorrow")), originalId);
    // In the archive each reads the earlier correction as naming the line as they know it.
    const archivedCorrection = async (user: XmppTestClient): Promise<string | undefined> => {
      const before = user.transcript.length;
      await user.iq(xml("iq", { type: "set", to: roomJid }, xml("query", { xmlns: "urn:xmpp:mam:2" }, xml("set", { xmlns: "http://jabber.org/protocol/rsm" }, xml("max", {}, "10"), xml("before")))));
      const copy = user.transcript
        .slice(before)
        .map((stanza) => stanza.getChild("result", "urn:xmpp:mam:2")?.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message"))
        .find((message) => message?.getChildText("body") === "lunch at one?");
      return copy === undefined ? undefined : replaceId(copy);
    };
    assert.equal(await archivedCorrection(juliet), lunchId, "her client's id of the original");
    assert.equal(await archivedCorrection(kim), lunchAtKim.attrs["id"], "the gateway id kim saw it under");
  });

  it("refuses a kick from a MUC client of someone in the bridged IRC channel as not-allowed: the channel's operators kick there", async function () {
    this.timeout(30_000);
    const roomJid = `#fix@${suite.prosody().componentDomain}`;
    const admin = await XmppTestClient.newUser(suite.prosody(), adminName, PASSWORD);
    try {
      await joinMuc(admin, `${roomJid}/Op`);
      const bob = await suite.ircUser("bob");
      await bob.join("#fix");
      bob.privmsg("#fix", "you cannot kick me from there");
      await line(admin, `${roomJid}/${bob.nick}`, "you cannot kick me from there");
      const kick = admin.iq(xml("iq", { type: "set", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/muc#admin" }, xml("item", { nick: bob.nick, role: "none" }))));
      await assert.rejects(kick, /not-allowed/);
      bob.privmsg("#fix", "still here");
      await line(admin, `${roomJid}/${bob.nick}`, "still here");
    } finally {
      await admin.stop();
    }
  });
});
