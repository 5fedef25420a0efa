/**
 * XEP-0421 occupant ids in the gateway's rooms as MUCs, against a real Prosody: every occupant presence and every
 * message from an occupant (live, history at join, archive results) names the person behind it, the same across nick
 * changes, rejoins and a restart of the daemon, another for another person or in another room, and telling nothing
 * of who they are; an occupant id a client puts into its own line is not passed on.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import type { Element } from "@xmpp/xml";
import { uniqueUser } from "../helpers/daemon.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const OCCUPANT_ID = "urn:xmpp:occupant-id:0";
const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";
const MAM = "urn:xmpp:mam:2";

/** The one occupant id of a stanza (it must carry exactly one, XEP-0421 section 4). */
function occupantIdOf(stanza: Element): string {
  const ids = stanza.getChildren("occupant-id", OCCUPANT_ID);
  assert.equal(ids.length, 1, `one occupant id in ${stanza.toString()}`);
  const id = ids[0]?.attrs["id"];
  assert.equal(typeof id, "string");
  return String(id);
}

const available = (stanza: Element): boolean => stanza.attrs["type"] === undefined;
const own = (stanza: Element): boolean => available(stanza) && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110");

/** Joins and resolves with the joiner's own presence once in, and the history with it: after the subject, the join's last stanza (XEP-0045 7.2.15). */
async function join(user: XmppTestClient, occupantJid: string, history?: Record<string, string>): Promise<Element> {
  await user.send(xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC }, ...(history === undefined ? [] : [xml("history", history)]))));
  const self = await user.waitForPresence(occupantJid, own, 10_000);
  const roomJid = occupantJid.slice(0, occupantJid.indexOf("/"));
  await user.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === roomJid && stanza.getChild("subject") !== undefined, 10_000, "the subject");
  return self;
}

