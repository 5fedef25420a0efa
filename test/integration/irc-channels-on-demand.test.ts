/**
 * IRC channels joined by XMPP users at will (irc.networks[].open_channels), as with Biboumi, against a real
 * Prosody and a real ngIRCd started by the test: an XMPP user joins #chan%libera@<gateway domain>, the gateway
 * joins the channel for them, lines go both ways, and the gateway leaves once the last occupant left. A channel
 * bridged by the configuration is joined by its own JID too, and shares its room with the hub's MUC. A network
 * without open_channels refuses a channel nobody bridged.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { IrcMessage, IrcTestClient } from "../helpers/irc-client.js";
import { GATEWAY_NICK, NETWORK, useNetworks } from "../helpers/network-suite.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";

function selfPresence(stanza: Element): boolean {
  return stanza.attrs["type"] === undefined && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110");
}

function joinPresence(occupantJid: string, password?: string): Element {
  return xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC }, ...(password === undefined ? [] : [xml("password", {}, password)])));
}

/** Joins (with a password when given) and resolves once the room confirmed it (self-presence, status 110). */
async function joinMuc(user: XmppTestClient, occupantJid: string, password?: string): Promise<void> {
  await user.send(joinPresence(occupantJid, password));
  await user.waitForPresence(occupantJid, selfPresence, 10_000);
}

async function leaveMuc(user: XmppTestClient, occupantJid: string): Promise<void> {
  await user.send(xml("presence", { to: occupantJid, type: "unavailable" }));
  await user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
}

/** Sends a join (with a password when given) and resolves with the room's refusal of it. */
async function refusedJoin(user: XmppTestClient, occupantJid: string, password?: string, timeoutMs = 10_000): Promise<Element> {
  await user.send(joinPresence(occupantJid, password));
  return user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === "error", timeoutMs);
}

/** A channel operator sets a mode (+i, +k key...) and sees the server apply it. */
async function setMode(op: IrcTestClient, channel: string, mode: string): Promise<void> {
  op.send(`MODE ${channel} ${mode}`);
  const flag = mode.split(" ")[0] ?? mode;
  await op.waitFor((line) => line.command === "MODE" && line.params[1] === flag, 10_000, `the ${flag}`);
}

const isLine = (command: string, nick: string, channel: string) => (line: IrcMessage): boolean =>
  line.command === command && line.nick?.toLowerCase() === nick.toLowerCase() && line.params[0]?.toLowerCase() === channel.toLowerCase();

