/**
 * One buddy list offered on every network, against a real Prosody and a real InspIRCd: a Switchboard user's
 * contacts are offered to her linked XMPP JID by subscription requests from their gateway JIDs and, once
 * approved, kept current there; and a message from her linked IRC nick reaches an XMPP user from her own gateway
 * JID.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import type { IrcMessage, IrcTestClient } from "../helpers/irc-client.js";
import type { NativeClient } from "../helpers/native-client.js";
import { GATEWAY_NICK, NETWORK, useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const CODE = /([A-Z2-9]{4}-[A-Z2-9]{4})/;
const NICK_NS = "http://jabber.org/protocol/nick";

describe("one buddy list offered on every network", function () {
  const suite = useNetworks({ ircServer: "inspircd", ircYaml: ["presence_poll_seconds: 5", "puppets:", "  connect_interval_ms: 50"] });
  const { native, nameOf, xmppUser, ircUser } = suite;

  /** `owner` sees `contact`'s presence: asked and approved. */
  async function befriend(owner: NativeClient, contact: NativeClient): Promise<void> {
    await owner.ok({ type: "presence.subscribe", address: `native:${nameOf(contact)}` });
    await contact.waitForType("subscription", (frame) => frame["action"] === "request", 10_000);
    await contact.ok({ type: "presence.approve", address: `native:${nameOf(owner)}` });
    await owner.waitForType("presence", (frame) => frame["from"] === `native:${nameOf(contact)}` && frame["show"] === "online", 10_000);
  }

  async function linkXmpp(person: NativeClient, account: XmppTestClient): Promise<void> {
    await person.ok({ type: "identity.link", address: `xmpp:${account.bareJid}` });
    const invitation = await account.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === suite.prosody().componentDomain && CODE.test(stanza.getChildText("body") ?? ""), 10_000);
    await account.sendMessage(suite.prosody().componentDomain, CODE.exec(invitation.getChildText("body") ?? "")?.[1] ?? "");
    await person.waitForType("identity.linked", (frame) => frame["linked"] === true, 10_000);
  }

  async function linkIrc(person: NativeClient, account: IrcTestClient): Promise<void> {
    await person.ok({ type: "identity.link", address: `irc://${NETWORK}/${account.nick.toLowerCase()}` });
    const notice = await account.waitFor((line) => line.command === "NOTICE" && line.nick === GATEWAY_NICK && CODE.test(line.params[1] ?? ""), 10_000);
    account.privmsg(GATEWAY_NICK, CODE.exec(notice.params[1] ?? "")?.[1] ?? "");
    await person.waitForType("identity.linked", (frame) => frame["linked"] === true, 10_000);
  }

  function subscriptionFrom(client: XmppTestClient, jid: string, type: string): Promise<Element> {
    return client.waitFor((stanza) => stanza.is("presence") && stanza.attrs["from"] === jid && stanza.attrs["type"] === type, 10_000, `${type} from ${jid}`);
  }

  it("offers her contacts to her linked JID, which sees their presence once approved, follows her list and loses it at unlink", async function () {
    const alice = await native("alice");
    const bob = await native("bob");
    await befriend(alice, bob);
    const carol = await ircUser("carol");
    await alice.ok({ type: "presence.subscribe", address: `irc://${NETWORK}/${carol.nick.toLowerCase()}` });
    const juliet = await xmppUser("juliet");
    await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));

    await linkXmpp(alice, juliet);
    const domain = suite.prosody().componentDomain;
    const bobJid = `${nameOf(bob)}@${domain}`;
    const carolJid = `${carol.nick.toLowerCase()}%${NETWORK}@${domain}`;
    const offer = await subscriptionFrom(juliet, bobJid, "subscribe");
    assert.equal(offer.getChild("nick", NICK_NS)?.text(), nameOf(bob), "the contact's name comes as a nick (XEP-0172)");
    await subscriptionFrom(juliet, carolJid, "subscribe");

    // She approves, and asks back as clients do: the gateway answers with alice's rights and bob's presence.
    await juliet.send(xml("presence", { to: bobJid, type: "subscribed" }));
    await juliet.send(xml("presence", { to: bobJid, type: "subscribe" }));
    await subscriptionFrom(juliet, bobJid, "subscribed");
    await juliet.waitForPresence(bobJid, (stanza) => stanza.attrs["type"] === undefined, 10_000);
    assert.equal(bob.pending("subscription").length, 0, "bob was never asked: juliet is alice");

    await bob.ok({ type: "presence.set", show: "dnd", status: "in a meeting" });
    const busy = await juliet.waitForPresence(bobJid, (stanza) => stanza.getChildText("show") === "dnd", 10_000);
    assert.equal(busy.getChildText("status"), "in a meeting");

    // A message from her JID to a contact's gateway JID is from alice.
    await juliet.sendMessage(bobJid, "hi bob, it's alice on XMPP");
    const received = (await bob.waitForType("message"))["message"] as Record<string, unknown>;
    assert.equal(received["person"], `native:${nameOf(alice)}`);

    // Contacts added later are offered too; contacts removed are withdrawn.
    const dave = await native("dave");
    const daveJid = `${nameOf(dave)}@${domain}`;
    await alice.ok({ type: "contact.add", address: `native:${nameOf(dave)}`, name: "Dave" });
    const later = await subscriptionFrom(juliet, daveJid, "subscribe");
    assert.equal(later.getChild("nick", NICK_NS)?.text(), "Dave");
    await alice.ok({ type: "contact.remove", address: `native:${nameOf(dave)}` });
    await subscriptionFrom(juliet, daveJid, "unsubscribe");

    // Unlinking withdraws the whole list.
    await alice.ok({ type: "identity.unlink", address: `xmpp:${juliet.bareJid}` });
    await juliet.waitForPresence(bobJid, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    await subscriptionFrom(juliet, bobJid, "unsubscribed");
    await bob.ok({ type: "presence.set", show: "away", status: "gone" });
    await alice.waitForType("presence", (frame) => frame["from"] === `native:${nameOf(bob)}` && frame["show"] === "away", 10_000);
    assert.equal(
      juliet.transcript.filter((stanza) => stanza.is("presence") && stanza.attrs["from"]?.startsWith(bobJid) === true && stanza.getChildText("show") === "away").length,
      0,
      "no presence after the unlink",
    );
  });

  it("lists a linked person as one contact, with their one presence and their accounts", async function () {
    const alice = await native("alice");
    const bob = await native("bob");
    const bobNick = await ircUser("bobnick");
    await linkIrc(bob, bobNick);
    await befriend(alice, bob);
    const nickAddress = `irc://${NETWORK}/${bobNick.nick.toLowerCase()}`;
    await alice.ok({ type: "presence.subscribe", address: nickAddress });
    await alice.waitForType("presence", (frame) => frame["from"] === nickAddress && frame["show"] === "online", 10_000);
    await bob.ok({ type: "presence.set", show: "xa", status: "asleep" }); // his nick is here: he stays online
    const listed = (await alice.ok({ type: "contact.list" }))["contacts"] as Array<Record<string, unknown>>;
    assert.deepEqual(
      listed.map((contact) => [contact["address"], contact["accounts"], (contact["presence"] as Record<string, unknown> | undefined)?.["show"]]),
      [[`native:${nameOf(bob)}`, [nickAddress], "online"]],
    );
  });

  it("lets her linked IRC nick MONITOR her contacts' puppets, connected while they are online, and list them", async function () {
    const alice = await native("alice");
    const bob = await native("bob");
    await befriend(alice, bob);
    const nick = await ircUser("alicenick");
    await linkIrc(alice, nick);
    const fromGateway = (match: RegExp): Promise<IrcMessage> =>
      nick.waitFor((line) => line.command === "NOTICE" && line.nick === GATEWAY_NICK && match.test(line.params[1] ?? ""), 10_000, `a NOTICE matching ${String(match)}`);

    const puppet = `${nameOf(bob)}[sb]`; // the network's puppet template
    nick.send(`MONITOR + ${puppet}`);
    const online = await nick.waitFor((line) => line.command === "730", 10_000, "RPL_MONONLINE");
    assert.equal(online.params[1]?.split("!")[0]?.toLowerCase(), puppet.toLowerCase());
    nick.privmsg(GATEWAY_NICK, "contacts");
    const listed = await fromGateway(/\): online$/);
    assert.equal(listed.params[1], `${puppet} (${nameOf(bob)}, native:${nameOf(bob)}): online`);

    // Away on Switchboard, away on IRC: WHOIS shows the puppet's AWAY (RPL_AWAY) once it is set.
    await bob.ok({ type: "presence.set", show: "dnd", status: "in a meeting" });
    let away: IrcMessage | undefined;
    for (let asked = 0; away === undefined && asked < 100; asked++) {
      nick.send(`WHOIS ${puppet}`);
      const end = await nick.waitFor((line) => line.command === "318", 10_000, "RPL_ENDOFWHOIS");
      away = nick.take((line) => line.command === "301" && line.params[1] === end.params[1])[0];
    }
    assert.match(away?.params[2] ?? "", /in a meeting/);

    // Offline on Switchboard: the puppet quits, and MONITOR says so.
    nick.take((line) => line.command === "731"); // the answer to MONITOR +, before the puppet came
    await bob.close();
    const offline = await nick.waitFor((line) => line.command === "731", 10_000, "RPL_MONOFFLINE");
    assert.equal(offline.params[1]?.toLowerCase(), puppet.toLowerCase());
    nick.privmsg(GATEWAY_NICK, "contacts");
    await fromGateway(/: offline/);
  });

  it("answers `contacts` with a contact's multi-line, long status as one IRC line, and goes on serving", async function () {
    const alice = await native("alice");
    const bob = await native("bob");
    await befriend(alice, bob);
    const nick = await ircUser("alicenick");
    await linkIrc(alice, nick);
    // Two lines, then more bytes than an IRC line holds: it once ended the whole gateway (a line it could not send).
    await bob.ok({ type: "presence.set", show: "away", status: `first line\nsecond line ${"界".repeat(300)}` });
    await alice.waitForType("presence", (frame) => frame["from"] === `native:${nameOf(bob)}` && frame["show"] === "away", 10_000);
    nick.privmsg(GATEWAY_NICK, "contacts");
    const listed = await nick.waitFor((line) => line.command === "NOTICE" && line.nick === GATEWAY_NICK && /away: first line second line/.test(line.params[1] ?? ""), 10_000, "the contact listed");
    assert.ok(Buffer.byteLength(listed.raw, "utf8") <= 512, `${Buffer.byteLength(listed.raw, "utf8")} bytes`);
    assert.ok((listed.params[1] ?? "").endsWith("界"), "cut between characters");
    await alice.ok({ type: "ping" });
    assert.doesNotMatch(suite.daemon().log, /unhandled rejection/);
  });

  it("shows a message from her linked IRC nick to an XMPP user as from her own gateway JID", async function () {
    const alice = await native("alice");
    const nick = await ircUser("alicenick");
    await linkIrc(alice, nick);
    const romeo = await xmppUser("romeo");
    const aliceJid = `${nameOf(alice)}@${suite.prosody().componentDomain}`;
    // Her sessions are away, her nick is here: romeo's message reaches the nick, from romeo's puppet.
    // (once the gateway knows the nick is here: a watcher of the nick sees it online)
    const watcher = await native("watcher");
    const nickAddress = `irc://${NETWORK}/${nick.nick.toLowerCase()}`;
    await watcher.ok({ type: "presence.subscribe", address: nickAddress });
    await watcher.waitForType("presence", (frame) => frame["from"] === nickAddress && frame["show"] === "online", 10_000);
    await alice.ok({ type: "presence.set", show: "xa", status: "asleep" });
    await romeo.sendMessage(aliceJid, "are you there?");
    const query = await nick.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "are you there?", 10_000);
    nick.privmsg(query.nick ?? "", "yes, on IRC");
    const reply = await romeo.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === "yes, on IRC", 10_000);
    assert.equal(reply.attrs["from"]?.split("/")[0], aliceJid, "from the person's JID, not the nick's");
  });
});
