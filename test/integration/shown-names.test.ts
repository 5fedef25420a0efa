/**
 * The name a room shows someone of a bridged IRC channel under, against a real Prosody and a real ngIRCd started by
 * the test: an IRC user whose nick is a Switchboard user's name (or a member's nick) is `nick%network` in the gateway
 * MUC's occupant list, in native `bridged_people` and `room.member` pushes, as in their lines; when that changes while
 * they are in the room (the name registered, the nick linked to the user, the member gone), every network sees a nick
 * change (XEP-0045 status 303, `room.member` `renamed`) before a line under the new name.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { NativeClient } from "../helpers/native-client.js";
import { GATEWAY_NICK, NETWORK, useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

type Frame = Record<string, unknown>;

const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";
const CODE = /([A-Z2-9]{4}-[A-Z2-9]{4})/;

function statusCodes(stanza: Element): string[] {
  return (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).map((status) => String(status.attrs["code"]));
}

async function joinMuc(user: XmppTestClient, occupantJid: string): Promise<void> {
  await user.send(xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC })));
  await user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === undefined && statusCodes(stanza).includes("110"), 10_000);
}

/** The nicks of the occupants a joiner of `roomJid` was shown (available presences but its own). */
function occupantsShown(user: XmppTestClient, roomJid: string): string[] {
  return user.transcript
    .filter((stanza) => stanza.is("presence") && stanza.attrs["type"] === undefined && String(stanza.attrs["from"]).startsWith(`${roomJid}/`) && !statusCodes(stanza).includes("110"))
    .map((stanza) => String(stanza.attrs["from"]).slice(roomJid.length + 1));
}

