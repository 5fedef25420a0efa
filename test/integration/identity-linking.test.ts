/**
 * Linking a person's accounts with proof from both sides, against a real Prosody and a real ngIRCd: alice asks
 * from her native session, the gateway sends a one-time code to her XMPP account (from the component's domain)
 * and to her IRC nick (a NOTICE from the gateway's nick), and each link exists only once the code comes back
 * from that account. Wrong codes, a code sent from another account, someone else claiming a linked account,
 * unlinking and rate limiting are covered too.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import type { NativeClient } from "../helpers/native-client.js";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const CODE = /([A-Z2-9]{4}-[A-Z2-9]{4})/;

describe("linking accounts across networks with a one-time code", function () {
  const suite = useNetworks({ ircYaml: ["presence_poll_seconds: 5"] });
  const native = (prefix: string): Promise<NativeClient> => suite.native(prefix);
  const xmppUser = (prefix: string): Promise<XmppTestClient> => suite.xmppUser(prefix);

  /** The next chat from the gateway's own domain. */
  function fromGateway(client: XmppTestClient): Promise<Element> {
    return client.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === suite.prosody().componentDomain && stanza.getChildText("body") !== null, 10_000);
  }

  it("links an XMPP account once the code comes back from it, and tells the person", async function () {
    const alice = await native("alice");
    const juliet = await xmppUser("juliet");
    const address = `xmpp:${juliet.bareJid}`;
    const asked = await alice.ok({ type: "identity.link", address });
    assert.ok(Number(asked["expires_at"]) > Date.now(), "the code expires in the future");

    const invitation = await fromGateway(juliet);
    const code = CODE.exec(invitation.getChildText("body") ?? "")?.[1];
    assert.ok(code, `a code in: ${invitation.getChildText("body")}`);
    await juliet.sendMessage(suite.prosody().componentDomain, `my code is ${code.toLowerCase()}`);
    const confirmation = await fromGateway(juliet);
    assert.match(confirmation.getChildText("body") ?? "", /now linked/);
    const pushed = await alice.waitForType("identity.linked", () => true, 10_000);
    assert.deepEqual([pushed["address"], pushed["linked"]], [address, true]);
    const listed = await alice.ok({ type: "identity.list" });
    assert.deepEqual((listed["links"] as Record<string, unknown>[]).map((link) => link["address"]), [address]);

    // The JID is asked to share its presence with alice's JID; once it approves, its presence is part of hers.
    const aliceJid = `${suite.nameOf(alice)}@${suite.prosody().componentDomain}`;
    await juliet.waitFor((stanza) => stanza.is("presence") && stanza.attrs["type"] === "subscribe" && stanza.attrs["from"] === aliceJid, 10_000);
    const carol = await native("carol");
    await carol.ok({ type: "presence.subscribe", address: `native:${suite.nameOf(alice)}` });
    await alice.ok({ type: "presence.approve", address: `native:${suite.nameOf(carol)}` });
    await alice.ok({ type: "presence.set", show: "xa", status: "asleep" });
    await carol.waitForType("presence", (frame) => frame["show"] === "xa", 10_000);
    await juliet.send(xml("presence", { to: aliceJid, type: "subscribed" }));
    await juliet.sendPresence("chat", "free to talk");
    const shared = await carol.waitForType("presence", (frame) => frame["show"] === "chat", 10_000);
    assert.deepEqual([shared["from"], shared["status"]], [`native:${suite.nameOf(alice)}`, "free to talk"], "her JID's chat beats her sessions' xa");
    // Its approval is the link's business, not a contact's: taken as such, not refused as an approval nobody asked for.
    await suite.daemon().waitForLog(/linked account answered the request to share its presence/, 10_000);
    assert.doesNotMatch(suite.daemon().log, /has not asked to see your presence/);
    const contacts = (await alice.ok({ type: "contact.list" }))["contacts"] as Record<string, unknown>[];
    assert.deepEqual(contacts.map((contact) => contact["address"]), [`native:${suite.nameOf(carol)}`], "her own account is no contact of hers");

    // A message from the linked account names the person it belongs to.
    const dave = await native("dave");
    await juliet.sendMessage(`${suite.nameOf(dave)}@${suite.prosody().componentDomain}`, "it's me, alice, from XMPP");
    const received = (await dave.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([received["from"], received["person"]], [address, `native:${suite.nameOf(alice)}`]);

    const mallory = await native("mallory");
    const claimed = await mallory.request({ type: "identity.link", address });
    assert.equal(claimed["code"], "GW_ERR_ALREADY_LINKED");

    await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" }))); // her server tells roster-reading clients
    await alice.ok({ type: "identity.unlink", address });
    assert.deepEqual((await alice.ok({ type: "identity.list" }))["links"], []);
    const unlinked = await alice.waitForType("identity.linked", (frame) => frame["linked"] === false);
    assert.equal(unlinked["address"], address);
    // Her JID is no longer asked for its presence: the gateway cancels the subscription the link made.
    await juliet.waitFor((stanza) => stanza.is("presence") && stanza.attrs["type"] === "unsubscribe" && stanza.attrs["from"] === aliceJid, 10_000);
  });

  it("links an IRC nick once the code comes back from it in a query to the gateway's nick", async function () {
    const alice = await native("alice");
    const bob = await suite.ircUser("bob");
    const address = `irc://${NETWORK}/${bob.nick.toLowerCase()}`;
    await alice.ok({ type: "identity.link", address });
    const notice = await bob.waitFor((line) => line.command === "NOTICE" && line.nick === "sbgate" && CODE.test(line.params[1] ?? ""), 10_000);
    const code = CODE.exec(notice.params[1] ?? "")?.[1] ?? "";
    bob.privmsg("sbgate", code);
    await bob.waitFor((line) => line.command === "NOTICE" && line.nick === "sbgate" && /now linked/.test(line.params[1] ?? ""), 10_000);
    const pushed = await alice.waitForType("identity.linked", () => true, 10_000);
    assert.equal(pushed["address"], address);

    // One person, one presence: carol, who sees alice's presence, sees the aggregate of alice's accounts.
    const carol = await native("carol");
    const aliceAddress = `native:${suite.nameOf(alice)}`;
    await carol.ok({ type: "presence.subscribe", address: aliceAddress });
    await alice.ok({ type: "presence.approve", address: `native:${suite.nameOf(carol)}` });
    await carol.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "online", 10_000);
    // ... and so does an XMPP user who has alice on their roster (alice@<gateway domain>).
    const romeo = await xmppUser("romeo");
    const aliceJid = `${suite.nameOf(alice)}@${suite.prosody().componentDomain}`;
    await romeo.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    await romeo.send(xml("presence", { to: aliceJid, type: "subscribe" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === `xmpp:${romeo.bareJid}` && frame["action"] === "request", 10_000);
    await alice.ok({ type: "presence.approve", address: `xmpp:${romeo.bareJid}` });
    await romeo.waitForPresence(aliceJid, (stanza) => stanza.attrs["type"] === undefined, 10_000);
    // Alice's native sessions say "extended away"; her IRC nick is here, so she is online (online > xa).
    await alice.ok({ type: "presence.set", show: "xa", status: "asleep" });
    bob.send("AWAY :gone fishing");
    const away = await carol.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "away", 20_000);
    assert.equal(away["status"], "gone fishing", "her IRC away beats her native extended away");
    const awayOnXmpp = await romeo.waitForPresence(aliceJid, (stanza) => stanza.getChildText("show") === "away", 20_000);
    assert.equal(awayOnXmpp.getChildText("status"), "gone fishing", "XMPP sees the same one presence");
    bob.send("AWAY");
    const back = await carol.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "online", 20_000);
    assert.equal(back["status"], "");

    // A message to alice goes to her most available account: her IRC nick (here) rather than her sessions (xa).
    const carolName = suite.nameOf(carol);
    await carol.ok({ type: "message.send", to: aliceAddress, body: "are you there?" });
    const query = await bob.waitFor((line) => line.command === "PRIVMSG" && line.nick?.toLowerCase() === `${carolName}[sb]` && line.params[0] === bob.nick, 10_000);
    assert.equal(query.params[1], "are you there?");
    // dan, on the nick's own network, answers alice's puppet: the gateway has nobody to speak for dan to her nick
    // (dan can write to it himself), so her sessions get it although the nick is more available.
    const dan = await suite.ircUser("dan");
    await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${dan.nick.toLowerCase()}`, body: "hi dan" });
    const fromAlice = await dan.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "hi dan", 10_000);
    dan.privmsg(fromAlice.nick ?? "", "hi alice");
    const answer = (await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "hi alice", 10_000))["message"] as Record<string, unknown>;
    assert.equal(answer["from"], `irc://${NETWORK}/${dan.nick.toLowerCase()}`);
    // Once her sessions are as available as her nick, they get it (a tie goes to Switchboard).
    await alice.ok({ type: "presence.set", show: "online" });
    await carol.ok({ type: "message.send", to: aliceAddress, body: "now?" });
    const direct = (await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "now?"))["message"] as Record<string, unknown>;
    assert.equal(direct["from"], `native:${carolName}`);
    assert.equal(alice.pending("message").length, 0, "the first message did not reach her sessions");
  });

  it("links an account that asks from its own network once the person confirms the code in their own session", async function () {
    const alice = await native("alice");
    const mallory = await native("mallory");
    const aliceName = suite.nameOf(alice);

    // From XMPP: a chat to the component's domain.
    const juliet = await xmppUser("juliet");
    await juliet.sendMessage(suite.prosody().componentDomain, `link ${aliceName}`);
    const asked = await alice.waitForType("identity.code", () => true, 10_000);
    assert.equal(asked["address"], `xmpp:${juliet.bareJid}`);
    const code = String(asked["code"]);
    const told = (await fromGateway(juliet)).getChildText("body") ?? "";
    assert.match(told, /a code went to/);
    assert.equal(told.includes(code), false, "the requester never sees the code");
    assert.equal(mallory.pending("identity.code").length, 0);
    const stolen = await mallory.request({ type: "identity.confirm", code });
    assert.equal(stolen["code"], "GW_ERR_NOT_FOUND", "another user's session cannot confirm it");
    await juliet.sendMessage(suite.prosody().componentDomain, code);
    assert.doesNotMatch((await fromGateway(juliet)).getChildText("body") ?? "", /now linked/, "nor can the account that asked");
    const confirmed = await alice.ok({ type: "identity.confirm", code: code.toLowerCase() });
    assert.equal(confirmed["address"], `xmpp:${juliet.bareJid}`);
    assert.match((await fromGateway(juliet)).getChildText("body") ?? "", /now linked/);
    await alice.waitForType("identity.linked", (frame) => frame["address"] === `xmpp:${juliet.bareJid}`, 10_000);

    // From IRC: a query to the gateway's nick.
    const bob = await suite.ircUser("bob");
    const nickAddress = `irc://${NETWORK}/${bob.nick.toLowerCase()}`;
    bob.privmsg("sbgate", `link ${aliceName}`);
    const fromIrc = await alice.waitForType("identity.code", (frame) => frame["address"] === nickAddress, 10_000);
    await alice.ok({ type: "identity.confirm", code: String(fromIrc["code"]) });
    await bob.waitFor((line) => line.command === "NOTICE" && line.nick === "sbgate" && /now linked/.test(line.params[1] ?? ""), 10_000);
    assert.deepEqual(((await alice.ok({ type: "identity.list" }))["links"] as Record<string, unknown>[]).map((link) => link["address"]).sort(), [nickAddress, `xmpp:${juliet.bareJid}`].sort());

    // Nobody logged in under that name: nothing waits, and the requester is told.
    const romeo = await xmppUser("romeo");
    await romeo.sendMessage(suite.prosody().componentDomain, "link nobody-here");
    assert.match((await fromGateway(romeo)).getChildText("body") ?? "", /has no Switchboard session now/);
  });

  it("accepts a code only from the account it was sent to, and voids it after five wrong answers", async function () {
    const alice = await native("alice");
    const juliet = await xmppUser("juliet");
    const mallory = await xmppUser("mallory");
    await alice.ok({ type: "identity.link", address: `xmpp:${juliet.bareJid}` });
    const code = CODE.exec((await fromGateway(juliet)).getChildText("body") ?? "")?.[1] ?? "";

    // Mallory read the code over juliet's shoulder: from mallory's account it links nothing.
    await mallory.sendMessage(suite.prosody().componentDomain, code);
    const answer = await fromGateway(mallory);
    assert.doesNotMatch(answer.getChildText("body") ?? "", /linked/);

    for (let attempt = 1; attempt <= 5; attempt++) {
      await juliet.sendMessage(suite.prosody().componentDomain, `WRONG-00${attempt}`);
      assert.match((await fromGateway(juliet)).getChildText("body") ?? "", /not the code/);
    }
    // The right code now comes too late: the proof is gone.
    await juliet.sendMessage(suite.prosody().componentDomain, code);
    assert.doesNotMatch((await fromGateway(juliet)).getChildText("body") ?? "", /now linked/);
    assert.deepEqual((await alice.ok({ type: "identity.list" }))["links"], []);
  });

  it("reads no code from a file sent to the gateway (its URL, or no words at all): the help text, and no wrong answer counted", async function () {
    const alice = await native("alice");
    const juliet = await xmppUser("juliet");
    const domain = suite.prosody().componentDomain;
    await alice.ok({ type: "identity.link", address: `xmpp:${juliet.bareJid}` });
    const code = CODE.exec((await fromGateway(juliet)).getChildText("body") ?? "")?.[1] ?? "";
    const oob = (url: string): Element => xml("x", { xmlns: "jabber:x:oob" }, xml("url", {}, url));

    // An upload's URL that happens to hold the code, repeated as the body as Conversations does: no link made.
    const url = `https://upload.example.org/${code}/photo.jpg`;
    await juliet.send(xml("message", { to: domain, type: "chat", id: "file-1" }, xml("body", {}, url), oob(url)));
    assert.match((await fromGateway(juliet)).getChildText("body") ?? "", /This is the Switchboard gateway/);
    // Files alone, five times: none counts as a wrong code (five would void it).
    for (let file = 1; file <= 5; file++) {
      await juliet.send(xml("message", { to: domain, type: "chat", id: `file-${file + 1}` }, oob(`https://upload.example.org/${file}.jpg`)));
      assert.match((await fromGateway(juliet)).getChildText("body") ?? "", /This is the Switchboard gateway/);
    }
    assert.deepEqual((await alice.ok({ type: "identity.list" }))["links"], []);
    await juliet.sendMessage(domain, code);
    assert.match((await fromGateway(juliet)).getChildText("body") ?? "", /now linked/);
  });

  it("limits how many codes one person may ask for in an hour", async function () {
    const alice = await native("alice");
    const juliet = await xmppUser("juliet");
    const answers: Record<string, unknown>[] = [];
    for (let i = 0; i < 6; i++) answers.push(await alice.request({ type: "identity.link", address: `xmpp:${juliet.bareJid}` }));
    assert.deepEqual(
      answers.map((answer) => answer["type"] === "ok" ? "ok" : answer["code"]),
      ["ok", "ok", "ok", "ok", "ok", "GW_ERR_RATE_LIMITED"],
    );
  });

  it("lists a linked person's native avatar only to those who may see her native presence, not to whoever follows her IRC nick", async function () {
    const alice = await native("alice");
    const aliceIrc = await suite.ircUser("aliceirc");
    const ircAddress = `irc://${NETWORK}/${aliceIrc.nick.toLowerCase()}`;
    await alice.ok({ type: "identity.link", address: ircAddress });
    const notice = await aliceIrc.waitFor((line) => line.command === "NOTICE" && line.nick === "sbgate" && CODE.test(line.params[1] ?? ""), 10_000);
    aliceIrc.privmsg("sbgate", CODE.exec(notice.params[1] ?? "")?.[1] ?? "");
    await alice.waitForType("identity.linked", (frame) => frame["address"] === ircAddress, 10_000);
    // A 1x1 GIF's header and a little more: enough for the gateway's check.
    const gif = Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x3b])]);
    await alice.ok({ type: "account.avatar.set", mime_type: "image/gif", data: gif.toString("base64") });

    // Bob asks to see alice (she does not approve) and follows her IRC nick, whose presence needs nobody's approval.
    const bob = await native("bob");
    const aliceAddress = `native:${suite.nameOf(alice)}`;
    await bob.ok({ type: "contact.add", address: aliceAddress });
    await bob.ok({ type: "presence.subscribe", address: ircAddress });
    const entry = ((await bob.ok({ type: "contact.list" }))["contacts"] as Record<string, unknown>[]).find((contact) => contact["address"] === aliceAddress);
    assert.ok(entry?.["presence"] !== undefined, `one entry for alice, with her IRC nick's presence: ${JSON.stringify(entry)}`);
    assert.equal(entry["avatar"], undefined, "her native avatar is not his to see");
    assert.equal((await bob.request({ type: "avatar.get", address: aliceAddress }))["code"], "GW_ERR_FORBIDDEN");
  });
});
