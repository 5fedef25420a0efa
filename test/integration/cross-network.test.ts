/**
 * Three networks at once, against a real Prosody and a real ngIRCd started by the test, and native clients:
 * a native room that is both a MUC on the gateway domain (XMPP occupants) and bridged to an IRC channel, where
 * each user's messages reach both others exactly once and in order; and a private chat between an XMPP user
 * and an IRC user through the gateway (the XMPP user writes to bob%<network>@<gateway domain>, bob answers
 * the XMPP user's puppet).
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { IrcMessage, IrcTestClient } from "../helpers/irc-client.js";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";
import { verifyCaps } from "../helpers/entity-caps.js";

describe("three networks through one gateway (native, XMPP, IRC)", function () {
  const suite = useNetworks({
    messagesFrom: "contacts",
    ircYaml: ["flood:", "  burst: 50", "  lines_per_second: 50", "channels:", '  - channel: "#tri"', "    room: tri"],
  });
  const xmppUser = (prefix: string): Promise<XmppTestClient> => suite.xmppUser(prefix);
  const ircUser = (prefix: string): Promise<IrcTestClient> => suite.ircUser(prefix);

  it("carries a conversation among a native user, an XMPP occupant and an IRC user, each line once and in order", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    await alice.ok({ type: "room.join", room: "tri" });
    const bob = await ircUser("bob");
    await bob.join("#tri");
    const juliet = await xmppUser("juliet");
    const roomJid = `#tri@${suite.prosody().componentDomain}`;
    await juliet.send(xml("presence", { to: `${roomJid}/Juliet` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.getChild("x", "http://jabber.org/protocol/muc#user") !== undefined && stanza.attrs["type"] === undefined);

    const fromIrc = (line: IrcMessage, nick: string): boolean => line.command === "PRIVMSG" && line.params[0] === "#tri" && line.nick?.toLowerCase() === nick.toLowerCase();
    for (let i = 1; i <= 3; i++) {
      await alice.ok({ type: "room.send", room: "tri", body: `native ${i}` });
      bob.privmsg("#tri", `irc ${i}`);
      await juliet.sendMessage(roomJid, `xmpp ${i}`, "groupchat");
    }
    // Each sees the other two's three lines, in order, once.
    const atAlice = (await alice.collect("message", 6, 10_000)).map((frame) => (frame["message"] as Record<string, unknown>)["body"]);
    assert.deepEqual(atAlice.filter((body) => String(body).startsWith("irc")), ["irc 1", "irc 2", "irc 3"]);
    assert.deepEqual(atAlice.filter((body) => String(body).startsWith("xmpp")), ["xmpp 1", "xmpp 2", "xmpp 3"]);

    const puppetOfAlice = `${aliceName}[sb]`;
    const julietPuppet = `${juliet.bareJid.split("@")[0] ?? ""}[sb]`;
    const atBob = await bob.waitForCount((line) => fromIrc(line, puppetOfAlice) || fromIrc(line, julietPuppet), 6, 10_000);
    assert.deepEqual(atBob.filter((line) => fromIrc(line, puppetOfAlice)).map((line) => line.params[1]), ["native 1", "native 2", "native 3"]);
    assert.deepEqual(atBob.filter((line) => fromIrc(line, julietPuppet)).map((line) => line.params[1]), ["xmpp 1", "xmpp 2", "xmpp 3"]);

    const atJuliet: string[] = [];
    while (atJuliet.filter((body) => !body.startsWith("xmpp")).length < 6) {
      const stanza = await juliet.waitFor((candidate) => candidate.is("message") && candidate.attrs["type"] === "groupchat" && candidate.getChildText("body") !== null, 10_000);
      atJuliet.push(stanza.getChildText("body") ?? "");
    }
    assert.deepEqual(atJuliet.filter((body) => body.startsWith("native")), ["native 1", "native 2", "native 3"]);
    assert.deepEqual(atJuliet.filter((body) => body.startsWith("irc")), ["irc 1", "irc 2", "irc 3"]);
    // Nothing more arrives: a last line from alice is the next thing everyone sees.
    await alice.ok({ type: "room.send", room: "tri", body: "the end" });
    assert.equal((await bob.waitFor((line) => fromIrc(line, puppetOfAlice), 10_000)).params[1], "the end");
    const last = await juliet.waitFor((candidate) => candidate.is("message") && candidate.getChildText("body") === "the end");
    assert.ok(last);
    assert.equal(alice.pending("message").length, 0, "alice got an echo or a duplicate");
  });

  it("shows a native user's correction in the gateway MUC as a XEP-0308 correction of the line occupants saw", async function () {
    const dora = await suite.native("dora");
    await dora.ok({ type: "room.join", room: "tri" });
    const kim = await xmppUser("kim");
    const roomJid = `#tri@${suite.prosody().componentDomain}`;
    await kim.send(xml("presence", { to: `${roomJid}/Kim` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await kim.waitForPresence(`${roomJid}/Kim`, (stanza) => stanza.attrs["type"] === undefined);
    const original = await dora.ok({ type: "room.send", room: "tri", body: "recieve" });
    await dora.ok({ type: "room.send", room: "tri", body: "receive", replaces: original["message_id"] });
    const first = await kim.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === "recieve");
    const fix = await kim.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === "receive");
    assert.equal(fix.getChild("replace", "urn:xmpp:message-correct:0")?.attrs["id"], first.attrs["id"]);
  });

  it("carries an occupant's private messages (XEP-0045 7.5) to an IRC user and a native member of the bridged room", async function () {
    const ada = await suite.native("ada");
    const adaName = suite.nameOf(ada);
    await ada.ok({ type: "room.join", room: "tri" });
    const roomJid = `#tri@${suite.prosody().componentDomain}`;
    const romy = await xmppUser("romy");
    await romy.send(xml("presence", { to: `${roomJid}/Romy` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await romy.waitForPresence(`${roomJid}/Romy`, (stanza) => stanza.attrs["type"] === undefined);
    const carl = await ircUser("carl");
    await carl.join("#tri");
    await romy.waitForPresence(`${roomJid}/${carl.nick}`, (stanza) => stanza.attrs["type"] === undefined, 10_000);

    // To the IRC user: a query from romy's puppet, and carl's answer comes from his own JID on the gateway.
    await romy.sendMessage(`${roomJid}/${carl.nick}`, "psst, carl", "chat");
    const romyPuppet = `${romy.bareJid.split("@")[0] ?? ""}[sb]`;
    const query = await carl.waitFor((line) => line.command === "PRIVMSG" && line.nick?.toLowerCase() === romyPuppet.toLowerCase(), 10_000);
    assert.deepEqual([query.params[0]?.toLowerCase(), query.params[1]], [carl.nick.toLowerCase(), "psst, carl"], "a private line, not one in #tri");
    carl.privmsg(romyPuppet, "hi romy");
    const answer = await romy.waitForMessage(`${carl.nick.toLowerCase()}%${NETWORK}@${suite.prosody().componentDomain}`);
    assert.equal(answer.getChildText("body"), "hi romy");

    // To the native member, under the nick romy has in the room.
    await romy.sendMessage(`${roomJid}/${adaName}`, "psst, ada", "chat");
    const atAda = (await ada.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "psst, ada", 10_000))["message"] as Record<string, unknown>;
    assert.deepEqual([atAda["scope"], atAda["from"], atAda["sender_name"]], ["direct", `xmpp:${romy.bareJid}`, "Romy"]);

    // To another XMPP occupant: passed on from romy's occupant JID, as a MUC does.
    const sami = await xmppUser("sami");
    await sami.send(xml("presence", { to: `${roomJid}/Sami` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await sami.waitForPresence(`${roomJid}/Sami`, (stanza) => stanza.attrs["type"] === undefined);
    await romy.sendMessage(`${roomJid}/sami`, "psst, sami", "chat");
    const atSami = await sami.waitForMessage(`${roomJid}/Romy`);
    assert.deepEqual([atSami.attrs["type"], atSami.getChildText("body")], ["chat", "psst, sami"]);

    // Nobody by that nick: item-not-found; and nothing is said in the room.
    const id = await romy.sendMessage(`${roomJid}/Nobody`, "anyone?", "chat");
    const refused = await romy.waitFor((stanza) => stanza.is("message") && stanza.attrs["id"] === id && stanza.attrs["type"] === "error");
    assert.ok(refused.getChild("error")?.getChild("item-not-found"), refused.toString());
    assert.equal(ada.pending("message").length, 0, "a private message showed in the room");
  });

  it("lets an XMPP user write to an IRC nick without subscribing first, as IRC and Biboumi do", async function () {
    const dora = await ircUser("dora");
    const kai = await xmppUser("kai");
    const doraJid = `${dora.nick.toLowerCase()}%${NETWORK}@${suite.prosody().componentDomain}`;
    await kai.sendMessage(doraJid, "hi dora, no roster needed");
    const kaiPuppet = `${kai.bareJid.split("@")[0] ?? ""}[sb]`;
    const line = await dora.waitFor((candidate) => candidate.command === "PRIVMSG" && candidate.nick?.toLowerCase() === kaiPuppet.toLowerCase(), 10_000);
    assert.equal(line.params[1], "hi dora, no roster needed");
    dora.privmsg(kaiPuppet, "hi kai");
    assert.equal((await kai.waitForMessage(doraJid)).getChildText("body"), "hi kai");
  });

  it("carries a private chat between an XMPP user and an IRC user through the gateway", async function () {
    const bob = await ircUser("bob");
    const juliet = await xmppUser("juliet");
    const bobJid = `${bob.nick.toLowerCase()}%${NETWORK}@${suite.prosody().componentDomain}`;
    // juliet subscribes to see bob's presence (not needed to write to him): IRC approves at once.
    // Fetching the roster first makes her session "interested" (RFC 6121 section 2.1.6): it gets the approval.
    await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    await juliet.send(xml("presence", { to: bobJid, type: "subscribe" }));
    await juliet.waitForPresence(bobJid, (stanza) => stanza.attrs["type"] === "subscribed");
    await juliet.sendMessage(bobJid, "hello IRC, from XMPP 🌉");
    const julietPuppet = `${juliet.bareJid.split("@")[0] ?? ""}[sb]`;
    const line = await bob.waitFor((candidate) => candidate.command === "PRIVMSG" && candidate.nick?.toLowerCase() === julietPuppet.toLowerCase(), 10_000);
    assert.equal(line.params[1], "hello IRC, from XMPP 🌉");
    bob.privmsg(julietPuppet, "hello XMPP, from IRC");
    const reply = await juliet.waitForMessage(bobJid);
    assert.equal(reply.getChildText("body"), "hello XMPP, from IRC");
  });

  it("announces an IRC contact's capabilities (XEP-0115) in its presence: receipts and corrections, no chat states", async function () {
    const ivy = await ircUser("ivy");
    const jo = await xmppUser("jo");
    const ivyJid = `${ivy.nick.toLowerCase()}%${NETWORK}@${suite.prosody().componentDomain}`;
    await jo.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    await jo.send(xml("presence", { to: ivyJid, type: "subscribe" }));
    const online = await jo.waitForPresence(ivyJid, (stanza) => stanza.attrs["type"] === undefined, 15_000);
    const features = await verifyCaps(jo, online);
    assert.ok(features.includes("urn:xmpp:receipts") && features.includes("urn:xmpp:message-correct:0"), JSON.stringify(features));
    assert.ok(!features.includes("http://jabber.org/protocol/chatstates"), "IRC takes no typing notifications: chat states are not announced");
  });
});
