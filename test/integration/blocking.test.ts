/**
 * Block lists (core/blocklist.ts) against a real Prosody and ngIRCd: a native user blocks a native user, an XMPP user
 * and an IRC nick. The blocked sender's messages are refused as to nobody (native: the error of a nonexistent user;
 * XMPP: the stanza error of a nonexistent user; IRC: nothing, not even a NOTICE), their subscription requests dropped, the blocker's
 * presence shown them offline until the unblock; the list survives a restart, and a block of a native user covers his
 * linked IRC nick; a blocked user's room invitation is dropped.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";
import type { IrcTestClient } from "../helpers/irc-client.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";

const TIMEOUT = 15_000;
const CODE = /\b([a-z0-9]{4}-[a-z0-9]{4})\b/i;

const messageOf = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;

describe("block lists (contact.block, contact.unblock, contact.blocked)", function () {
  const suite = useNetworks({ ircYaml: ["presence_poll_seconds: 5"] });

  /** `viewer` sees `subject`'s presence (subject approved), and has seen her online. */
  async function watch(viewer: NativeClient, subject: NativeClient): Promise<void> {
    const subjectAddress = `native:${suite.nameOf(subject)}`;
    await viewer.ok({ type: "presence.subscribe", address: subjectAddress });
    await subject.waitForType("subscription", (frame) => frame["from"] === `native:${suite.nameOf(viewer)}` && frame["action"] === "request");
    await subject.ok({ type: "presence.approve", address: `native:${suite.nameOf(viewer)}` });
    await viewer.waitForType("presence", (frame) => frame["from"] === subjectAddress && frame["show"] === "online", TIMEOUT);
  }

  /** `alice`'s puppet on IRC, made by a first message of hers to `ircUser`: its nick. */
  async function puppetOf(alice: NativeClient, ircUser: IrcTestClient): Promise<string> {
    await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${ircUser.nick}`, body: "hello from alice" });
    return (await ircUser.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "hello from alice", TIMEOUT)).nick ?? "";
  }

  it("refuses a blocked native user's messages as to nobody, shows him the blocker offline, and keeps the block across a restart until the unblock", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const aliceAddress = `native:${aliceName}`;
    const aliceElsewhere = await suite.nativeAs(aliceName);
    const bob = await suite.native("bob");
    const bobName = suite.nameOf(bob);
    await watch(bob, alice);

    const blocked = await alice.ok({ type: "contact.block", address: `native:${bobName.toUpperCase()}` });
    assert.equal(blocked["address"], `native:${bobName}`);
    const pushed = await aliceElsewhere.waitForType("contact.blocked.changed");
    assert.deepEqual([pushed["address"], pushed["blocked"]], [`native:${bobName}`, true]);
    await bob.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "offline", TIMEOUT);

    // The same answer as a message to nobody: bob cannot tell a block from a user who does not exist.
    const ghost = uniqueUser("ghost");
    const toGhost = await bob.request({ type: "message.send", to: `native:${ghost}`, body: "anyone?" });
    const toAlice = await bob.request({ type: "message.send", to: aliceAddress, body: "let me in" });
    assert.deepEqual([toAlice["type"], toAlice["code"]], [toGhost["type"], toGhost["code"]]);
    assert.equal(String(toAlice["message"]).replace(aliceAddress, "<to>"), String(toGhost["message"]).replace(`native:${ghost}`, "<to>"));
    const typingToGhost = await bob.request({ type: "typing", to: `native:${ghost}`, state: "composing" });
    const typingToAlice = await bob.request({ type: "typing", to: aliceAddress, state: "composing" });
    assert.deepEqual([typingToAlice["code"], typingToAlice["message"]], [typingToGhost["code"], typingToGhost["message"]]);
    assert.deepEqual((await alice.ok({ type: "contact.blocked" }))["blocked"], [`native:${bobName}`]);

    await suite.daemon().restart();
    const aliceAgain = await suite.nativeAs(aliceName);
    const bobAgain = await suite.nativeAs(bobName);
    assert.deepEqual((await aliceAgain.ok({ type: "contact.blocked" }))["blocked"], [`native:${bobName}`], "the list survives a restart");
    assert.equal((await bobAgain.request({ type: "message.send", to: aliceAddress, body: "after the restart" }))["code"], "GW_ERR_UNKNOWN_RECIPIENT");
    const listed = ((await bobAgain.ok({ type: "contact.list" }))["contacts"] as Frame[]).find((entry) => entry["address"] === aliceAddress);
    assert.equal((listed?.["presence"] as Frame | undefined)?.["show"], "offline", "bob's list shows alice offline");

    const unblocked = await aliceAgain.ok({ type: "contact.unblock", address: `native:${bobName}` });
    assert.deepEqual([unblocked["address"], unblocked["removed"]], [`native:${bobName}`, true]);
    await bobAgain.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "online", TIMEOUT);
    await bobAgain.ok({ type: "message.send", to: aliceAddress, body: "friends again" });
    // The first message alice gets from bob is the one after the unblock: none of the refused ones came.
    const first = messageOf(await aliceAgain.waitForType("message", (frame) => messageOf(frame)["from"] === `native:${bobName}`, TIMEOUT));
    assert.equal(first["body"], "friends again");
    assert.deepEqual((await aliceAgain.ok({ type: "contact.blocked" }))["blocked"], []);
  });

  it("answers a blocked XMPP user's chat as one to a user who does not exist and drops her subscription request", async function () {
    const alice = await suite.native("alice");
    const aliceJid = `${suite.nameOf(alice)}@${suite.prosody().componentDomain}`;
    const eve = await suite.xmppUser("eve");
    const romeo = await suite.xmppUser("romeo");
    await alice.ok({ type: "message.send", to: `xmpp:${eve.bareJid}`, body: "before the block" });
    const before = await eve.waitForMessage(aliceJid, (stanza) => stanza.getChildText("body") === "before the block", TIMEOUT);
    const hers = await eve.sendMessage(aliceJid, "mine, before the block");
    await alice.waitForType("message", (frame) => messageOf(frame)["body"] === "mine, before the block", TIMEOUT);
    await alice.ok({ type: "contact.block", address: `xmpp:${eve.bareJid}` });

    /** The error eve's chat to `jid` gets, its address written as <to>. */
    const refusal = async (jid: string): Promise<string> => {
      const id = await eve.sendMessage(jid, "hello?");
      const error = await eve.waitFor((stanza) => stanza.is("message") && stanza.attrs["type"] === "error" && stanza.attrs["id"] === id, TIMEOUT);
      return (error.getChild("error")?.toString() ?? "").replaceAll(jid.split("@")[0] ?? jid, "<to>");
    };
    const toGhost = await refusal(`${uniqueUser("ghost")}@${suite.prosody().componentDomain}`);
    assert.equal(await refusal(aliceJid), toGhost, "eve cannot tell the block from a user who does not exist");
    // Her reaction (XEP-0444) to a line alice sent her before is answered as her chat is (item-not-found, as to nobody).
    const reactions = xml("reactions", { xmlns: "urn:xmpp:reactions:0", id: String(before.attrs["id"]) }, xml("reaction", {}, "👍"));
    await eve.send(xml("message", { to: aliceJid, type: "chat", id: "eve-reacts" }, reactions));
    const refused = await eve.waitFor((stanza) => stanza.is("message") && stanza.attrs["type"] === "error" && stanza.attrs["id"] === "eve-reacts", TIMEOUT);
    assert.ok(refused.getChild("error")?.getChild("item-not-found") !== undefined, refused.toString());
    // So is her retraction (XEP-0424) of her own line from before.
    await eve.send(xml("message", { to: aliceJid, type: "chat", id: "eve-retracts" }, xml("retract", { xmlns: "urn:xmpp:message-retract:1", id: hers })));
    const unsaid = await eve.waitFor((stanza) => stanza.is("message") && stanza.attrs["type"] === "error" && stanza.attrs["id"] === "eve-retracts", TIMEOUT);
    assert.ok(unsaid.getChild("error")?.getChild("item-not-found") !== undefined, unsaid.toString());

    // Eve asks first, romeo after: alice is asked by romeo only.
    await eve.send(xml("presence", { to: aliceJid, type: "subscribe" }));
    await romeo.send(xml("presence", { to: aliceJid, type: "subscribe" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === `xmpp:${romeo.bareJid}` && frame["action"] === "request", TIMEOUT);
    assert.deepEqual(alice.pending("subscription").filter((frame) => frame["from"] === `xmpp:${eve.bareJid}`), [], "no request from eve");
    assert.deepEqual(alice.pending("message"), [], "no message from eve");
  });

  it("answers a blocked XMPP subscriber's presence probe with her offline, keeping his subscription for after the unblock", async function () {
    const alice = await suite.native("alice");
    const aliceJid = `${suite.nameOf(alice)}@${suite.prosody().componentDomain}`;
    const eve = await suite.xmppUser("eve");
    await eve.send(xml("presence", { to: aliceJid, type: "subscribe" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === `xmpp:${eve.bareJid}` && frame["action"] === "request", TIMEOUT);
    await alice.ok({ type: "presence.approve", address: `xmpp:${eve.bareJid}` });
    await eve.waitForPresence(aliceJid, (stanza) => stanza.attrs["type"] === undefined, TIMEOUT);
    await alice.ok({ type: "contact.block", address: `xmpp:${eve.bareJid}` });
    await eve.waitForPresence(aliceJid, (stanza) => stanza.attrs["type"] === "unavailable", TIMEOUT);

    // Her next login: her server probes alice, and hears her offline.
    await eve.stop();
    const again = await XmppTestClient.connect(suite.prosody(), eve.bareJid.split("@")[0] ?? "", PASSWORD, "again");
    await again.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    await again.sendPresence();
    await again.waitForPresence(aliceJid, (stanza) => stanza.attrs["type"] === "unavailable", TIMEOUT);
    const roster = await again.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    const item = roster.getChild("query", "jabber:iq:roster")?.getChildren("item").find((entry) => entry.attrs["jid"] === aliceJid);
    assert.ok(["to", "both"].includes(String(item?.attrs["subscription"])), item?.toString() ?? "no roster item");
    await alice.ok({ type: "contact.unblock", address: `xmpp:${eve.bareJid}` });
    await again.waitForPresence(aliceJid, (stanza) => stanza.attrs["type"] === undefined, TIMEOUT);
    await again.stop();
  });

  it("drops a blocked XMPP occupant's private message to her in a gateway room without an error, since the room shows her there", async function () {
    const alice = await suite.native("alice");
    const carol = await suite.native("carol");
    const room = `blkpm${suite.nameOf(alice).slice(-6)}`.toLowerCase();
    await alice.ok({ type: "room.create", name: room });
    await carol.ok({ type: "room.join", room });
    const roomJid = `#${room}@${suite.prosody().componentDomain}`;
    const eve = await suite.xmppUser("eve");
    await eve.send(xml("presence", { to: `${roomJid}/Eve` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await eve.waitForPresence(`${roomJid}/Eve`, (stanza) => stanza.attrs["type"] === undefined);
    await alice.ok({ type: "contact.block", address: `xmpp:${eve.bareJid}` });

    const blocked = await eve.sendMessage(`${roomJid}/${suite.nameOf(alice)}`, "psst, alice", "chat");
    await eve.sendMessage(`${roomJid}/${suite.nameOf(carol)}`, "psst, carol", "chat");
    await carol.waitForType("message", (frame) => messageOf(frame)["body"] === "psst, carol", TIMEOUT);
    // A line in the room after it: by the time eve has it, an error to her first message would be here.
    await carol.ok({ type: "room.send", room, body: "the room goes on" });
    await eve.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === "the room goes on", TIMEOUT);
    assert.deepEqual(eve.transcript.filter((stanza) => stanza.attrs["id"] === blocked && stanza.attrs["type"] === "error").map(String), [], "eve is told nothing");
    assert.deepEqual(alice.pending("message").filter((frame) => messageOf(frame)["scope"] === "direct"), [], "nothing from eve");
  });

  it("drops a blocked IRC nick's query to the blocker's puppet without a word, and takes another nick's", async function () {
    const alice = await suite.native("alice");
    const carl = await suite.ircUser("carl");
    const eve = await suite.ircUser("eve");
    const puppet = await puppetOf(alice, carl);
    await alice.ok({ type: "contact.block", address: `irc://${NETWORK}/${eve.nick.toUpperCase()}` });

    eve.privmsg(puppet, "you cannot ignore me");
    // Eve's line reached the server before carl's (carl has eve's next line), so it reached the puppet first.
    eve.privmsg(carl.nick, "your turn");
    await carl.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "your turn", TIMEOUT);
    carl.privmsg(puppet, "carl here");
    const got = messageOf(await alice.waitForType("message", () => true, TIMEOUT));
    assert.deepEqual([got["from"], got["body"]], [`irc://${NETWORK}/${carl.nick.toLowerCase()}`, "carl here"]);
    assert.deepEqual(alice.pending("message"), [], "nothing from eve");
    // Carl answers the puppet too: by then any NOTICE to eve, sent before carl's line was taken, would be here.
    assert.deepEqual(eve.take((line) => line.command === "NOTICE" && line.nick === puppet), [], "eve is told nothing");
  });

  /** `sender`'s query to `puppet` never reaches alice: carl's query after it is the first message she gets. */
  async function droppedBefore(alice: NativeClient, sender: IrcTestClient, carl: IrcTestClient, puppet: string, text: string): Promise<void> {
    sender.privmsg(puppet, text);
    // The sender's line reached the server before carl's (carl has the sender's next line), so it reached the puppet first.
    sender.privmsg(carl.nick, `after: ${text}`);
    await carl.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === `after: ${text}`, TIMEOUT);
    carl.privmsg(puppet, `carl after: ${text}`);
    const got = messageOf(await alice.waitForType("message", () => true, TIMEOUT));
    assert.deepEqual([got["from"], got["body"]], [`irc://${NETWORK}/${carl.nick.toLowerCase()}`, `carl after: ${text}`], `alice got "${String(got["body"])}"`);
  }

  it("drops the queries of whoever matches a blocked IRC hostmask, whatever their nick", async function () {
    const alice = await suite.native("alice");
    const carl = await suite.ircUser("carl");
    const eve = await suite.ircUser("eve");
    const puppet = await puppetOf(alice, carl);
    // Her user name (USER <nick>, "~" before it where the server has no ident) under any nick, from any host.
    const mask = `*!*${eve.nick}@*`;
    const blocked = await alice.ok({ type: "contact.block", address: `irc://${NETWORK}/${mask.toUpperCase()}` });
    assert.equal(blocked["address"], `irc://${NETWORK}/${mask.toLowerCase()}`);
    assert.deepEqual((await alice.ok({ type: "contact.blocked" }))["blocked"], [`irc://${NETWORK}/${mask.toLowerCase()}`]);

    await droppedBefore(alice, eve, carl, puppet, "under my own nick");
    const other = `x${eve.nick}`.slice(0, 30);
    eve.send(`NICK ${other}`);
    await eve.waitFor((line) => line.command === "NICK" && line.params[0] === other, TIMEOUT);
    await droppedBefore(alice, eve, carl, puppet, "under another nick");
    assert.deepEqual(alice.pending("message"), [], "nothing from eve");

    const malformed = await alice.request({ type: "contact.block", address: `irc://${NETWORK}/*@nowhere` });
    assert.equal(malformed["code"], "GW_ERR_BAD_ADDRESS");
  });

  it("keeps dropping a blocked nick's queries after a NICK, from the same user@host, while the gateway has not seen it quit", async function () {
    const alice = await suite.native("alice");
    const carl = await suite.ircUser("carl");
    const eve = await suite.ircUser("eve");
    const puppet = await puppetOf(alice, carl);
    await alice.ok({ type: "contact.block", address: `irc://${NETWORK}/${eve.nick}` });

    await droppedBefore(alice, eve, carl, puppet, "as myself");
    const other = `y${eve.nick}`.slice(0, 30);
    eve.send(`NICK ${other}`);
    await eve.waitFor((line) => line.command === "NICK" && line.params[0] === other, TIMEOUT);
    await droppedBefore(alice, eve, carl, puppet, "in disguise");
    assert.deepEqual(alice.pending("message"), [], "nothing from eve");
  });

  it("drops a blocked user's room invitation, with ok to the inviter", async function () {
    const alice = await suite.native("alice");
    const bob = await suite.native("bob");
    const carol = await suite.native("carol");
    const room = `blk${suite.nameOf(bob).slice(-6)}`.toLowerCase();
    await bob.ok({ type: "room.create", name: room });
    await carol.ok({ type: "room.join", room });
    await alice.ok({ type: "contact.block", address: `native:${suite.nameOf(bob)}` });

    await bob.ok({ type: "room.invite", room, to: `native:${suite.nameOf(alice)}` });
    await carol.ok({ type: "room.invite", room, to: `native:${suite.nameOf(alice)}` });
    const invitation = await alice.waitForType("room.invitation", () => true, TIMEOUT);
    assert.equal(invitation["from"], `native:${suite.nameOf(carol)}`, "the first invitation alice gets is carol's");
    assert.deepEqual(alice.pending("room.invitation"), []);
  });

  it("covers a blocked native user's linked IRC nick", async function () {
    const alice = await suite.native("alice");
    const bob = await suite.native("bob");
    const bobIrc = await suite.ircUser("bobirc");
    const carl = await suite.ircUser("carl");
    const bobIrcAddress = `irc://${NETWORK}/${bobIrc.nick.toLowerCase()}`;
    await bob.ok({ type: "identity.link", address: bobIrcAddress });
    const notice = await bobIrc.waitFor((line) => line.command === "NOTICE" && line.nick === "sbgate" && CODE.test(line.params[1] ?? ""), TIMEOUT);
    bobIrc.privmsg("sbgate", CODE.exec(notice.params[1] ?? "")?.[1] ?? "");
    await bob.waitForType("identity.linked", (frame) => frame["address"] === bobIrcAddress, TIMEOUT);

    const puppet = await puppetOf(alice, carl);
    await alice.ok({ type: "contact.block", address: `native:${suite.nameOf(bob)}` });
    bobIrc.privmsg(puppet, "it's bob, from IRC");
    bobIrc.privmsg(carl.nick, "your turn");
    await carl.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "your turn", TIMEOUT);
    carl.privmsg(puppet, "carl here");
    const got = messageOf(await alice.waitForType("message", () => true, TIMEOUT));
    assert.deepEqual([got["from"], got["body"]], [`irc://${NETWORK}/${carl.nick.toLowerCase()}`, "carl here"]);
    assert.deepEqual(alice.pending("message"), [], "nothing from bob's IRC nick");
  });
});