/** The MUC nick change from `before` to `after` (XEP-0045 7.6): the old nick's 303 naming the new one, then the new nick's presence. */
async function nickChangeSeen(user: XmppTestClient, roomJid: string, before: string, after: string): Promise<void> {
  const gone = await user.waitForPresence(`${roomJid}/${before}`, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
  assert.ok(statusCodes(gone).includes("303"), gone.toString());
  assert.equal(gone.getChild("x", MUC_USER)?.getChild("item")?.attrs["nick"], after, gone.toString());
  await user.waitForPresence(`${roomJid}/${after}`, (stanza) => stanza.attrs["type"] === undefined, 10_000);
}

function renamedSeen(client: NativeClient, before: string, after: string): Promise<Frame> {
  return client.waitForType("room.member", (frame) => frame["event"] === "renamed" && (frame["previous"] as Frame)["nick"] === before && (frame["member"] as Frame)["nick"] === after, 10_000);
}

const bridgedNicks = (answer: Frame): string[] => (answer["bridged_people"] as Frame[]).map((person) => String(person["nick"]));

describe("names shown for the people of a bridged channel", function () {
  // Leaves relayed at once: a PART is seen without waiting for the damper's hold.
  const suite = useNetworks({ ircYaml: ["open_channels: true", "membership:", "  leave_hold_seconds: 0"] });
  const domain = (): string => suite.prosody().componentDomain;
  const closers: Array<() => Promise<unknown>> = [];

  after(async function () {
    for (const close of closers) await close().catch(() => undefined);
  });

  async function ircAs(nick: string): Promise<IrcTestClient> {
    const client = await IrcTestClient.connect(suite.irc(), nick);
    closers.push(() => client.quit());
    return client;
  }

  /** A channel with someone in it, for the gateway to join on demand. */
  async function openChannel(prefix: string): Promise<{ channel: string; roomJid: string; address: string }> {
    const op = await suite.ircUser("op");
    const channel = `#${prefix}${op.nick.slice(-6)}`;
    await op.join(channel);
    return { channel, roomJid: `${channel}%${NETWORK}@${domain()}`, address: `irc://${NETWORK}/${encodeURIComponent(channel)}` };
  }

  /** The line as XMPP occupants and native members see it: from whom. */
  async function lineSeenFrom(speaker: IrcTestClient, channel: string, text: string, occupant: XmppTestClient, roomJid: string, member: NativeClient): Promise<{ jid: string; senderName: unknown }> {
    speaker.privmsg(channel, text);
    const line = await occupant.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === text, 10_000, `"${text}"`);
    const message = (await member.waitForType("message", (frame) => (frame["message"] as Frame)["body"] === text, 10_000))["message"] as Frame;
    return { jid: String(line.attrs["from"]).slice(roomJid.length + 1), senderName: message["sender_name"] };
  }

  it("shows an IRC user who goes by a user's name as name%network in the occupant list, bridged_people and their joins and leaves, as their lines", async function () {
    this.timeout(60_000);
    const tom = await suite.native("tom");
    const name = suite.nameOf(tom);
    const shown = `${name}%${NETWORK}`;
    const { channel, roomJid, address } = await openChannel("names");
    const namesake = await ircAs(name);
    await namesake.join(channel);

    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    const listed = occupantsShown(juliet, roomJid).map((nick) => nick.toLowerCase());
    assert.ok(listed.includes(shown) && !listed.includes(name), `occupants: ${listed.join(", ")}`);
    const alice = await suite.native("alice");
    assert.ok(bridgedNicks(await alice.ok({ type: "room.join", room: address })).includes(shown), "in the answer to room.join");
    const members = await alice.ok({ type: "room.members", room: address });
    assert.ok(bridgedNicks(members).includes(shown) && !bridgedNicks(members).includes(name), JSON.stringify(members["bridged_people"]));

    assert.deepEqual(await lineSeenFrom(namesake, channel, "it is me, tom", juliet, roomJid, alice), { jid: shown, senderName: shown });

    // Leaving and coming back: under the same name.
    namesake.send(`PART ${channel}`);
    const left = await juliet.waitForPresence(`${roomJid}/${shown}`, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    assert.ok(!statusCodes(left).includes("303"), "a leave, no nick change");
    const leftAtAlice = await alice.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Frame)["address"] === `irc://${NETWORK}/${name}`, 10_000);
    assert.equal((leftAtAlice["member"] as Frame)["nick"], shown);
    await namesake.join(channel);
    await juliet.waitForPresence(`${roomJid}/${shown}`, (stanza) => stanza.attrs["type"] === undefined, 10_000);
    const joinedAtAlice = await alice.waitForType("room.member", (frame) => frame["event"] === "joined" && (frame["member"] as Frame)["address"] === `irc://${NETWORK}/${name}`, 10_000);
    assert.equal((joinedAtAlice["member"] as Frame)["nick"], shown);
    assert.equal(juliet.transcript.filter((stanza) => stanza.is("presence") && stanza.attrs["from"] === `${roomJid}/${name}`).length, 0, "never shown under the user's name");
  });

  it("renames an IRC user in the room when their nick becomes a user's name, and back when they link it to that user", async function () {
    this.timeout(60_000);
    const name = uniqueUser("sam");
    const shown = `${name}%${NETWORK}`;
    const { channel, roomJid, address } = await openChannel("later");
    const sam = await ircAs(name);
    await sam.join(channel);
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    assert.ok(occupantsShown(juliet, roomJid).includes(name));
    const alice = await suite.native("alice");
    assert.ok(bridgedNicks(await alice.ok({ type: "room.join", room: address })).includes(name));
    // A line now: the name's answer is remembered for half a minute; the registration below must not wait for it.
    assert.deepEqual(await lineSeenFrom(sam, channel, "nobody has my name", juliet, roomJid, alice), { jid: name, senderName: name });

    const owner = await NativeClient.session(suite.daemon().url, name, PASSWORD, { register: true });
    closers.push(() => owner.close());
    await nickChangeSeen(juliet, roomJid, name, shown);
    await renamedSeen(alice, name, shown);
    assert.deepEqual(await lineSeenFrom(sam, channel, "somebody has my name", juliet, roomJid, alice), { jid: shown, senderName: shown });

    // Linked to the user, the nick is theirs to go by (NickReservations.mayUse): shown as it is again.
    await owner.ok({ type: "identity.link", address: `irc://${NETWORK}/${name}` });
    const notice = await sam.waitFor((line) => line.command === "NOTICE" && line.nick === GATEWAY_NICK && CODE.test(line.params[1] ?? ""), 10_000, "the link code");
    sam.privmsg(GATEWAY_NICK, CODE.exec(notice.params[1] ?? "")?.[1] ?? "");
    await owner.waitForType("identity.linked", (frame) => frame["linked"] === true, 10_000);
    await nickChangeSeen(juliet, roomJid, shown, name);
    await renamedSeen(alice, shown, name);
    assert.deepEqual(await lineSeenFrom(sam, channel, "it is my name", juliet, roomJid, alice), { jid: name, senderName: name });
  });

  it("lets a user join and take their own name in a room where their linked IRC nick is, which the room then shows as name%network", async function () {
    this.timeout(60_000);
    const name = uniqueUser("ivy");
    const shown = `${name}%${NETWORK}`;
    const { channel, roomJid, address } = await openChannel("mine");
    const ivy = await ircAs(name);
    await ivy.join(channel);
    const owner = await NativeClient.session(suite.daemon().url, name, PASSWORD, { register: true });
    closers.push(() => owner.close());
    await owner.ok({ type: "identity.link", address: `irc://${NETWORK}/${name}` });
    const notice = await ivy.waitFor((line) => line.command === "NOTICE" && line.nick === GATEWAY_NICK && CODE.test(line.params[1] ?? ""), 10_000, "the link code");
    ivy.privmsg(GATEWAY_NICK, CODE.exec(notice.params[1] ?? "")?.[1] ?? "");
    await owner.waitForType("identity.linked", (frame) => frame["linked"] === true, 10_000);
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    assert.ok(occupantsShown(juliet, roomJid).includes(name), "her linked nick goes by her name");
    await juliet.waitForPresence(`${roomJid}/${name}`, (stanza) => stanza.attrs["type"] === undefined, 10_000); // taken: the next is someone else's
    const alice = await suite.native("alice");
    assert.ok(bridgedNicks(await alice.ok({ type: "room.join", room: address })).includes(name));

    // Her own linked nick holds the name in the channel: it is hers, and blocks her no more than it does her lines.
    const joined = await owner.ok({ type: "room.join", room: address });
    assert.ok(bridgedNicks(joined).includes(shown) && !bridgedNicks(joined).includes(name), JSON.stringify(joined["bridged_people"]));
    // One name for one member of the room: her IRC nick is shown as name%network, told before her join.
    await nickChangeSeen(juliet, roomJid, name, shown);
    await renamedSeen(alice, name, shown);
    const memberJoined = await alice.waitForType("room.member", (frame) => frame["event"] === "joined" && (frame["member"] as Frame)["address"] === `native:${name}`, 10_000);
    assert.equal((memberJoined["member"] as Frame)["nick"], name);
    const herJoin = await juliet.waitForPresence(`${roomJid}/${name}`, (stanza) => stanza.attrs["type"] === undefined, 10_000);
    const change = juliet.transcript.findIndex((stanza) => stanza.attrs["from"] === `${roomJid}/${name}` && statusCodes(stanza).includes("303"));
    assert.ok(change >= 0 && change < juliet.transcript.indexOf(herJoin), "the IRC nick's change before her join");

    // Another nick frees the name for her IRC nick; taking it back is as free as joining with it.
    await owner.ok({ type: "room.nick", room: address, nick: `${name}-away` });
    await renamedSeen(alice, shown, name);
    await owner.ok({ type: "room.nick", room: address, nick: name });
    await renamedSeen(alice, name, shown);
  });

  it("gives an IRC user shown as nick%network for an occupant's nick their own nick once that occupant left", async function () {
    this.timeout(60_000);
    const { channel, roomJid, address } = await openChannel("freed");
    const dave = await suite.ircUser("dave"); // not in the channel yet: his nick is free in the room
    const shown = `${dave.nick}%${NETWORK}`;
    const juliet = await suite.xmppUser("juliet");
    const kim = await suite.xmppUser("kim");
    await joinMuc(juliet, `${roomJid}/${dave.nick}`);
    await joinMuc(kim, `${roomJid}/Kim`);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: address });
    await dave.join(channel);
    await kim.waitForPresence(`${roomJid}/${shown}`, (stanza) => stanza.attrs["type"] === undefined, 10_000);

    await juliet.send(xml("presence", { to: `${roomJid}/${dave.nick}`, type: "unavailable" }));
    await nickChangeSeen(kim, roomJid, shown, dave.nick);
    await renamedSeen(alice, shown, dave.nick);
    assert.deepEqual(await lineSeenFrom(dave, channel, "my nick again", kim, roomJid, alice), { jid: dave.nick, senderName: dave.nick });
  });
});