describe("IRC channels on demand (open_channels)", function () {
  const suite = useNetworks({ ircYaml: ["open_channels: true", "channels:", '  - channel: "#conf"', "    room: conf"] });
  const domain = (): string => suite.prosody().componentDomain;

  it("joins any channel for an XMPP user at #chan%network@gateway, carries lines both ways and leaves after the last occupant", async function () {
    this.timeout(60_000);
    const bob = await suite.ircUser("bob");
    const channel = `#open${bob.nick.slice(-6)}`;
    await bob.join(channel);
    bob.send(`TOPIC ${channel} :open to all`);
    await bob.waitFor((line) => line.command === "TOPIC", 10_000, "the topic set");
    const roomJid = `${channel}%${NETWORK}@${domain()}`;
    const juliet = await suite.xmppUser("juliet");
    // Clients ask what the JID is before joining (service discovery): a MUC, though nobody bridged it yet.
    const info = await juliet.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    assert.equal(info.getChild("query")?.getChild("identity")?.attrs["category"], "conference");
    const features = (info.getChild("query")?.getChildren("feature") ?? []).map((feature) => String(feature.attrs["var"]));
    assert.ok(features.includes("http://jabber.org/protocol/muc") && features.includes("muc_semianonymous"), features.join(", "));
    // Gajim asks for the nick reserved for her (XEP-0045 7.12): none, an empty answer, not the room's own identity
    // (which it would take for her nick); a node the room does not have is item-not-found.
    const reserved = await juliet.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info", node: "x-roomuser-item" })));
    assert.equal(reserved.attrs["type"], "result");
    assert.equal(reserved.getChild("query")?.attrs["node"], "x-roomuser-item");
    assert.deepEqual(reserved.getChild("query")?.children, []);
    await assert.rejects(juliet.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info", node: "no-such-node" }))), /item-not-found/);
    await joinMuc(juliet, `${roomJid}/Juliet`);
    await bob.waitFor(isLine("JOIN", GATEWAY_NICK, channel), 10_000, "the gateway joining the channel");
    // The occupants she was shown: the people in the channel (bob, as the server spells him), not the gateway.
    const occupants = juliet.transcript.filter((stanza) => stanza.is("presence") && String(stanza.attrs["from"]).startsWith(`${roomJid}/`) && stanza.attrs["type"] === undefined);
    assert.deepEqual(occupants.map((stanza) => String(stanza.attrs["from"]).slice(roomJid.length + 1)), [bob.nick, "Juliet"], "bob first, then her own presence");
    // The gateway's room list leaves the channel's hub out (its native JID would read as another channel's).
    const items = await juliet.iq(xml("iq", { type: "get", to: domain() }, xml("query", { xmlns: "http://jabber.org/protocol/disco#items" })));
    const listed = (items.getChild("query")?.getChildren("item") ?? []).map((item) => String(item.attrs["jid"]));
    assert.ok(listed.includes(`#conf@${domain()}`) && !listed.some((jid) => jid.includes(channel.slice(1))), listed.join(", "));
    // Then the channel's topic as the room's subject.
    const subject = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === roomJid && stanza.getChild("subject") !== undefined);
    assert.equal(subject.getChildText("subject"), "open to all");

    bob.privmsg(channel, "hello from irc ✓");
    const fromBob = await juliet.waitForMessage(`${roomJid}/${bob.nick}`, (stanza) => stanza.attrs["type"] === "groupchat" && stanza.getChildText("body") !== null, 10_000);
    assert.equal(fromBob.getChildText("body"), "hello from irc ✓");

    await juliet.sendMessage(roomJid, "hello from xmpp", "groupchat");
    const puppet = `${juliet.bareJid.split("@")[0] ?? ""}[sb]`;
    const said = await bob.waitFor(isLine("PRIVMSG", puppet, channel), 10_000, "juliet's puppet speaking in the channel");
    assert.equal(said.params[1], "hello from xmpp");
    const reflected = await juliet.waitForMessage(`${roomJid}/Juliet`, (stanza) => stanza.getChildText("body") === "hello from xmpp");
    assert.equal(reflected.attrs["type"], "groupchat");

    // A second occupant keeps the channel joined when the first leaves; the last one leaving parts it.
    const kim = await suite.xmppUser("kim");
    await joinMuc(kim, `${roomJid}/Kim`);
    // XEP-0410 self-ping: in the room, the ping to her own occupant JID is answered; once she left, not-acceptable.
    const selfPing = (): Promise<Element> => juliet.iq(xml("iq", { type: "get", to: `${roomJid}/Juliet` }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    assert.equal((await selfPing()).attrs["type"], "result");
    await leaveMuc(juliet, `${roomJid}/Juliet`);
    await assert.rejects(selfPing(), /not-acceptable/);
    await bob.waitFor(isLine("PART", puppet, channel), 10_000, "juliet's puppet leaving with her");
    bob.privmsg(channel, "still there, kim?");
    const atKim = await kim.waitForMessage(`${roomJid}/${bob.nick}`, (stanza) => stanza.getChildText("body") === "still there, kim?", 10_000);
    assert.ok(atKim);
    assert.equal(bob.take(isLine("PART", GATEWAY_NICK, channel)).length, 0, "the gateway left while kim was in");
    await leaveMuc(kim, `${roomJid}/Kim`);
    await bob.waitFor(isLine("PART", GATEWAY_NICK, channel), 10_000, "the gateway leaving after the last occupant");

    // Joining again brings the gateway back.
    await joinMuc(kim, `${roomJid}/Kim`);
    await bob.waitFor(isLine("JOIN", GATEWAY_NICK, channel), 10_000, "the gateway joining again");
    bob.privmsg(channel, "welcome back");
    assert.ok(await kim.waitForMessage(`${roomJid}/${bob.nick}`, (stanza) => stanza.getChildText("body") === "welcome back", 10_000));
  });

  it("shows an IRC user's nick change to the occupants as a MUC nick change (XEP-0045 7.6), after which the new nick is the one written to", async function () {
    this.timeout(30_000);
    const bob = await suite.ircUser("bob");
    const before = bob.nick;
    const channel = `#nick${before.slice(-6)}`;
    await bob.join(channel);
    const roomJid = `${channel}%${NETWORK}@${domain()}`;
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    await bob.waitFor(isLine("JOIN", GATEWAY_NICK, channel), 10_000, "the gateway joining the channel");

    const after = `${before}z`;
    bob.send(`NICK ${after}`);
    const gone = await juliet.waitForPresence(`${roomJid}/${before}`, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    const x = gone.getChild("x", MUC_USER);
    assert.deepEqual((x?.getChildren("status") ?? []).map((status) => status.attrs["code"]), ["303"], gone.toString());
    assert.equal(x?.getChild("item")?.attrs["nick"], after, "the unavailable presence names the new nick");
    const back = await juliet.waitForPresence(`${roomJid}/${after}`, () => true, 10_000);
    assert.equal(back.attrs["type"], undefined, "then the new nick is in the room");

    bob.privmsg(channel, "same person, new nick");
    assert.ok(await juliet.waitForMessage(`${roomJid}/${after}`, (stanza) => stanza.getChildText("body") === "same person, new nick", 10_000));
    // A private message to the new nick (XEP-0045 7.5) reaches him: the room knows who is behind it now.
    await juliet.sendMessage(`${roomJid}/${after}`, "psst");
    const query = await bob.waitFor((line) => line.command === "PRIVMSG" && line.params[0]?.toLowerCase() === after.toLowerCase(), 10_000, "the private message");
    assert.equal(query.params[1], "psst");
  });

  it("shows IRC channel operators as MUC moderators (admins), following the MODEs that make and unmake them, natively too", async function () {
    this.timeout(30_000);
    const bob = await suite.ircUser("bob");
    const channel = `#ops${bob.nick.slice(-6)}`;
    await bob.join(channel); // the first in a channel is its operator
    const carol = await suite.ircUser("carol");
    await carol.join(channel);
    const roomJid = `${channel}%${NETWORK}@${domain()}`;
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    const itemOf = (stanza: Element): [unknown, unknown] => {
      const item = stanza.getChild("x", MUC_USER)?.getChild("item");
      return [item?.attrs["affiliation"], item?.attrs["role"]];
    };
    const listed = (nick: string): Element | undefined => juliet.transcript.find((stanza) => stanza.is("presence") && stanza.attrs["from"] === `${roomJid}/${nick}`);
    assert.deepEqual(itemOf(listed(bob.nick) as Element), ["admin", "moderator"], "the channel's operator");
    assert.deepEqual(itemOf(listed(carol.nick) as Element), ["member", "participant"]);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: `irc://${NETWORK}/${encodeURIComponent(channel)}` });

    await setMode(bob, channel, `+o ${carol.nick}`);
    const promoted = await juliet.waitForPresence(`${roomJid}/${carol.nick}`, (stanza) => itemOf(stanza)[1] === "moderator", 10_000);
    assert.deepEqual([promoted.attrs["type"], itemOf(promoted)], [undefined, ["admin", "moderator"]]);
    const native = await alice.waitForType("room.member", (frame) => frame["event"] === "role", 10_000);
    assert.deepEqual([(native["previous"] as Record<string, unknown>)["role"], native["member"]], ["member", { address: `irc://${NETWORK}/${carol.nick.toLowerCase()}`, nick: carol.nick, role: "admin" }]);

    await setMode(bob, channel, `-o ${carol.nick}`);
    const demoted = await juliet.waitForPresence(`${roomJid}/${carol.nick}`, (stanza) => itemOf(stanza)[1] === "participant", 10_000);
    assert.deepEqual(itemOf(demoted), ["member", "participant"]);
    await alice.waitForType("room.member", (frame) => frame["event"] === "role" && (frame["member"] as Record<string, unknown>)["role"] === "member", 10_000);
    // A mode that changes nobody's role (voice) shows nothing.
    await setMode(bob, channel, `+v ${carol.nick}`);
    await setMode(bob, channel, `+o ${carol.nick}`);
    const again = await alice.waitForType("room.member", (frame) => frame["event"] === "role" && (frame["member"] as Record<string, unknown>)["role"] === "admin", 10_000);
    assert.equal((again["previous"] as Record<string, unknown>)["role"], "member");
    assert.deepEqual(alice.pending("room.member").filter((frame) => frame["event"] === "role"), [], "the +v showed nothing");
  });

  it("puts a person whose puppet an operator kicked out of the room, as Biboumi does: told who and why on every network, no rejoin until they join again", async function () {
    this.timeout(60_000);
    const op = await suite.ircUser("op");
    const channel = `#kick${op.nick.slice(-6)}`;
    await op.join(channel); // first in: the channel's operator
    const roomJid = `${channel}%${NETWORK}@${domain()}`;
    const roomRef = `irc://${NETWORK}/${encodeURIComponent(channel)}`;
    const juliet = await suite.xmppUser("juliet");
    const kim = await suite.xmppUser("kim");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    await joinMuc(kim, `${roomJid}/Kim`);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: roomRef });
    const julietPuppet = `${juliet.bareJid.split("@")[0] ?? ""}[sb]`;
    const alicePuppet = `${suite.nameOf(alice)}[sb]`;
    // An IRC user kicked is shown kicked too (at once, not held as a leave is), with who and why.
    const carol = await suite.ircUser("carol");
    await carol.join(channel);
    await juliet.waitForPresence(`${roomJid}/${carol.nick}`, (stanza) => stanza.attrs["type"] === undefined, 10_000);
    op.send(`KICK ${channel} ${carol.nick} :off topic`);
    const carolOut = await juliet.waitForPresence(`${roomJid}/${carol.nick}`, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    const carolItem = carolOut.getChild("x", MUC_USER);
    assert.deepEqual((carolItem?.getChildren("status") ?? []).map((status) => status.attrs["code"]), ["307"]);
    assert.deepEqual([carolItem?.getChild("item")?.getChild("actor")?.attrs["nick"], carolItem?.getChild("item")?.getChildText("reason")], [op.nick, "off topic"]);
    const carolAtAlice = await alice.waitForType("room.member", (frame) => frame["event"] === "left", 10_000);
    assert.deepEqual([(carolAtAlice["member"] as Record<string, unknown>)["nick"], carolAtAlice["kicked"]], [carol.nick, { by: op.nick, reason: "off topic" }]);
    await juliet.sendMessage(roomJid, "hello, channel", "groupchat");
    await op.waitFor(isLine("PRIVMSG", julietPuppet, channel), 10_000, "juliet's puppet speaking");
    assert.equal(op.take(isLine("JOIN", julietPuppet, channel)).length, 1, "her puppet joined to speak");

    op.send(`KICK ${channel} ${julietPuppet} :mind your manners`);
    // Juliet's client: her own unavailable presence, kicked (110, 307), with the operator and the reason.
    const kicked = await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    const x = kicked.getChild("x", MUC_USER);
    assert.deepEqual((x?.getChildren("status") ?? []).map((status) => status.attrs["code"]).sort(), ["110", "307"]);
    assert.equal(x?.getChild("item")?.getChild("actor")?.attrs["nick"], op.nick);
    assert.equal(x?.getChild("item")?.getChildText("reason"), "mind your manners");
    // The other occupant and the native member see her kicked, not just leaving.
    const atKim = await kim.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    assert.deepEqual((atKim.getChild("x", MUC_USER)?.getChildren("status") ?? []).map((status) => status.attrs["code"]), ["307"]);
    const atAlice = await alice.waitForType("room.member", (frame) => frame["event"] === "left", 10_000);
    assert.deepEqual(atAlice["kicked"], { by: op.nick, reason: "mind your manners" });
    // She is out: her next line is refused, and her puppet does not join the channel again for it.
    await juliet.sendMessage(roomJid, "still here?", "groupchat");
    const refused = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["type"] === "error", 10_000, "the refusal of her line");
    assert.ok(refused.getChild("error")?.getChild("not-acceptable", "urn:ietf:params:xml:ns:xmpp-stanzas"), refused.toString());
    await alice.ok({ type: "room.send", room: roomRef, body: "she is gone" });
    await op.waitFor(isLine("PRIVMSG", alicePuppet, channel), 10_000, "alice's line");
    assert.equal(op.take(isLine("JOIN", julietPuppet, channel)).length, 0, "no rejoin of juliet's puppet");

    // A native member kicked is told in her own session and is out of the room too.
    op.send(`KICK ${channel} ${alicePuppet} :you too`);
    const own = await alice.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Record<string, unknown>)["address"] === `native:${suite.nameOf(alice)}`, 10_000);
    assert.deepEqual(own["kicked"], { by: op.nick, reason: "you too" });
    assert.equal((await alice.request({ type: "room.send", room: roomRef, body: "let me in" }))["code"], "GW_ERR_NOT_MEMBER");

    // Joining again is allowed (no ban): her puppet joins the channel with her next line.
    await joinMuc(juliet, `${roomJid}/Juliet`);
    await juliet.sendMessage(roomJid, "sorry", "groupchat");
    await op.waitFor(isLine("JOIN", julietPuppet, channel), 10_000, "juliet's puppet joining again");
    const sorry = await op.waitFor(isLine("PRIVMSG", julietPuppet, channel), 10_000, "her line after rejoining");
    assert.equal(sorry.params[1], "sorry");
    // The last occupant kicked: the gateway leaves the channel it joined for them.
    await leaveMuc(kim, `${roomJid}/Kim`);
    op.send(`KICK ${channel} ${julietPuppet} :enough`);
    await op.waitFor(isLine("PART", GATEWAY_NICK, channel), 10_000, "the gateway leaving after the last occupant was kicked");
  });

  it("never lets an IRC user speak under an occupant's nick: someone of the channel with a nick a member has is shown as nick%network", async function () {
    this.timeout(30_000);
    const bob = await suite.ircUser("bob");
    const channel = `#same${bob.nick.slice(-6)}`;
    await bob.join(channel);
    const roomJid = `${channel}%${NETWORK}@${domain()}`;
    const mallory = await suite.ircUser("mallory"); // not in the channel yet: her nick is free in the room
    const juliet = await suite.xmppUser("juliet");
    const kim = await suite.xmppUser("kim");
    await joinMuc(juliet, `${roomJid}/${mallory.nick}`);
    await joinMuc(kim, `${roomJid}/Kim`);
    await kim.waitForPresence(`${roomJid}/${mallory.nick}`);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: `irc://${NETWORK}/${encodeURIComponent(channel)}` });

    await mallory.join(channel);
    const shown = `${mallory.nick}%${NETWORK}`;
    const joined = await kim.waitForPresence(`${roomJid}/${shown}`, () => true, 10_000);
    assert.equal(joined.attrs["type"], undefined);
    mallory.privmsg(channel, "it is me, juliet");
    const line = await kim.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === "it is me, juliet", 10_000);
    assert.equal(line.attrs["from"], `${roomJid}/${shown}`, "not from juliet's occupant JID");
    // Everywhere: native members read the same name, and it is what the history keeps.
    const atAlice = (await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "it is me, juliet", 10_000))["message"] as Record<string, unknown>;
    assert.equal(atAlice["sender_name"], shown);
    // Juliet's own nick stays hers: a private message to it reaches her, one to the shown nick the IRC user.
    await kim.sendMessage(`${roomJid}/${mallory.nick}`, "is that you?");
    assert.ok(await juliet.waitForMessage(`${roomJid}/Kim`, (stanza) => stanza.getChildText("body") === "is that you?", 10_000));
    await kim.sendMessage(`${roomJid}/${shown}`, "who are you?");
    const query = await mallory.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "who are you?", 10_000, "the private message");
    assert.equal(query.params[0]?.toLowerCase(), mallory.nick.toLowerCase());
    // Someone joining now is shown both: Juliet under her nick, the IRC user as nick%network.
    const late = await suite.xmppUser("late");
    await joinMuc(late, `${roomJid}/Late`);
    const listed = late.transcript.filter((stanza) => stanza.is("presence") && stanza.attrs["type"] === undefined).map((stanza) => String(stanza.attrs["from"]).slice(roomJid.length + 1));
    assert.ok(listed.includes(mallory.nick) && listed.includes(shown), listed.join(", "));
  });

  it("refuses a channel name too long for a JOIN line, and cuts a subject to fit the channel's topic", async function () {
    this.timeout(30_000);
    const alice = await suite.native("alice");
    const tooLong = await alice.request({ type: "room.join", room: `irc://${NETWORK}/%23${"x".repeat(600)}` }); // a JOIN line of 600 bytes: more than IRC takes
    assert.equal(tooLong["code"], "GW_ERR_BAD_ADDRESS", JSON.stringify(tooLong));

    const bob = await suite.ircUser("bob");
    const channel = `#topic${bob.nick.slice(-6)}`;
    await bob.join(channel); // ngIRCd makes no channel +t: anyone in it may set the topic
    const address = `irc://${NETWORK}/${encodeURIComponent(channel)}`;
    await alice.ok({ type: "room.join", room: address });
    await bob.waitFor(isLine("JOIN", GATEWAY_NICK, channel), 10_000, "the gateway joining for alice");
    const subject = "é".repeat(600); // 1,200 bytes: more than a line holds
    await alice.ok({ type: "room.subject", room: address, subject });
    const topic = await bob.waitFor((line) => line.command === "TOPIC" && line.params[0]?.toLowerCase() === channel.toLowerCase(), 10_000, "the topic");
    const text = topic.params[1] ?? "";
    assert.ok(text.length > 0 && subject.startsWith(text) && Buffer.byteLength(text, "utf8") <= 300, `${Buffer.byteLength(text, "utf8")} bytes`);
  });

  it("answers a join the IRC server refuses (invite-only) with its reason, bridging nothing, and joins once it is allowed", async function () {
    this.timeout(30_000);
    const bob = await suite.ircUser("bob");
    const channel = `#locked${bob.nick.slice(-6)}`;
    await bob.join(channel);
    await setMode(bob, channel, "+i");
    const roomJid = `${channel}%${NETWORK}@${domain()}`;
    const dana = await suite.xmppUser("dana");
    const refused = await refusedJoin(dana, `${roomJid}/Dana`, undefined, 15_000);
    assert.ok(refused.getChild("error")?.getChild("forbidden"), refused.toString());
    assert.match(refused.getChild("error")?.getChildText("text") ?? "", /ERR_INVITEONLYCHAN/);

    await setMode(bob, channel, "-i");
    await joinMuc(dana, `${roomJid}/Dana`);
    bob.privmsg(channel, "come in");
    assert.ok(await dana.waitForMessage(`${roomJid}/${bob.nick}`, (stanza) => stanza.getChildText("body") === "come in", 10_000));
  });

  it("takes the MUC join's password as the channel's key (+k), as Biboumi does", async function () {
    this.timeout(30_000);
    const bob = await suite.ircUser("bob");
    const channel = `#keyed${bob.nick.slice(-6)}`;
    await bob.join(channel);
    await setMode(bob, channel, "+k s3cret");
    const roomJid = `${channel}%${NETWORK}@${domain()}`;
    const lena = await suite.xmppUser("lena");
    const refused = await refusedJoin(lena, `${roomJid}/Lena`, "wrong", 15_000);
    // not-authorized, as a MUC asks for its password (XEP-0045 7.2.6): clients then prompt for it.
    assert.ok(refused.getChild("error")?.getChild("not-authorized"), refused.toString());
    assert.match(refused.getChild("error")?.getChildText("text") ?? "", /ERR_BADCHANNELKEY/);
    await joinMuc(lena, `${roomJid}/Lena`, "s3cret");
    bob.privmsg(channel, "the key was right");
    assert.ok(await lena.waitForMessage(`${roomJid}/${bob.nick}`, (stanza) => stanza.getChildText("body") === "the key was right", 10_000));
  });

  it("lets a native user join any channel by its address, talk there by that address, and leave it", async function () {
    this.timeout(30_000);
    const bob = await suite.ircUser("bob");
    const channel = `#native${bob.nick.slice(-6)}`;
    await bob.join(channel);
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const address = `irc://${NETWORK}/${encodeURIComponent(channel)}`;
    const joined = await alice.ok({ type: "room.join", room: address });
    await bob.waitFor(isLine("JOIN", GATEWAY_NICK, channel), 10_000, "the gateway joining for alice");
    const hub = (joined["room"] as Record<string, unknown>)["address"];
    assert.equal(hub, `native:${encodeURIComponent(`#${channel}%${NETWORK}`)}`, "the room the channel is bridged to");

    // bob's nick is his in this room, for native members too.
    const carol = await suite.native("carol");
    const taken = await carol.request({ type: "room.join", room: address, nick: bob.nick.toUpperCase() });
    assert.equal(taken["code"], "GW_ERR_NICK_IN_USE", JSON.stringify(taken));

    await alice.ok({ type: "room.send", room: address, body: "hi from native" });
    assert.equal((await bob.waitFor(isLine("PRIVMSG", `${aliceName}[sb]`, channel), 10_000)).params[1], "hi from native");
    bob.privmsg(channel, "hi alice");
    const fromBob = await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "hi alice", 10_000);
    assert.equal((fromBob["message"] as Record<string, unknown>)["to"], hub);

    await alice.ok({ type: "room.leave", room: address });
    await bob.waitFor(isLine("PART", GATEWAY_NICK, channel), 10_000, "the gateway leaving with the last member");
    const notBridged = await alice.request({ type: "room.send", room: address, body: "still there?" });
    assert.equal(notBridged["code"], "GW_ERR_NOT_FOUND", JSON.stringify(notBridged));
  });

  it("refuses a native user's direct message to a channel's address: people talk there in its room", async function () {
    const alice = await suite.native("alice");
    // Any channel is somewhere on a network with open_channels, yet no recipient of a direct message: refused at once.
    const refused = await alice.request({ type: "message.send", to: `irc://${NETWORK}/%23anywhere`, body: "hello channel" });
    assert.equal(refused["code"], "GW_ERR_BAD_ADDRESS", JSON.stringify(refused));
  });

  it("lets an XMPP user join a configured bridge by the channel's JID, in one room with the hub's MUC and its native members", async function () {
    this.timeout(30_000);
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    await alice.ok({ type: "room.join", room: "conf" });
    const viaChannel = `#conf%${NETWORK}@${domain()}`;
    const viaHub = `#conf@${domain()}`;
    const carl = await suite.ircUser("carl");
    await carl.join("#conf");
    const romy = await suite.xmppUser("romy");
    await joinMuc(romy, `${viaChannel}/Romy`);
    // Her occupants: alice and the people in the channel (the channel itself is no occupant).
    const occupants = romy.transcript.filter((stanza) => stanza.is("presence") && String(stanza.attrs["from"]).startsWith(`${viaChannel}/`) && stanza.attrs["type"] === undefined);
    assert.deepEqual(occupants.map((stanza) => String(stanza.attrs["from"]).slice(viaChannel.length + 1)).sort(), [aliceName, carl.nick, "Romy"].sort());
    const sami = await suite.xmppUser("sami");
    // carl's nick is his in this room: taking it would make his lines look like the occupant's own (conflict).
    const conflict = await refusedJoin(sami, `${viaHub}/${carl.nick.toUpperCase()}`);
    assert.ok(conflict.getChild("error")?.getChild("conflict"), conflict.toString());
    await joinMuc(sami, `${viaHub}/Sami`);
    await romy.waitForPresence(`${viaChannel}/Sami`, (stanza) => stanza.attrs["type"] === undefined, 10_000);

    await alice.ok({ type: "room.send", room: "conf", body: "hi both" });
    assert.ok(await romy.waitForMessage(`${viaChannel}/${aliceName}`, (stanza) => stanza.getChildText("body") === "hi both", 10_000));
    assert.ok(await sami.waitForMessage(`${viaHub}/${aliceName}`, (stanza) => stanza.getChildText("body") === "hi both", 10_000));

    await romy.sendMessage(viaChannel, "hi from the channel's JID", "groupchat");
    const atAlice = await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "hi from the channel's JID", 10_000);
    assert.deepEqual([(atAlice["message"] as Record<string, unknown>)["to"], (atAlice["message"] as Record<string, unknown>)["sender_name"]], ["native:%23conf", "Romy"]);
    assert.ok(await sami.waitForMessage(`${viaHub}/Romy`, (stanza) => stanza.getChildText("body") === "hi from the channel's JID", 10_000));

    // Leaving by the channel's JID leaves the configured bridge as it was.
    await leaveMuc(romy, `${viaChannel}/Romy`);
    const bob = await suite.ircUser("bob");
    await bob.join("#conf");
    bob.privmsg("#conf", "the bridge is still there");
    assert.ok(await sami.waitForMessage(`${viaHub}/${bob.nick}`, (stanza) => stanza.getChildText("body") === "the bridge is still there", 10_000));
  });

  it("keeps a puppet's nick its person's for good: someone else with the same name gets another, even once the first is gone", async function () {
    this.timeout(60_000);
    const bob = await suite.ircUser("bob");
    const channel = `#claims${bob.nick.slice(-6)}`;
    await bob.join(channel);
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const address = `irc://${NETWORK}/${encodeURIComponent(channel)}`;
    await alice.ok({ type: "room.join", room: address });
    await alice.ok({ type: "room.send", room: address, body: "the real alice" });
    assert.ok(await bob.waitFor(isLine("PRIVMSG", `${aliceName}[sb]`, channel), 10_000, "alice's puppet"));
    await alice.close();

    // A restart: no puppet is connected any more. An XMPP user whose name is alice's speaks in the channel.
    await suite.daemon().restart();
    await suite.daemon().waitForLog(/IRC network online/);
    await suite.prosody().register(aliceName, PASSWORD);
    const namesake = await XmppTestClient.connect(suite.prosody(), aliceName, PASSWORD);
    await namesake.sendPresence();
    const roomJid = `${channel}%${NETWORK}@${domain()}`;
    await joinMuc(namesake, `${roomJid}/Namesake`);
    await namesake.sendMessage(roomJid, "not alice", "groupchat");
    const said = await bob.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "not alice", 15_000, "the namesake's line");
    assert.equal(said.nick?.toLowerCase(), `${aliceName}2[sb]`.toLowerCase(), "never alice's nick");
    await namesake.stop();
  });
});