describe("occupant ids in the gateway's rooms (XEP-0421), against Prosody", function () {
  const { prosody, daemon, nativeAs, xmppUserAs } = useNetworks({ ircServer: "none" });
  const roomJidOf = (name: string): string => `#${name}@${prosody().componentDomain}`;

  it("names the person behind each occupant presence and message: the same across a nick change, another for another person or room, never their address", async function () {
    this.timeout(60_000);
    const hostName = uniqueUser("idhost");
    const host = await nativeAs(hostName, { register: true });
    const [roomName, otherRoomName] = [uniqueUser("ids"), uniqueUser("idsother")];
    await host.ok({ type: "room.create", name: roomName });
    await host.ok({ type: "room.create", name: otherRoomName });
    const roomJid = roomJidOf(roomName);
    const julietName = uniqueUser("juliet");
    const juliet = await xmppUserAs(julietName);
    const romeo = await xmppUserAs(uniqueUser("romeo"));

    // The room says it marks who is behind each occupant, so clients may trust the ids (XEP-0421 section 2), and so
    // does the service, every room of which does (section 4).
    for (const jid of [roomJid, prosody().componentDomain]) {
      const info = await juliet.iq(xml("iq", { type: "get", to: jid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
      const features = (info.getChild("query")?.getChildren("feature") ?? []).map((feature) => String(feature.attrs["var"]));
      assert.ok(features.includes(OCCUPANT_ID), `${jid}: ${features.join(", ")}`);
    }

    const hostAtJoin = juliet.waitForPresence(`${roomJid}/${hostName}`, available);
    const julietId = occupantIdOf(await join(juliet, `${roomJid}/Juliet`));
    const hostId = occupantIdOf(await hostAtJoin);
    const julietAtRomeo = romeo.waitForPresence(`${roomJid}/Juliet`, available);
    const romeoId = occupantIdOf(await join(romeo, `${roomJid}/Romeo`));
    assert.equal(occupantIdOf(await julietAtRomeo), julietId, "everyone sees one person under one id");
    assert.equal(occupantIdOf(await juliet.waitForPresence(`${roomJid}/Romeo`, available)), romeoId);
    assert.equal(new Set([julietId, romeoId, hostId]).size, 3, "one id each");
    for (const id of [julietId, romeoId, hostId]) {
      assert.match(id, /^[A-Za-z0-9_-]{1,128}$/);
      for (const name of [julietName, hostName, juliet.bareJid]) assert.ok(!id.toLowerCase().includes(name.toLowerCase()), `${id} tells nothing of ${name}`);
    }

    // Her line (with an occupant id of her own making, even one claiming to be Romeo) comes with hers, once.
    await juliet.send(xml("message", { to: roomJid, type: "groupchat", id: "forged-1" }, xml("body", {}, "it is I, Romeo"), xml("occupant-id", { xmlns: OCCUPANT_ID, id: romeoId })));
    const line = await romeo.waitForMessage(`${roomJid}/Juliet`, (stanza) => stanza.getChildText("body") === "it is I, Romeo");
    assert.equal(occupantIdOf(line), julietId);
    assert.equal(occupantIdOf(await juliet.waitForMessage(`${roomJid}/Juliet`, (stanza) => stanza.attrs["id"] === "forged-1")), julietId, "the reflection too");
    await host.ok({ type: "room.send", room: roomName, body: "from the native side" });
    assert.equal(occupantIdOf(await romeo.waitForMessage(`${roomJid}/${hostName}`, (stanza) => stanza.getChildText("body") === "from the native side")), hostId);

    // His typing and a private message of his to her nick come with his.
    await romeo.send(xml("message", { to: roomJid, type: "groupchat" }, xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" })));
    assert.equal(occupantIdOf(await juliet.waitFor((stanza) => stanza.attrs["from"] === `${roomJid}/Romeo` && stanza.getChild("composing") !== undefined)), romeoId);
    await romeo.sendMessage(`${roomJid}/Juliet`, "just for you");
    assert.equal(occupantIdOf(await juliet.waitForMessage(`${roomJid}/Romeo`, (stanza) => stanza.getChildText("body") === "just for you")), romeoId);

    // Another nick, the same person: both halves of the change and her next line carry her id.
    await juliet.send(xml("presence", { to: `${roomJid}/Jules` }));
    assert.equal(occupantIdOf(await romeo.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable")), julietId);
    assert.equal(occupantIdOf(await romeo.waitForPresence(`${roomJid}/Jules`, available)), julietId);
    assert.equal(occupantIdOf(await juliet.waitForPresence(`${roomJid}/Jules`, own)), julietId);
    await juliet.sendMessage(roomJid, "still me", "groupchat");
    assert.equal(occupantIdOf(await romeo.waitForMessage(`${roomJid}/Jules`, (stanza) => stanza.getChildText("body") === "still me")), julietId);

    // Another room: another id for the same person, so that her rooms cannot be matched up by it.
    const elsewhere = occupantIdOf(await join(juliet, `${roomJidOf(otherRoomName)}/Juliet`));
    assert.notEqual(elsewhere, julietId);

    // Leaving: the unavailable presence is hers too.
    await juliet.send(xml("presence", { to: `${roomJid}/Jules`, type: "unavailable" }));
    assert.equal(occupantIdOf(await romeo.waitForPresence(`${roomJid}/Jules`, (stanza) => stanza.attrs["type"] === "unavailable")), julietId);
    const fromRoom = romeo.transcript.filter((stanza) => String(stanza.attrs["from"]).startsWith(`${roomJid}/`));
    assert.ok(fromRoom.length > 0 && fromRoom.every((stanza) => !stanza.toString().includes(juliet.bareJid)), "her JID is nowhere in what the room sent");
  });

  it("keeps each person's id across a rejoin and a restart of the daemon, on history at join and archive results too", async function () {
    this.timeout(60_000);
    const hostName = uniqueUser("keephost");
    const host = await nativeAs(hostName, { register: true });
    const roomName = uniqueUser("keepids");
    await host.ok({ type: "room.create", name: roomName });
    const roomJid = roomJidOf(roomName);
    const juliet = await xmppUserAs(uniqueUser("juliet"));

    const hostAtJoin = juliet.waitForPresence(`${roomJid}/${hostName}`, available);
    const julietId = occupantIdOf(await join(juliet, `${roomJid}/Juliet`, { maxstanzas: "0" }));
    const hostId = occupantIdOf(await hostAtJoin);
    await juliet.sendMessage(roomJid, "before the restart", "groupchat");
    await juliet.waitForMessage(`${roomJid}/Juliet`, (stanza) => stanza.getChildText("body") === "before the restart");
    await host.ok({ type: "room.send", room: roomName, body: "host before the restart" });
    await juliet.waitForMessage(`${roomJid}/${hostName}`, (stanza) => stanza.getChildText("body") === "host before the restart");

    await daemon().stop("SIGTERM");
    await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable");
    await daemon().start();
    await daemon().waitForLog(/XMPP component online/);

    // Joining again, under another nick: the same ids, on the presences and on the history the join brings.
    const hostAgain = juliet.waitForPresence(`${roomJid}/${hostName}`, available);
    assert.equal(occupantIdOf(await join(juliet, `${roomJid}/Julie`)), julietId);
    assert.equal(occupantIdOf(await hostAgain), hostId);
    const history = juliet.transcript.filter((stanza) => stanza.is("message") && stanza.getChild("delay", "urn:xmpp:delay") !== undefined && String(stanza.attrs["from"]).startsWith(`${roomJid}/`));
    const historyIds = new Map(history.map((stanza) => [stanza.getChildText("body"), occupantIdOf(stanza)]));
    assert.deepEqual([historyIds.get("before the restart"), historyIds.get("host before the restart")], [julietId, hostId]);

    // The room's archive (XEP-0313): each result's message with its sender's id.
    const queryId = juliet.id("q");
    const before = juliet.transcript.length;
    await juliet.iq(xml("iq", { type: "set", to: roomJid }, xml("query", { xmlns: MAM, queryid: queryId })), 10_000);
    const archived = juliet.transcript.slice(before).flatMap((stanza) => {
      const message = stanza.getChild("result", MAM)?.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message");
      return message === undefined ? [] : [[message.getChildText("body"), occupantIdOf(message)] as const];
    });
    assert.deepEqual(new Map(archived).get("before the restart"), julietId);
    assert.deepEqual(new Map(archived).get("host before the restart"), hostId);
  });
});
