/**
 * A deleted account as the other networks see it, against a real Prosody and a real ngIRCd: an XMPP contact gets
 * `unavailable`, `unsubscribed` and `unsubscribe` from the user's gateway JID, so their server ends the subscription
 * both ways; the user's IRC puppet quits the bridged channel, and the nick it went by stays held: a new account of the
 * same name speaks there under another.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { useNetworks } from "../helpers/network-suite.js";
import type { NativeClient } from "../helpers/native-client.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const CHANNEL = "#farewell";
const TIMEOUT = 10_000;

describe("a deleted account on other networks", function () {
  this.timeout(60_000);
  const suite = useNetworks({ ircYaml: ["channels:", `  - channel: "${CHANNEL}"`, "    room: farewell"] });

  function gatewayJid(name: string): string {
    return `${name}@${suite.prosody().componentDomain}`;
  }

  /** An XMPP user and a native user see each other's presence, each having approved the other. */
  async function befriend(juliet: XmppTestClient, alice: NativeClient, aliceName: string): Promise<void> {
    const julietAddress = `xmpp:${juliet.bareJid}`;
    // A client that asked for its roster is one its server tells of subscription changes (RFC 6121 section 2.1.6).
    await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    await juliet.send(xml("presence", { to: gatewayJid(aliceName), type: "subscribe" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === julietAddress && frame["action"] === "request", TIMEOUT);
    await alice.ok({ type: "presence.approve", address: julietAddress });
    await juliet.waitForPresence(gatewayJid(aliceName), (stanza) => stanza.attrs["type"] === undefined, TIMEOUT);
    await alice.ok({ type: "presence.subscribe", address: julietAddress });
    await juliet.waitForPresence(gatewayJid(aliceName), (stanza) => stanza.attrs["type"] === "subscribe", TIMEOUT);
    await juliet.send(xml("presence", { to: gatewayJid(aliceName), type: "subscribed" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === julietAddress && frame["action"] === "approve", TIMEOUT);
  }

  it("tells an XMPP contact the user is unavailable and ends the subscription both ways", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const juliet = await suite.xmppUser("juliet");
    await befriend(juliet, alice, aliceName);

    await alice.ok({ type: "account.delete", password: PASSWORD }, TIMEOUT);
    const jid = gatewayJid(aliceName);
    await juliet.waitForPresence(jid, (stanza) => stanza.attrs["type"] === "unavailable", TIMEOUT);
    await juliet.waitForPresence(jid, (stanza) => stanza.attrs["type"] === "unsubscribed", TIMEOUT);
    await juliet.waitForPresence(jid, (stanza) => stanza.attrs["type"] === "unsubscribe", TIMEOUT);
    const roster = await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    const item = roster.getChild("query")?.getChildren("item").find((entry) => entry.attrs["jid"] === jid);
    assert.equal(item?.attrs["subscription"], "none", "juliet's server ended the subscription both ways");
  });

  it("quits the user's IRC puppet, whose nick stays held: a new account of the name speaks under another", async function () {
    const carol = await suite.ircUser("carol");
    await carol.join(CHANNEL);
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    await alice.ok({ type: "room.join", room: "farewell" });
    await alice.ok({ type: "room.send", room: "farewell", body: "last words" });
    const said = await carol.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "last words", TIMEOUT, "alice's puppet speaking");
    const puppet = said.nick ?? "";

    await alice.ok({ type: "account.delete", password: PASSWORD }, TIMEOUT);
    const quit = await carol.waitFor((line) => line.command === "QUIT" && line.nick === puppet, TIMEOUT, "alice's puppet quitting");
    assert.match(quit.params[0] ?? "", /account deleted/);

    const reborn = await suite.nativeAs(aliceName, { register: true });
    await reborn.ok({ type: "room.join", room: "farewell" });
    await reborn.ok({ type: "room.send", room: "farewell", body: "first words" });
    const first = await carol.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "first words", TIMEOUT, "the new account's puppet speaking");
    assert.notEqual(first.nick?.toLowerCase(), puppet.toLowerCase(), "the deleted account's nick is nobody's to take");
  });
});