describe("IRC channels on demand across a crash of the daemon", function () {
  const suite = useNetworks({ ircYaml: ["open_channels: true"] });

  it("tells a client still believing it is in (XEP-0410) that it is not, joins the channel again for it, and leaves it after", async function () {
    this.timeout(60_000);
    const bob = await suite.ircUser("bob");
    const channel = `#again${bob.nick.slice(-6)}`;
    await bob.join(channel);
    const roomJid = `${channel}%${NETWORK}@${suite.prosody().componentDomain}`;
    const juliet = await suite.xmppUser("juliet");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    await bob.waitFor(isLine("JOIN", GATEWAY_NICK, channel), 10_000, "the gateway joining");

    const daemon = suite.daemon();
    await daemon.stop("SIGKILL");
    await daemon.start();
    await daemon.waitForLog(/XMPP component online/);
    await daemon.waitForLog(/IRC network online/);
    await assert.rejects(juliet.iq(xml("iq", { type: "get", to: `${roomJid}/Juliet` }, xml("ping", { xmlns: "urn:xmpp:ping" }))), /not-acceptable/);

    await joinMuc(juliet, `${roomJid}/Juliet`);
    await bob.waitFor(isLine("JOIN", GATEWAY_NICK, channel), 15_000, "the gateway joining again");
    bob.privmsg(channel, "welcome back");
    assert.ok(await juliet.waitForMessage(`${roomJid}/${bob.nick}`, (stanza) => stanza.getChildText("body") === "welcome back", 10_000));
    // Her membership from before the crash was cleared: her leave now leaves nobody, and the gateway parts.
    await leaveMuc(juliet, `${roomJid}/Juliet`);
    await bob.waitFor(isLine("PART", GATEWAY_NICK, channel), 10_000, "the gateway leaving after the last occupant");
  });
});

