/**
 * Native rooms as MUCs on the gateway's domain (XEP-0045 as a client sees it), against a real Prosody: occupants,
 * messages and subjects both ways, nick changes and conflicts, kicks by owners and admins, history at join, the
 * shutdown status and occupants left over from a killed daemon. The component's buddies and chats:
 * xmpp-component.test.ts.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";
import type { Element } from "@xmpp/xml";

const MUC_USER = "http://jabber.org/protocol/muc#user";
const TEXT = "Grüße, 世界 👋🏽 <&> \"quotes\"";

describe("the gateway's rooms as MUCs, against Prosody", function () {
  // An admin of the gateway on XMPP: may kick from any room (XEP-0045 8.2, through muc#admin).
  const adminName = uniqueUser("chanop");
  const { prosody, daemon, nativeAs, xmppUserAs: xmppUser, closing } = useNetworks({ ircServer: "none", admins: [`xmpp:${adminName}@localhost`] });

  function native(name: string): Promise<NativeClient> {
    return nativeAs(name, { register: true });
  }

  it("lets a room's owner put a member out (room.kick): an XMPP occupant sees itself kicked (307, actor, reason), everyone is told, and they may join again", async function () {
    const ownerName = uniqueUser("boss");
    const owner = await native(ownerName);
    const roomName = uniqueUser("club");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const juliet = await xmppUser(uniqueUser("guest"));
    await juliet.send(xml("presence", { to: `${roomJid}/Juliet` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await juliet.waitForPresence(`${roomJid}/Juliet`);
    const bobName = uniqueUser("bob");
    const bob = await native(bobName);
    await bob.ok({ type: "room.join", room: roomName });
    const julietAddress = `xmpp:${juliet.bareJid}`;

    // Only the owner: a member is refused, and nobody kicks themself, a stranger or someone not in the room.
    assert.equal((await bob.request({ type: "room.kick", room: roomName, member: julietAddress }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await owner.request({ type: "room.kick", room: roomName, member: `native:${ownerName}` }))["code"], "GW_ERR_BAD_FRAME");
    assert.equal((await owner.request({ type: "room.kick", room: roomName, member: "native:nobodyhere" }))["code"], "GW_ERR_NOT_FOUND");
    assert.equal((await owner.request({ type: "room.kick", room: roomName, member: julietAddress, reason: "bad\u0007" }))["code"], "GW_ERR_BAD_FRAME");

    await owner.ok({ type: "room.kick", room: roomName, member: julietAddress, reason: "spam" });
    const out = await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable");
    const x = out.getChild("x", "http://jabber.org/protocol/muc#user");
    assert.deepEqual((x?.getChildren("status") ?? []).map((status) => status.attrs["code"]).sort(), ["110", "307"]);
    assert.deepEqual([x?.getChild("item")?.getChild("actor")?.attrs["nick"], x?.getChild("item")?.getChildText("reason")], [ownerName, "spam"]);
    const atBob = await bob.waitForType("room.member", (frame) => frame["event"] === "left");
    assert.deepEqual([(atBob["member"] as Record<string, unknown>)["address"], atBob["kicked"]], [julietAddress, { by: ownerName, reason: "spam" }]);
    const members = await owner.ok({ type: "room.members", room: roomName });
    assert.ok(!(members["members"] as Record<string, unknown>[]).some((member) => member["address"] === julietAddress), "out of the room");
    await juliet.sendMessage(roomJid, "still here?", "groupchat");
    await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["type"] === "error", 5000, "her line refused");

    // A native member kicked is told in their own session.
    await owner.ok({ type: "room.kick", room: roomName, member: `native:${bobName}` });
    const own = await bob.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Record<string, unknown>)["address"] === `native:${bobName}`);
    assert.deepEqual(own["kicked"], { by: ownerName, reason: "" });
    assert.equal((await bob.request({ type: "room.send", room: roomName, body: "hello?" }))["code"], "GW_ERR_NOT_MEMBER");

    // Joining again is allowed.
    await juliet.send(xml("presence", { to: `${roomJid}/Juliet` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === undefined);
    await bob.ok({ type: "room.join", room: roomName });
  });

  it("lets an admin kick from a MUC client (muc#admin, role none): the occupant sees itself kicked, native members are told, and anyone else is refused", async function () {
    const ownerName = uniqueUser("host");
    const owner = await native(ownerName);
    const roomName = uniqueUser("hall");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const itemOf = (presence: Element): [unknown, unknown] => {
      const item = presence.getChild("x", MUC_USER)?.getChild("item");
      return [item?.attrs["affiliation"], item?.attrs["role"]];
    };
    const join = async (client: XmppTestClient, nick: string): Promise<Element> => {
      await client.send(xml("presence", { to: `${roomJid}/${nick}` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      return client.waitForPresence(`${roomJid}/${nick}`, (stanza) => stanza.attrs["type"] === undefined);
    };
    const admin = await xmppUser(adminName);
    // The admin is shown as an admin and moderator of the room, so that MUC clients offer the kick; others as members.
    assert.deepEqual(itemOf(await join(admin, "Mod")), ["admin", "moderator"]);
    const juliet = await xmppUser(uniqueUser("guest"));
    const seenMod = juliet.waitForPresence(`${roomJid}/Mod`, (stanza) => stanza.attrs["type"] === undefined);
    assert.deepEqual(itemOf(await join(juliet, "Juliet")), ["member", "participant"]);
    assert.deepEqual(itemOf(await seenMod), ["admin", "moderator"]);
    // Still so when their show changes (XEP-0045 7.7).
    const away = juliet.waitForPresence(`${roomJid}/Mod`, (stanza) => stanza.getChildText("show") === "away");
    await admin.send(xml("presence", { to: `${roomJid}/Mod` }, xml("show", {}, "away")));
    assert.deepEqual(itemOf(await away), ["admin", "moderator"]);
    const bobName = uniqueUser("bob");
    const bob = await native(bobName);
    await bob.ok({ type: "room.join", room: roomName });
    const kick = (client: XmppTestClient, nick: string, reason?: string, role = "none") =>
      client.iq(xml("iq", { type: "set", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/muc#admin" }, xml("item", { nick, role }, ...(reason === undefined ? [] : [xml("reason", {}, reason)])))));

    // Only the room's owner or an admin; nobody kicks themself or a nick nobody has; other changes are not taken.
    await assert.rejects(kick(juliet, bobName), /forbidden/);
    await assert.rejects(kick(admin, "Mod"), /conflict/);
    await assert.rejects(kick(admin, "nobody-here"), /item-not-found/);
    await assert.rejects(kick(admin, "Juliet", undefined, "visitor"), /feature-not-implemented/);
    await assert.rejects(admin.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/muc#admin" }, xml("item", { affiliation: "member" })))), /feature-not-implemented/);

    await kick(admin, "Juliet", "flooding");
    const out = await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable");
    const x = out.getChild("x", MUC_USER);
    assert.deepEqual((x?.getChildren("status") ?? []).map((status) => status.attrs["code"]).sort(), ["110", "307"]);
    assert.deepEqual([x?.getChild("item")?.getChild("actor")?.attrs["nick"], x?.getChild("item")?.getChildText("reason")], ["Mod", "flooding"]);
    await admin.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable" && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "307"));
    const atBob = await bob.waitForType("room.member", (frame) => frame["event"] === "left");
    assert.deepEqual([(atBob["member"] as Record<string, unknown>)["address"], atBob["kicked"]], [`xmpp:${juliet.bareJid}`, { by: "Mod", reason: "flooding" }]);

    await kick(admin, bobName);
    const own = await bob.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Record<string, unknown>)["address"] === `native:${bobName}`);
    assert.deepEqual(own["kicked"], { by: "Mod", reason: "" });
    assert.equal((await bob.request({ type: "room.send", room: roomName, body: "hello?" }))["code"], "GW_ERR_NOT_MEMBER");
  });

  it("makes a native room a MUC on the gateway domain: occupants, messages both ways, subject both ways, nick conflicts, leaving", async function () {
    const ownerName = uniqueUser("host");
    const owner = await native(ownerName);
    const roomName = uniqueUser("agora");
    await owner.ok({ type: "room.create", name: roomName, subject: "Welcome to the agora" });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const juliet = await xmppUser(uniqueUser("occupant"));
    const items = await juliet.iq(xml("iq", { type: "get", to: prosody().componentDomain }, xml("query", { xmlns: "http://jabber.org/protocol/disco#items" })));
    assert.ok(items.getChild("query")?.getChildren("item").some((item) => item.attrs["jid"] === roomJid && item.attrs["name"] === roomName), items.toString());

    await juliet.send(xml("presence", { to: `${roomJid}/Juliet` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    const others = await juliet.waitForPresence(`${roomJid}/${ownerName}`);
    assert.equal(others.attrs["type"], undefined);
    const self = await juliet.waitForPresence(`${roomJid}/Juliet`);
    assert.ok(self.getChild("x", "http://jabber.org/protocol/muc#user")?.getChildren("status").some((status) => status.attrs["code"] === "110"));
    const subject = await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChild("subject") !== undefined);
    assert.equal(subject.getChildText("subject"), "Welcome to the agora");
    const joined = await owner.waitForType("room.member");
    assert.deepEqual(joined["member"], { address: `xmpp:${juliet.bareJid}`, nick: "Juliet", role: "member" });

    const id = await juliet.sendMessage(roomJid, `to the room: ${TEXT}`, "groupchat");
    const echo = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["id"] === id && stanza.attrs["type"] === "groupchat");
    assert.equal(echo.attrs["from"], `${roomJid}/Juliet`);
    const atOwner = (await owner.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([atOwner["scope"], atOwner["sender_name"], atOwner["body"]], ["room", "Juliet", `to the room: ${TEXT}`]);

    await owner.ok({ type: "room.send", room: roomName, body: "hello from the native side" });
    const fromNative = await juliet.waitForMessage(`${roomJid}/${ownerName}`);
    assert.equal(fromNative.getChildText("body"), "hello from the native side");
    assert.equal(fromNative.attrs["type"], "groupchat");

    await owner.ok({ type: "room.subject", room: roomName, subject: "A new subject" });
    const changed = await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChildText("subject") === "A new subject");
    assert.equal(changed.attrs["from"], `${roomJid}/${ownerName}`);
    // XEP-0045 section 8.1: an occupant sets the subject; every occupant gets it, the native side too.
    await juliet.send(xml("message", { to: roomJid, type: "groupchat" }, xml("subject", {}, "Subject from XMPP 🌍")));
    const reflected = await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChildText("subject") === "Subject from XMPP 🌍");
    assert.equal(reflected.attrs["from"], `${roomJid}/Juliet`);
    const atNative = await owner.waitForType("room.subject", (frame) => frame["subject"] === "Subject from XMPP 🌍");
    assert.equal(atNative["by"], `xmpp:${juliet.bareJid}`);
    const listed = (await owner.ok({ type: "room.list" }))["rooms"] as Record<string, unknown>[];
    assert.equal(listed.find((room) => room["name"] === roomName)?.["subject"], "Subject from XMPP 🌍");

    const romeo = await xmppUser(uniqueUser("rival"));
    await romeo.send(xml("presence", { to: `${roomJid}/juliet` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    const conflict = await romeo.waitForPresence(`${roomJid}/juliet`, (stanza) => stanza.attrs["type"] === "error");
    assert.ok(conflict.getChild("error")?.getChild("conflict"), conflict.toString());

    const stranger = await romeo.sendMessage(roomJid, "not joined", "groupchat");
    const refused = await romeo.waitFor((stanza) => stanza.is("message") && stanza.attrs["id"] === stranger && stanza.attrs["type"] === "error");
    assert.ok(refused.getChild("error")?.getChild("not-acceptable"), refused.toString());

    await juliet.send(xml("presence", { to: `${roomJid}/Juliet`, type: "unavailable" }));
    await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable");
    const left = await owner.waitForType("room.member", (frame) => frame["event"] === "left");
    assert.equal((left["member"] as Record<string, unknown>)["address"], `xmpp:${juliet.bareJid}`);
  });

  it("lets an occupant or a native member change nick (XEP-0045 7.6, room.nick): everyone in the room sees it, and a nick someone has is refused", async function () {
    const ownerName = uniqueUser("host");
    const owner = await native(ownerName);
    const roomName = uniqueUser("nicks");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const juliet = await xmppUser(uniqueUser("occupant"));
    const romeo = await xmppUser(uniqueUser("occupant"));
    for (const [user, nick] of [[juliet, "Juliet"], [romeo, "Romeo"]] as const) {
      await user.send(xml("presence", { to: `${roomJid}/${nick}` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await user.waitForPresence(`${roomJid}/${nick}`);
    }
    await romeo.waitForPresence(`${roomJid}/Juliet`);
    const statusOf = (stanza: Element): unknown[] => (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).map((status) => status.attrs["code"]);

    await juliet.send(xml("presence", { to: `${roomJid}/Jules` }));
    // Her own sessions: the old nick gone with 303 and 110, naming the new one; then the new nick, 110.
    const ownGone = await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable");
    assert.deepEqual([statusOf(ownGone), ownGone.getChild("x", MUC_USER)?.getChild("item")?.attrs["nick"]], [["303", "110"], "Jules"], ownGone.toString());
    const ownBack = await juliet.waitForPresence(`${roomJid}/Jules`);
    assert.deepEqual([ownBack.attrs["type"], statusOf(ownBack)], [undefined, ["110"]]);
    // Another occupant: the same, without 110.
    const gone = await romeo.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable");
    assert.deepEqual([statusOf(gone), gone.getChild("x", MUC_USER)?.getChild("item")?.attrs["nick"]], [["303"], "Jules"], gone.toString());
    assert.equal((await romeo.waitForPresence(`${roomJid}/Jules`)).attrs["type"], undefined);
    // The native members: one change, the same person before and after.
    const change = await owner.waitForType("room.member", (frame) => frame["event"] === "renamed");
    assert.deepEqual([change["previous"], change["member"]], [
      { address: `xmpp:${juliet.bareJid}`, nick: "Juliet", role: "member" },
      { address: `xmpp:${juliet.bareJid}`, nick: "Jules", role: "member" },
    ]);
    const listed = (await owner.ok({ type: "room.members", room: roomName }))["members"] as Record<string, unknown>[];
    assert.ok(listed.some((member) => member["nick"] === "Jules") && !listed.some((member) => member["nick"] === "Juliet"), JSON.stringify(listed));

    // Taken (any case): conflict, and she keeps her nick.
    await juliet.send(xml("presence", { to: `${roomJid}/ROMEO` }));
    const conflict = await juliet.waitForPresence(`${roomJid}/ROMEO`, (stanza) => stanza.attrs["type"] === "error");
    assert.ok(conflict.getChild("error")?.getChild("conflict"), conflict.toString());
    await juliet.sendMessage(roomJid, "still Jules", "groupchat");
    const line = await romeo.waitForMessage(`${roomJid}/Jules`, (stanza) => stanza.getChildText("body") === "still Jules");
    assert.equal(line.attrs["type"], "groupchat");
    const atOwner = (await owner.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "still Jules"))["message"] as Record<string, unknown>;
    assert.equal(atOwner["sender_name"], "Jules");

    // A native member changes nick (room.nick): the occupants see a MUC nick change, the member's own sessions
    // the push, and a nick an occupant has is refused.
    const refused = await owner.request({ type: "room.nick", room: roomName, nick: "jules" });
    assert.deepEqual([refused["type"], refused["code"]], ["error", "GW_ERR_NICK_IN_USE"]);
    const answer = await owner.ok({ type: "room.nick", room: roomName, nick: "Host" });
    assert.deepEqual(answer["member"], { address: `native:${ownerName}`, nick: "Host", role: "owner" });
    const ownPush = await owner.waitForType("room.member", (frame) => frame["event"] === "renamed");
    assert.equal((ownPush["previous"] as Record<string, unknown>)["nick"], ownerName);
    const hostGone = await juliet.waitForPresence(`${roomJid}/${ownerName}`, (stanza) => stanza.attrs["type"] === "unavailable");
    assert.deepEqual([statusOf(hostGone), hostGone.getChild("x", MUC_USER)?.getChild("item")?.attrs["nick"]], [["303"], "Host"], hostGone.toString());
    await owner.ok({ type: "room.send", room: roomName, body: "as Host" });
    assert.ok(await romeo.waitForMessage(`${roomJid}/Host`, (stanza) => stanza.getChildText("body") === "as Host"));

    // Another session of Juliet's joining under another nick is given hers (status 210): one person, one nick.
    const phone = closing(await XmppTestClient.connect(prosody(), juliet.bareJid.split("@")[0] ?? "", PASSWORD, "phone"));
    await phone.sendPresence();
    await phone.send(xml("presence", { to: `${roomJid}/Mallory` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    const assigned = await phone.waitForPresence(`${roomJid}/Jules`, (stanza) => statusOf(stanza).includes("110"));
    assert.deepEqual(statusOf(assigned), ["110", "210"], assigned.toString());
    assert.equal(phone.transcript.filter((stanza) => stanza.attrs["from"] === `${roomJid}/Mallory`).length, 0, "no occupant Mallory");
  });

  it("shows an occupant's show and status to the other occupants, at their join and when it changes (XEP-0045 7.7)", async function () {
    const owner = await native(uniqueUser("host"));
    const roomName = uniqueUser("moods");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const juliet = await xmppUser(uniqueUser("occupant"));
    const romeo = await xmppUser(uniqueUser("occupant"));
    await juliet.send(xml("presence", { to: `${roomJid}/Juliet` }, xml("show", {}, "away"), xml("status", {}, "brb"), xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await juliet.waitForPresence(`${roomJid}/Juliet`);
    await romeo.send(xml("presence", { to: `${roomJid}/Romeo` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    const listed = await romeo.waitForPresence(`${roomJid}/Juliet`);
    assert.deepEqual([listed.getChildText("show"), listed.getChildText("status")], ["away", "brb"], listed.toString());
    await juliet.waitForPresence(`${roomJid}/Romeo`);

    await juliet.send(xml("presence", { to: `${roomJid}/Juliet` }, xml("show", {}, "dnd"), xml("status", {}, "in a meeting")));
    const changed = await romeo.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.getChildText("show") === "dnd");
    assert.deepEqual([changed.attrs["type"], changed.getChildText("status")], [undefined, "in a meeting"]);
    await juliet.send(xml("presence", { to: `${roomJid}/Juliet` }));
    const back = await romeo.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.getChildText("show") === null);
    assert.equal(back.getChildText("status"), null, "available again, without a status");
  });

  it("keeps serving a MUC whose native members send what XML cannot carry: a nick is refused, a subject is cleaned", async function () {
    const ownerName = uniqueUser("host");
    const owner = await native(ownerName);
    const roomName = uniqueUser("ctrl");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const juliet = await xmppUser(uniqueUser("occupant"));
    await juliet.send(xml("presence", { to: `${roomJid}/Juliet` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await juliet.waitForPresence(`${roomJid}/Juliet`);
    const guest = await native(uniqueUser("guest"));
    const refused = await guest.request({ type: "room.join", room: roomName, nick: "bell\u0007" });
    assert.equal(refused["code"], "GW_ERR_BAD_FRAME", JSON.stringify(refused));
    await guest.ok({ type: "room.join", room: roomName, nick: "guest" });
    assert.equal((await guest.request({ type: "room.nick", room: roomName, nick: "nul\u0000" }))["code"], "GW_ERR_BAD_FRAME");
    // U+FFFF alone: left out of the occupant JID it would leave no nick at all, and the server would close the stream.
    assert.equal((await guest.request({ type: "room.nick", room: roomName, nick: "\uffff" }))["code"], "GW_ERR_BAD_FRAME");
    await owner.ok({ type: "room.subject", room: roomName, subject: "line one\u0001\nline two" });
    const subject = await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChild("subject") !== undefined && stanza.getChildText("subject") !== "");
    assert.equal(subject.getChildText("subject"), "line one\nline two");
    await owner.ok({ type: "room.send", room: roomName, body: "still connected" });
    assert.ok(await juliet.waitForMessage(`${roomJid}/${ownerName}`, (stanza) => stanza.getChildText("body") === "still connected"));
  });

  it("gives an XMPP user joining a room its last messages as delayed history, as much as the join asks for, before the subject", async function () {
    const hostName = uniqueUser("histhost");
    const host = await native(hostName);
    const roomName = uniqueUser("archive");
    await host.ok({ type: "room.create", name: roomName, subject: "Old news" });
    for (const body of ["first", "second", "third"]) await host.ok({ type: "room.send", room: roomName, body });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const join = async (nick: string, history?: Record<string, string>): Promise<string[]> => {
      const reader = await xmppUser(uniqueUser("reader"));
      const x = xml("x", { xmlns: "http://jabber.org/protocol/muc" }, ...(history === undefined ? [] : [xml("history", history)]));
      await reader.send(xml("presence", { to: `${roomJid}/${nick}` }, x));
      await reader.waitFor((stanza) => stanza.is("message") && stanza.getChild("subject") !== undefined);
      // In arrival order, up to the subject: the history must come before it.
      const untilSubject = reader.transcript.slice(0, reader.transcript.findIndex((stanza) => stanza.is("message") && stanza.getChild("subject") !== undefined));
      const delayed = untilSubject.filter((stanza) => stanza.is("message") && stanza.getChild("delay", "urn:xmpp:delay") !== undefined);
      for (const line of delayed) assert.equal(line.attrs["from"], `${roomJid}/${hostName}`);
      return delayed.map((line) => line.getChildText("body") ?? "");
    };
    assert.deepEqual(await join("All"), ["first", "second", "third"]);
    assert.deepEqual(await join("Last", { maxstanzas: "1" }), ["third"]);
    assert.deepEqual(await join("None", { maxchars: "0" }), []);
    assert.deepEqual(await join("Future", { since: "2999-01-01T00:00:00Z" }), []);
  });

  it("tells occupants of the gateway's rooms that the service is shutting down (status 332) when the daemon stops", async function () {
    const ownerName = uniqueUser("closing");
    const owner = await native(ownerName);
    const roomName = uniqueUser("hall");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const juliet = await xmppUser(uniqueUser("guest"));
    await juliet.send(xml("presence", { to: `${roomJid}/Guest` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await juliet.waitForPresence(`${roomJid}/Guest`, (stanza) => stanza.attrs["type"] === undefined);

    const stopped = await daemon().stop("SIGTERM");
    assert.equal(stopped.code, 0);
    const notice = await juliet.waitForPresence(`${roomJid}/Guest`, (stanza) => stanza.attrs["type"] === "unavailable");
    const codes = notice.getChild("x", "http://jabber.org/protocol/muc#user")?.getChildren("status").map((status) => status.attrs["code"]);
    assert.deepEqual(codes, ["110", "332"]);
    await daemon().start();
  });

  it("clears XMPP occupants left over from a daemon that was killed, once the component is back", async function () {
    const ownerName = uniqueUser("keeper");
    const roomName = uniqueUser("lodge");
    const owner = await native(ownerName);
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const juliet = await xmppUser(uniqueUser("lingerer"));
    await juliet.send(xml("presence", { to: `${roomJid}/Lingerer` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await owner.waitForType("room.member", (frame) => frame["event"] === "joined");

    await daemon().stop("SIGKILL");
    await daemon().start();
    await daemon().waitForLog(/XMPP component online/);
    const back = await nativeAs(ownerName);
    const members = await back.ok({ type: "room.members", room: roomName });
    assert.deepEqual((members["members"] as Record<string, unknown>[]).map((member) => member["nick"]), [ownerName]);
  });
});
