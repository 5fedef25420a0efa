/**
 * Rooms' settings and destruction by their owners, against a real Prosody and ngIRCd: a members-only room refuses a
 * stranger's native join (GW_ERR_FORBIDDEN) and XMPP join (registration-required) until the owner invites them; a
 * password room refuses a missing or wrong password (GW_ERR_KEY_NEEDED, not-authorized) and takes the right one;
 * only the owner or an admin configures (room.configure, XEP-0045's muc#owner form, whose changes room.configure then
 * reads); a destroyed room tells its native members (room.destroyed) and XMPP occupants (<destroy/>), and its name
 * and history are free again; a bridged room is not destroyed.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import type { Element } from "@xmpp/xml";
import { uniqueUser } from "../helpers/daemon.js";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";
const MUC_OWNER = "http://jabber.org/protocol/muc#owner";
const DATA = "jabber:x:data";
const DISCO_INFO = "http://jabber.org/protocol/disco#info";
const DISCO_ITEMS = "http://jabber.org/protocol/disco#items";

type Frame = Record<string, unknown>;

describe("rooms' settings and destruction by their owners", function () {
  // An admin of the gateway on XMPP: acts as every room's owner, also through the owner form.
  const adminName = uniqueUser("keeper");
  // And one on the native protocol, who adds and removes bridges.
  const nativeAdminName = uniqueUser("steward");
  const { prosody, nativeAs, native, xmppUserAs, xmppUser } = useNetworks({ admins: [`xmpp:${adminName}@localhost`, `native:${nativeAdminName}`] });

  /** Sends a MUC join and resolves with the room's answer: the joiner's own presence, or an error presence. */
  async function joinMuc(client: XmppTestClient, roomJid: string, nick: string, password?: string): Promise<Element> {
    await client.send(xml("presence", { to: `${roomJid}/${nick}` }, xml("x", { xmlns: MUC }, ...(password === undefined ? [] : [xml("password", {}, password)]))));
    return client.waitForPresence(`${roomJid}/${nick}`, (stanza) => stanza.attrs["type"] === "error" || (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110"));
  }

  function errorOf(stanza: Element): [unknown, string | undefined] {
    const error = stanza.getChild("error");
    return [error?.attrs["type"], error?.children.find((child): child is Element => typeof child !== "string" && child.name !== "text")?.name];
  }

  const joined = (stanza: Element): boolean => stanza.attrs["type"] !== "error";

  const ownerIq = (client: XmppTestClient, roomJid: string, type: "get" | "set", ...children: Element[]): Promise<Element> =>
    client.iq(xml("iq", { type, to: roomJid }, xml("query", { xmlns: MUC_OWNER }, ...children)));

  function submitted(fields: Record<string, string>): Element {
    const entries = Object.entries(fields).map(([name, value]) => xml("field", { var: name }, xml("value", {}, value)));
    return xml("x", { xmlns: DATA, type: "submit" }, xml("field", { var: "FORM_TYPE" }, xml("value", {}, "http://jabber.org/protocol/muc#roomconfig")), ...entries);
  }

  it("refuses strangers of a members-only room on both networks until its owner invites them; a member's invitation is refused, a kick takes the owner's back", async function () {
    const ownerName = uniqueUser("boss");
    const owner = await nativeAs(ownerName, { register: true });
    const roomName = uniqueUser("club");
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    await owner.ok({ type: "room.create", name: roomName });
    const bobName = uniqueUser("bob");
    const bob = await nativeAs(bobName, { register: true });

    assert.equal((await bob.request({ type: "room.configure", room: roomName, members_only: true }))["code"], "GW_ERR_FORBIDDEN", "only the owner configures");
    const configured = await owner.ok({ type: "room.configure", room: roomName, members_only: true });
    assert.deepEqual(configured["settings"], { members_only: true, password_protected: false, description: "", public: true });

    assert.equal((await bob.request({ type: "room.join", room: roomName }))["code"], "GW_ERR_FORBIDDEN");
    const juliet = await xmppUser("juliet");
    assert.deepEqual(errorOf(await joinMuc(juliet, roomJid, "Juliet")), ["cancel", "registration-required"]);

    await owner.ok({ type: "room.invite", room: roomName, to: `native:${bobName}` });
    await bob.waitForType("room.invitation");
    await bob.ok({ type: "room.join", room: roomName });
    assert.equal((await bob.request({ type: "room.invite", room: roomName, to: `xmpp:${juliet.bareJid}` }))["code"], "GW_ERR_FORBIDDEN", "a member does not invite into a members-only room");

    await owner.ok({ type: "room.invite", room: roomName, to: `xmpp:${juliet.bareJid}` });
    await juliet.waitForMessage(roomJid, (message) => message.getChild("x", MUC_USER)?.getChild("invite") !== undefined);
    assert.ok(joined(await joinMuc(juliet, roomJid, "Juliet")), "the invited XMPP user gets in");

    await owner.ok({ type: "room.kick", room: roomName, member: `native:${bobName}`, reason: "out" });
    assert.equal((await bob.request({ type: "room.join", room: roomName }))["code"], "GW_ERR_FORBIDDEN", "kicked: no longer allowed");
  });

  it("asks a password room's password of native and XMPP joiners, never of its owner, and never shows it", async function () {
    const ownerName = uniqueUser("host");
    const owner = await nativeAs(ownerName, { register: true });
    const roomName = uniqueUser("vault");
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    await owner.ok({ type: "room.create", name: roomName });
    const answer = await owner.ok({ type: "room.configure", room: roomName, password: "open sesame", description: "the\nvault" });
    assert.deepEqual(answer["settings"], { members_only: false, password_protected: true, description: "the vault", public: true });

    const bob = await native("bob");
    assert.equal((await bob.request({ type: "room.join", room: roomName }))["code"], "GW_ERR_KEY_NEEDED");
    assert.equal((await bob.request({ type: "room.join", room: roomName, password: "open says me" }))["code"], "GW_ERR_KEY_NEEDED");
    await bob.ok({ type: "room.join", room: roomName, password: "open sesame" });

    const juliet = await xmppUser("juliet");
    assert.deepEqual(errorOf(await joinMuc(juliet, roomJid, "Juliet")), ["auth", "not-authorized"]);
    assert.deepEqual(errorOf(await joinMuc(juliet, roomJid, "Juliet", "sesame")), ["auth", "not-authorized"]);
    assert.ok(joined(await joinMuc(juliet, roomJid, "Juliet", "open sesame")));

    await owner.ok({ type: "room.leave", room: roomName });
    await owner.ok({ type: "room.join", room: roomName });
    await owner.ok({ type: "room.configure", room: roomName, password: null });
    const carol = await native("carol");
    await carol.ok({ type: "room.join", room: roomName });
  });

  it("gives the owner XEP-0045's configuration form, whose changes room.configure reads, disco#info shows and the room lists hide; others are forbidden", async function () {
    const ownerName = uniqueUser("chief");
    const owner = await nativeAs(ownerName, { register: true });
    const roomName = uniqueUser("den");
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    await owner.ok({ type: "room.create", name: roomName });
    const admin = await xmppUserAs(adminName);
    const romeo = await xmppUser("romeo");

    await assert.rejects(ownerIq(romeo, roomJid, "get"), /forbidden/);
    await assert.rejects(ownerIq(romeo, roomJid, "set", submitted({ "muc#roomconfig_publicroom": "0" })), /forbidden/);

    const form = (await ownerIq(admin, roomJid, "get")).getChild("query", MUC_OWNER)?.getChild("x", DATA);
    const fields = Object.fromEntries((form?.getChildren("field") ?? []).map((field) => [field.attrs["var"], field.getChildText("value")]));
    assert.equal(fields["FORM_TYPE"], "http://jabber.org/protocol/muc#roomconfig");
    assert.deepEqual([fields["muc#roomconfig_membersonly"], fields["muc#roomconfig_passwordprotectedroom"], fields["muc#roomconfig_publicroom"], fields["muc#roomconfig_persistentroom"]], ["0", "0", "1", "1"]);

    await ownerIq(admin, roomJid, "set", xml("x", { xmlns: DATA, type: "cancel" }));
    await ownerIq(
      admin,
      roomJid,
      "set",
      submitted({ "muc#roomconfig_roomdesc": "our den", "muc#roomconfig_membersonly": "1", "muc#roomconfig_passwordprotectedroom": "1", "muc#roomconfig_roomsecret": "hush", "muc#roomconfig_publicroom": "0" }),
    );
    assert.deepEqual((await owner.ok({ type: "room.configure", room: roomName }))["settings"], { members_only: true, password_protected: true, description: "our den", public: false });

    const info = (await romeo.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: DISCO_INFO })))).getChild("query", DISCO_INFO);
    const features = (info?.getChildren("feature") ?? []).map((feature) => String(feature.attrs["var"]));
    for (const expected of ["muc_membersonly", "muc_passwordprotected", "muc_hidden", "muc_persistent"]) assert.ok(features.includes(expected), `disco#info has ${expected}`);
    for (const gone of ["muc_open", "muc_unsecured", "muc_public", "muc_temporary"]) assert.ok(!features.includes(gone), `disco#info has no ${gone}`);
    const roomInfo = info?.getChildren("x", DATA).find((x) => x.getChildren("field").some((field) => field.getChildText("value") === "http://jabber.org/protocol/muc#roominfo"));
    assert.equal(roomInfo?.getChildren("field").find((field) => field.attrs["var"] === "muc#roominfo_description")?.getChildText("value"), "our den");

    const items = (await romeo.iq(xml("iq", { type: "get", to: prosody().componentDomain }, xml("query", { xmlns: DISCO_ITEMS })))).getChild("query", DISCO_ITEMS);
    assert.ok(!(items?.getChildren("item") ?? []).some((item) => item.attrs["jid"] === roomJid), "a hidden room is not among the domain's items");
    const stranger = await native("stranger");
    const listed = (rooms: Frame): unknown[] => (rooms["rooms"] as Frame[]).map((room) => room["name"]);
    assert.ok(!listed(await stranger.ok({ type: "room.list" })).includes(roomName), "hidden from a stranger");
    assert.ok(listed(await owner.ok({ type: "room.list" })).includes(roomName), "listed to its owner");
  });

  it("destroys a room: native members get room.destroyed, XMPP occupants the destroy presence, and the name and an empty history are free again", async function () {
    const ownerName = uniqueUser("founder");
    const owner = await nativeAs(ownerName, { register: true });
    const roomName = uniqueUser("attic");
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    await owner.ok({ type: "room.create", name: roomName });
    const bob = await native("bob");
    await bob.ok({ type: "room.join", room: roomName });
    const juliet = await xmppUser("juliet");
    assert.ok(joined(await joinMuc(juliet, roomJid, "Juliet")));
    await owner.ok({ type: "room.send", room: roomName, body: "said before the end" });

    assert.equal((await bob.request({ type: "room.destroy", room: roomName }))["code"], "GW_ERR_FORBIDDEN");
    await owner.ok({ type: "room.destroy", room: roomName, reason: "moving out" });
    const told = await bob.waitForType("room.destroyed");
    assert.deepEqual([told["room"], told["reason"]], [`native:%23${roomName}`, "moving out"]);
    const gone = await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable");
    assert.equal(gone.getChild("x", MUC_USER)?.getChild("destroy")?.getChildText("reason"), "moving out");
    assert.equal((await bob.request({ type: "room.join", room: roomName }))["code"], "GW_ERR_NOT_FOUND");

    const heir = await native("heir");
    await heir.ok({ type: "room.create", name: roomName });
    assert.deepEqual((await heir.ok({ type: "history", room: roomName }))["messages"], [], "the new room has none of the old one's history");

    // From an XMPP client: the owner form's <destroy/> (here by an admin), as XEP-0045 10.9.
    const admin = await xmppUserAs(adminName);
    assert.ok(joined(await joinMuc(juliet, roomJid, "Juliet")));
    await assert.rejects(ownerIq(juliet, roomJid, "set", xml("destroy", {}, xml("reason", {}, "mine now"))), /forbidden/);
    await ownerIq(admin, roomJid, "set", xml("destroy", {}, xml("reason", {}, "closed by the admins")));
    const destroyed = await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable");
    assert.equal(destroyed.getChild("x", MUC_USER)?.getChild("destroy")?.getChildText("reason"), "closed by the admins");
    assert.equal((await heir.waitForType("room.destroyed"))["reason"], "closed by the admins");
  });

  it("refuses to destroy a room that is part of a bridge, saying to remove the bridge first", async function () {
    const ownerName = uniqueUser("opener");
    const owner = await nativeAs(ownerName, { register: true });
    const roomName = uniqueUser("relay");
    await owner.ok({ type: "room.create", name: roomName });
    const admin = await nativeAs(nativeAdminName, { register: true });
    const channel = `irc://${NETWORK}/%23${roomName}`;
    await admin.ok({ type: "bridge.add", room: roomName, with: channel });

    const refused = await owner.request({ type: "room.destroy", room: roomName });
    assert.equal(refused["code"], "GW_ERR_FORBIDDEN");
    assert.match(String(refused["message"]), /remove the bridge first/);
    assert.equal((await admin.request({ type: "room.destroy", room: roomName }))["code"], "GW_ERR_FORBIDDEN", "not by an admin either");

    await admin.ok({ type: "bridge.remove", with: channel });
    await owner.ok({ type: "room.destroy", room: roomName });
  });
});