describe("IRC channels on demand for some people only (open_channels_for)", function () {
  const suite = useNetworks({ ircYaml: ["open_channels: true", 'open_channels_for: ["native:*"]', "open_channels_max: 1"] });

  it("refuses an XMPP user who fits no pattern, joins a channel for a native user (which the XMPP user may then join), and no more channels than open_channels_max", async function () {
    this.timeout(30_000);
    const bob = await suite.ircUser("bob");
    const channel = `#some${bob.nick.slice(-6)}`;
    await bob.join(channel);
    const roomJid = `${channel}%${NETWORK}@${suite.prosody().componentDomain}`;
    const juliet = await suite.xmppUser("juliet");
    const refused = await refusedJoin(juliet, `${roomJid}/Juliet`);
    assert.ok(refused.getChild("error")?.getChild("forbidden"), refused.toString());

    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: `irc://${NETWORK}/${encodeURIComponent(channel)}` });
    await bob.waitFor(isLine("JOIN", GATEWAY_NICK, channel), 10_000, "the gateway joining for alice");
    await joinMuc(juliet, `${roomJid}/Juliet`);
    bob.privmsg(channel, "both of you");
    assert.ok(await juliet.waitForMessage(`${roomJid}/${bob.nick}`, (stanza) => stanza.getChildText("body") === "both of you", 10_000));

    // open_channels_max: 1: a second channel waits until the first is left.
    const carol = await suite.native("carol");
    const second = `irc://${NETWORK}/${encodeURIComponent(`${channel}-2`)}`;
    const refused2 = await carol.request({ type: "room.join", room: second });
    assert.equal(refused2["code"], "GW_ERR_RATE_LIMITED", JSON.stringify(refused2));
    await leaveMuc(juliet, `${roomJid}/Juliet`);
    await alice.ok({ type: "room.leave", room: `irc://${NETWORK}/${encodeURIComponent(channel)}` });
    await bob.waitFor(isLine("PART", GATEWAY_NICK, channel), 10_000, "the gateway leaving the first channel");
    await carol.ok({ type: "room.join", room: second });
  });
});

describe("IRC channels on demand, off (the default)", function () {
  const suite = useNetworks();

  it("refuses to join a channel nobody bridged with forbidden, and joins nothing", async function () {
    const bob = await suite.ircUser("bob");
    const channel = `#closed${bob.nick.slice(-6)}`;
    await bob.join(channel);
    const juliet = await suite.xmppUser("juliet");
    const occupantJid = `${channel}%${NETWORK}@${suite.prosody().componentDomain}/Juliet`;
    const refused = await refusedJoin(juliet, occupantJid);
    assert.ok(refused.getChild("error")?.getChild("forbidden"), refused.toString());
    // The gateway's connection is not in the channel (it would have joined before the answer was sent).
    bob.send(`NAMES ${channel}`);
    const names = await bob.waitFor((line) => line.command === "353" && line.params[2]?.toLowerCase() === channel.toLowerCase(), 10_000, "NAMES");
    assert.deepEqual((names.params[3] ?? "").split(" ").map((nick) => nick.replace(/^[@+]/, "")), [bob.nick]);
  });
});
