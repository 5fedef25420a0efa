/**
 * Bans in the gateway's rooms against a real Prosody: a native owner bans with room.ban, an XMPP admin with muc#admin
 * (XEP-0045 9.1, 9.2); the banned are told (room.member with kicked.banned, presence 301), refused at their next join
 * (GW_ERR_FORBIDDEN, an XMPP join's auth/forbidden) by any of their linked accounts, let back by an unban, and still
 * kept out after a restart of the daemon; an occupant linked to a banned person afterwards is put out at the link; the
 * owner and an admin ban, list and lift bans without being in the room.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import type { Element } from "@xmpp/xml";
import { uniqueUser } from "../helpers/daemon.js";
import type { NativeClient } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";
const MUC_ADMIN = "http://jabber.org/protocol/muc#admin";
const CODE = /([A-Z2-9]{4}-[A-Z2-9]{4})/;

type Frame = Record<string, unknown>;

describe("bans in the gateway's rooms", function () {
  // An admin of the gateway on XMPP: may ban from any room, and cannot be banned.
  const adminName = uniqueUser("warden");
  // And one on the native protocol.
  const nativeAdminName = uniqueUser("marshal");
  const { prosody, daemon, nativeAs, xmppUserAs: xmppUser } = useNetworks({ ircServer: "none", admins: [`xmpp:${adminName}@localhost`, `native:${nativeAdminName}`], messagesFrom: "contacts" });

  function native(name: string, register = true): Promise<NativeClient> {
    return nativeAs(name, { register });
  }

  /** Sends a MUC join and resolves with the room's answer: the joiner's own presence, or an error presence. */
  async function joinMuc(client: XmppTestClient, roomJid: string, nick: string): Promise<Element> {
    await client.send(xml("presence", { to: `${roomJid}/${nick}` }, xml("x", { xmlns: MUC })));
    return client.waitForPresence(`${roomJid}/${nick}`, (stanza) => stanza.attrs["type"] === "error" || (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110"));
  }

  function errorOf(stanza: Element): [unknown, string | undefined] {
    const error = stanza.getChild("error");
    return [error?.attrs["type"], error?.children.find((child): child is Element => typeof child !== "string")?.name];
  }

  function codesOf(stanza: Element): string[] {
    return (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).map((status) => String(status.attrs["code"])).sort();
  }

  const adminIq = (client: XmppTestClient, roomJid: string, type: "get" | "set", item: Record<string, string>, reason?: string): Promise<Element> =>
    client.iq(xml("iq", { type, to: roomJid }, xml("query", { xmlns: MUC_ADMIN }, xml("item", item, ...(reason === undefined ? [] : [xml("reason", {}, reason)])))));

  it("lets a room's owner ban a native member (room.ban): they are told, refused at their rejoin, listed, and let back by room.unban", async function () {
    const ownerName = uniqueUser("boss");
    const owner = await native(ownerName);
    const roomName = uniqueUser("den");
    await owner.ok({ type: "room.create", name: roomName });
    const bobName = uniqueUser("bob");
    const bob = await native(bobName);
    await bob.ok({ type: "room.join", room: roomName });
    const carolName = uniqueUser("carol");
    const carol = await native(carolName);
    await carol.ok({ type: "room.join", room: roomName });
    const bobAddress = `native:${bobName}`;

    // Only the owner (or an admin): a member is refused, and nobody bans the owner or themself.
    assert.equal((await carol.request({ type: "room.ban", room: roomName, member: bobAddress }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await carol.request({ type: "room.bans", room: roomName }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await bob.request({ type: "room.ban", room: roomName, member: `native:${ownerName}` }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await owner.request({ type: "room.ban", room: roomName, member: `native:${ownerName}` }))["code"], "GW_ERR_BAD_FRAME");
    assert.equal((await owner.request({ type: "room.ban", room: roomName, member: `xmpp:${adminName}@localhost` }))["code"], "GW_ERR_FORBIDDEN", "an admin cannot be banned");

    await owner.ok({ type: "room.ban", room: roomName, member: bobAddress, reason: "trolling" });
    const own = await bob.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Frame)["address"] === bobAddress);
    assert.deepEqual(own["kicked"], { by: ownerName, reason: "trolling", banned: true });
    const atCarol = await carol.waitForType("room.member", (frame) => frame["event"] === "left");
    assert.deepEqual(atCarol["kicked"], { by: ownerName, reason: "trolling", banned: true });
    assert.equal((await bob.request({ type: "room.send", room: roomName, body: "still here?" }))["code"], "GW_ERR_NOT_MEMBER");
    const refused = await bob.request({ type: "room.join", room: roomName });
    assert.deepEqual([refused["code"], refused["message"]], ["GW_ERR_FORBIDDEN", `you are banned from native:%23${roomName}: trolling`]);

    const listed = (await owner.ok({ type: "room.bans", room: roomName }))["bans"] as Frame[];
    assert.deepEqual(listed.map((ban) => [ban["address"], ban["by"], ban["reason"]]), [[bobAddress, `native:${ownerName}`, "trolling"]]);
    assert.ok(Math.abs(Number(listed[0]?.["banned_at"]) - Date.now()) < 60_000, "banned_at is the time of the ban");

    assert.equal((await carol.request({ type: "room.unban", room: roomName, member: bobAddress }))["code"], "GW_ERR_FORBIDDEN");
    await owner.ok({ type: "room.unban", room: roomName, member: bobAddress });
    assert.equal((await owner.request({ type: "room.unban", room: roomName, member: bobAddress }))["code"], "GW_ERR_NOT_FOUND");
    assert.deepEqual((await owner.ok({ type: "room.bans", room: roomName }))["bans"], []);
    await bob.ok({ type: "room.join", room: roomName });
  });

  it("lets the owner and an admin ban, list and lift bans from outside the room, also once everyone left it; others out of it are no members", async function () {
    const ownerName = uniqueUser("absent");
    const owner = await native(ownerName);
    const roomName = uniqueUser("annex");
    await owner.ok({ type: "room.create", name: roomName });
    const daveName = uniqueUser("dave");
    const dave = await native(daveName);
    await dave.ok({ type: "room.join", room: roomName });
    const daveAddress = `native:${daveName}`;
    await owner.ok({ type: "room.leave", room: roomName });

    // The owner, out of the room, is shown by their user name.
    await owner.ok({ type: "room.ban", room: roomName, member: daveAddress, reason: "from afar" });
    const out = await dave.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Frame)["address"] === daveAddress);
    assert.deepEqual(out["kicked"], { by: ownerName, reason: "from afar", banned: true });
    // Nobody is in the room now.
    assert.deepEqual(((await owner.ok({ type: "room.bans", room: roomName }))["bans"] as Frame[]).map((ban) => ban["address"]), [daveAddress]);
    const stranger = await native(uniqueUser("stranger"));
    assert.equal((await stranger.request({ type: "room.bans", room: roomName }))["code"], "GW_ERR_NOT_MEMBER");
    assert.equal((await stranger.request({ type: "room.unban", room: roomName, member: daveAddress }))["code"], "GW_ERR_NOT_MEMBER");
    assert.equal((await stranger.request({ type: "room.bans", room: uniqueUser("nowhere") }))["code"], "GW_ERR_NOT_FOUND");

    const admin = await native(nativeAdminName);
    assert.equal((((await admin.ok({ type: "room.bans", room: roomName }))["bans"] as Frame[])[0] ?? {})["reason"], "from afar");
    await admin.ok({ type: "room.unban", room: roomName, member: daveAddress });
    assert.equal((await owner.request({ type: "room.unban", room: roomName, member: daveAddress }))["code"], "GW_ERR_NOT_FOUND", "lifted already");
    await dave.ok({ type: "room.join", room: roomName });
    await admin.ok({ type: "room.ban", room: roomName, member: daveAddress });
    const again = await dave.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Frame)["address"] === daveAddress);
    assert.deepEqual(again["kicked"], { by: nativeAdminName, reason: "", banned: true });
  });

  it("lets an admin ban an XMPP occupant from a MUC client (muc#admin outcast): 301, the join forbidden, the outcast list, and the unban", async function () {
    const ownerName = uniqueUser("host");
    const owner = await native(ownerName);
    const roomName = uniqueUser("hall");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const admin = await xmppUser(adminName);
    await joinMuc(admin, roomJid, "Mod");
    const juliet = await xmppUser(uniqueUser("guest"));
    await joinMuc(juliet, roomJid, "Juliet");
    const romeo = await xmppUser(uniqueUser("other"));
    await joinMuc(romeo, roomJid, "Romeo");

    // Only the room's owner or an admin; nobody bans the owner (XEP-0045 9.1: not-allowed) or themself.
    await assert.rejects(adminIq(romeo, roomJid, "set", { affiliation: "outcast", jid: juliet.bareJid }), /forbidden/);
    await assert.rejects(adminIq(romeo, roomJid, "get", { affiliation: "outcast" }), /forbidden/);
    await assert.rejects(adminIq(admin, roomJid, "set", { affiliation: "outcast", jid: `${ownerName}@${prosody().componentDomain}` }), /not-allowed/);
    await assert.rejects(adminIq(admin, roomJid, "set", { affiliation: "outcast", jid: `${adminName}@localhost` }), /conflict/);

    await adminIq(admin, roomJid, "set", { affiliation: "outcast", jid: juliet.bareJid }, "flooding");
    const out = await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable");
    assert.deepEqual(codesOf(out), ["110", "301"]);
    const item = out.getChild("x", MUC_USER)?.getChild("item");
    assert.deepEqual([item?.attrs["affiliation"], item?.attrs["role"], item?.getChild("actor")?.attrs["nick"], item?.getChildText("reason")], ["outcast", "none", "Mod", "flooding"]);
    const seen = await romeo.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable");
    assert.deepEqual(codesOf(seen), ["301"]);
    const atOwner = await owner.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Frame)["address"] === `xmpp:${juliet.bareJid}`);
    assert.deepEqual(atOwner["kicked"], { by: "Mod", reason: "flooding", banned: true });

    // XEP-0045 7.2.7: a banned user's join is forbidden (auth).
    assert.deepEqual(errorOf(await joinMuc(juliet, roomJid, "Juliet")), ["auth", "forbidden"]);
    const list = (await adminIq(admin, roomJid, "get", { affiliation: "outcast" })).getChild("query", MUC_ADMIN)?.getChildren("item") ?? [];
    assert.deepEqual(list.map((entry) => [entry.attrs["affiliation"], entry.attrs["jid"], entry.getChildText("reason")]), [["outcast", juliet.bareJid, "flooding"]]);
    // The native owner sees the same list.
    const listed = (await owner.ok({ type: "room.bans", room: roomName }))["bans"] as Frame[];
    assert.deepEqual(listed.map((ban) => [ban["address"], ban["by"]]), [[`xmpp:${juliet.bareJid}`, `xmpp:${adminName}@localhost`]]);

    // Affiliation "none" lifts the ban (XEP-0045 9.2); a second time there is none to lift.
    await adminIq(admin, roomJid, "set", { affiliation: "none", jid: juliet.bareJid });
    await assert.rejects(adminIq(admin, roomJid, "set", { affiliation: "none", jid: juliet.bareJid }), /item-not-found/);
    assert.deepEqual(codesOf(await joinMuc(juliet, roomJid, "Juliet")).includes("110"), true);

    // By the nick of someone in the room, as some clients name an occupant; a nick nobody has is item-not-found.
    await assert.rejects(adminIq(admin, roomJid, "set", { affiliation: "outcast", nick: "nobody-here" }), /item-not-found/);
    await adminIq(admin, roomJid, "set", { affiliation: "outcast", nick: "Romeo" });
    assert.deepEqual(codesOf(await romeo.waitForPresence(`${roomJid}/Romeo`, (stanza) => stanza.attrs["type"] === "unavailable")), ["110", "301"]);
    const banned = (await adminIq(admin, roomJid, "get", { affiliation: "outcast" })).getChild("query", MUC_ADMIN)?.getChildren("item") ?? [];
    assert.deepEqual(banned.map((entry) => [entry.attrs["jid"], entry.getChild("reason")]), [[romeo.bareJid, undefined]]);
  });

  it("keeps a banned native user's linked JID out of the room's MUC, and lets it in again after the unban", async function () {
    const ownerName = uniqueUser("owner");
    const owner = await native(ownerName);
    const roomName = uniqueUser("yard");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const malloryName = uniqueUser("mallory");
    const mallory = await native(malloryName);
    const phone = await xmppUser(uniqueUser("malphone"));

    // Mallory links her XMPP account: the code comes to it from the gateway and goes back from it.
    await mallory.ok({ type: "identity.link", address: `xmpp:${phone.bareJid}` });
    const invitation = await phone.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === prosody().componentDomain && CODE.test(stanza.getChildText("body") ?? ""), 10_000);
    await phone.sendMessage(prosody().componentDomain, CODE.exec(invitation.getChildText("body") ?? "")?.[1] ?? "");
    await mallory.waitForType("identity.linked", (frame) => frame["linked"] === true, 10_000);

    await owner.ok({ type: "room.ban", room: roomName, member: `native:${malloryName}`, reason: "sock puppets" });
    assert.deepEqual(errorOf(await joinMuc(phone, roomJid, "mal")), ["auth", "forbidden"], "her linked JID is banned with her");
    assert.equal((await mallory.request({ type: "room.join", room: roomName }))["code"], "GW_ERR_FORBIDDEN");
    // Lifted by any of her addresses.
    await owner.ok({ type: "room.unban", room: roomName, member: `xmpp:${phone.bareJid}` });
    assert.ok(codesOf(await joinMuc(phone, roomJid, "mal")).includes("110"));
  });

  it("puts out an XMPP occupant at once when it is linked to a person banned before, told it is that ban", async function () {
    const ownerName = uniqueUser("chief");
    const owner = await native(ownerName);
    const roomName = uniqueUser("court");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const trentName = uniqueUser("trent");
    const trent = await native(trentName);
    await owner.ok({ type: "room.ban", room: roomName, member: `native:${trentName}`, reason: "ban evasion" });
    // His XMPP account, not linked yet, is nobody banned: it joins.
    const laptop = await xmppUser(uniqueUser("trentlap"));
    assert.ok(codesOf(await joinMuc(laptop, roomJid, "lap")).includes("110"));
    await owner.waitForType("room.member", (frame) => frame["event"] === "joined" && (frame["member"] as Frame)["address"] === `xmpp:${laptop.bareJid}`);

    await trent.ok({ type: "identity.link", address: `xmpp:${laptop.bareJid}` });
    const invitation = await laptop.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === prosody().componentDomain && CODE.test(stanza.getChildText("body") ?? ""), 10_000);
    await laptop.sendMessage(prosody().componentDomain, CODE.exec(invitation.getChildText("body") ?? "")?.[1] ?? "");
    const out = await laptop.waitForPresence(`${roomJid}/lap`, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    assert.deepEqual(codesOf(out), ["110", "301"]);
    assert.equal(out.getChild("x", MUC_USER)?.getChild("item")?.getChildText("reason"), "ban evasion");
    const atOwner = await owner.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Frame)["address"] === `xmpp:${laptop.bareJid}`);
    assert.deepEqual(atOwner["kicked"], { by: ownerName, reason: "ban evasion", banned: true });
    assert.deepEqual(errorOf(await joinMuc(laptop, roomJid, "lap")), ["auth", "forbidden"]);
  });

  it("keeps a ban across a restart of the daemon", async function () {
    const ownerName = uniqueUser("keeper");
    const owner = await native(ownerName);
    const roomName = uniqueUser("vault");
    await owner.ok({ type: "room.create", name: roomName });
    const eveName = uniqueUser("eve");
    const eve = await native(eveName);
    await eve.ok({ type: "room.join", room: roomName });
    await owner.ok({ type: "room.ban", room: roomName, member: `native:${eveName}`, reason: "eavesdropping" });

    await daemon().restart();
    const eveAgain = await native(eveName, false);
    const refused = await eveAgain.request({ type: "room.join", room: roomName });
    assert.deepEqual([refused["code"], refused["message"]], ["GW_ERR_FORBIDDEN", `you are banned from native:%23${roomName}: eavesdropping`]);
    const ownerAgain = await native(ownerName, false);
    assert.deepEqual(((await ownerAgain.ok({ type: "room.bans", room: roomName }))["bans"] as Frame[]).map((ban) => ban["address"]), [`native:${eveName}`]);
  });
});
