/**
 * A room's owner and its settings beyond one run and one account, against a real Prosody: the settings (members-only,
 * password, description, hidden) are kept in the SQLite file across a restart of the daemon; and the owner counts as
 * the owner from her XMPP JID linked by an XEP-0077 registration: she joins her members-only password room without an
 * invitation or the password, as owner, gets the muc#owner form, and kicks.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import type { Frame } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";
const MUC_OWNER = "http://jabber.org/protocol/muc#owner";
const MUC_ADMIN = "http://jabber.org/protocol/muc#admin";
const REGISTER = "jabber:iq:register";
const DATA = "jabber:x:data";
const CLOSED = { members_only: true, password_protected: true, description: "members only", public: false };

describe("a room's owner and settings across restarts and linked accounts", function () {
  this.timeout(60_000);
  const suite = useNetworks({ ircServer: "none" });

  /** Sends a MUC join and resolves with the room's answer: the joiner's own presence, or an error presence. */
  async function joinMuc(client: XmppTestClient, roomJid: string, nick: string): Promise<Element> {
    await client.send(xml("presence", { to: `${roomJid}/${nick}` }, xml("x", { xmlns: MUC })));
    return client.waitForPresence(`${roomJid}/${nick}`, (stanza) => stanza.attrs["type"] === "error" || (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110"));
  }

  const listed = (rooms: Frame): unknown[] => (rooms["rooms"] as Frame[]).map((room) => room["name"]);

  it("keeps a room's members-only list, password, description and hiding across a restart of the daemon", async function () {
    const owner = await suite.native("keeper");
    const ownerName = suite.nameOf(owner);
    const roomName = `${ownerName}-vault`;
    await owner.ok({ type: "room.create", name: roomName });
    await owner.ok({ type: "room.configure", room: roomName, members_only: true, password: "open sesame", description: "members only", public: false });

    await suite.daemon().restart();
    await suite.daemon().waitForLog(/XMPP component online/);

    const again = await suite.nativeAs(ownerName);
    assert.deepEqual((await again.ok({ type: "room.configure", room: roomName }))["settings"], CLOSED);
    const stranger = await suite.native("stranger");
    assert.equal((await stranger.request({ type: "room.join", room: roomName, password: "open sesame" }))["code"], "GW_ERR_FORBIDDEN", "still members-only");
    assert.ok(!listed(await stranger.ok({ type: "room.list" })).includes(roomName), "still hidden");
    await again.ok({ type: "room.configure", room: roomName, members_only: false });
    assert.equal((await stranger.request({ type: "room.join", room: roomName }))["code"], "GW_ERR_KEY_NEEDED", "still asks the password");
    await stranger.ok({ type: "room.join", room: roomName, password: "open sesame" });
  });

  it("counts the owner's XMPP JID linked by a registration as the owner: in without invitation or password, the owner form, a kick", async function () {
    const owner = await suite.native("boss");
    const ownerName = suite.nameOf(owner);
    const domain = suite.prosody().componentDomain;
    const roomName = `${ownerName}-club`;
    const roomJid = `#${roomName}@${domain}`;
    await owner.ok({ type: "room.create", name: roomName });
    const guest = await suite.native("guest");
    await owner.ok({ type: "room.invite", room: roomName, to: `native:${suite.nameOf(guest)}` });
    await guest.ok({ type: "room.join", room: roomName });
    await owner.ok({ type: "room.configure", room: roomName, members_only: true, password: "open sesame", description: "members only", public: false });
    await owner.ok({ type: "room.leave", room: roomName });

    const phone = await suite.xmppUser("phone");
    await phone.iq(xml("iq", { type: "set", to: domain }, xml("query", { xmlns: REGISTER }, xml("username", {}, ownerName), xml("password", {}, PASSWORD))));
    await owner.waitForType("identity.linked", (frame) => frame["address"] === `xmpp:${phone.bareJid}` && frame["linked"] === true);

    const self = await joinMuc(phone, roomJid, "Boss");
    assert.notEqual(self.attrs["type"], "error", `she gets in: ${self.toString()}`);
    assert.equal(self.getChild("x", MUC_USER)?.getChild("item")?.attrs["affiliation"], "owner");

    const form = (await phone.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: MUC_OWNER })))).getChild("query", MUC_OWNER)?.getChild("x", DATA);
    assert.ok(form, "the owner form");
    const guestNick = suite.nameOf(guest);
    await phone.iq(xml("iq", { type: "set", to: roomJid }, xml("query", { xmlns: MUC_ADMIN }, xml("item", { nick: guestNick, role: "none" }, xml("reason", {}, "closing")))));
    const kicked = await guest.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Frame)["address"] === `native:${guestNick}`);
    assert.deepEqual(kicked["kicked"], { by: "Boss", reason: "closing" });
  });
});
