/**
 * A linked JID is asked once per link to share its presence with its person (core/link-requests.ts), against a
 * real Prosody: the subscription request from the person's gateway JID is not made again when the component
 * reconnects or the daemon restarts, and a refusal is respected until the link is undone and made again; a link
 * made while the XMPP server was out of reach is asked once it is back; an approval keeps counting after a
 * restart (the gateway probes), also one given while the component was cut off, which her next presence reveals. The daemon reaches Prosody's component port through a TCP gate, so that the test
 * cuts the component's connection while the XMPP clients stay connected.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { useGatedComponent } from "../helpers/gated-component-suite.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const CODE = /([A-Z2-9]{4}-[A-Z2-9]{4})/;

describe("the request a linked XMPP JID is sent to share its presence", function () {
  const suite = useGatedComponent();
  const { natives, xmpps } = suite;
  const names = new Map<NativeClient, string>();

  async function session(name: string, register: boolean): Promise<NativeClient> {
    const client = await NativeClient.session(suite.daemon.url, name, PASSWORD, { register });
    natives.push(client);
    names.set(client, name);
    return client;
  }

  const native = (prefix: string): Promise<NativeClient> => session(uniqueUser(prefix), true);
  const nameOf = (client: NativeClient): string => names.get(client) ?? "";
  const jidOf = (client: NativeClient): string => `${nameOf(client)}@${suite.prosody.componentDomain}`;

  async function xmppUser(prefix: string): Promise<XmppTestClient> {
    const client = await XmppTestClient.newUser(suite.prosody, uniqueUser(prefix), PASSWORD);
    xmpps.push(client);
    return client;
  }

  /** `owner` sees `contact`'s presence: asked and approved (which puts the contact on the owner's list). */
  async function befriend(owner: NativeClient, contact: NativeClient): Promise<void> {
    await owner.ok({ type: "presence.subscribe", address: `native:${nameOf(contact)}` });
    await contact.waitForType("subscription", (frame) => frame["action"] === "request", 10_000);
    await contact.ok({ type: "presence.approve", address: `native:${nameOf(owner)}` });
    await owner.waitForType("presence", (frame) => frame["from"] === `native:${nameOf(contact)}` && frame["show"] === "online", 10_000);
  }

  async function linkXmpp(person: NativeClient, account: XmppTestClient): Promise<void> {
    await person.ok({ type: "identity.link", address: `xmpp:${account.bareJid}` });
    const invitation = await account.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === suite.prosody.componentDomain && CODE.test(stanza.getChildText("body") ?? ""), 10_000);
    await account.sendMessage(suite.prosody.componentDomain, CODE.exec(invitation.getChildText("body") ?? "")?.[1] ?? "");
    await person.waitForType("identity.linked", (frame) => frame["linked"] === true, 10_000);
  }

  /** How many requests to share its presence the client got from the person's JID, in all. */
  function requestsFrom(client: XmppTestClient, jid: string): number {
    return client.transcript.filter((stanza) => stanza.is("presence") && stanza.attrs["from"] === jid && stanza.attrs["type"] === "subscribe").length;
  }

  /** The next presence of `contact` (a buddy offered to `client`): the gateway has shown the buddy list again. */
  function buddyShownAgain(client: XmppTestClient, contact: NativeClient, timeoutMs = 20_000): Promise<unknown> {
    client.received.splice(0);
    return client.waitForPresence(jidOf(contact), (stanza) => stanza.attrs["type"] !== "subscribe", timeoutMs);
  }

  const cut = (): Promise<void> => suite.cut();
  const reopen = (): Promise<void> => suite.reopen();

  it("asks once: not again after a reconnect or a restart once refused, nor after the link is made again and approved; the approval keeps counting", async function () {
    this.timeout(150_000);
    const alice = await native("alice");
    const bob = await native("bob");
    await befriend(alice, bob); // bob, offered to her JID, shows when the gateway shows her the buddy list again
    const juliet = await xmppUser("juliet");
    await linkXmpp(alice, juliet);
    await juliet.waitFor((stanza) => stanza.is("presence") && stanza.attrs["from"] === jidOf(alice) && stanza.attrs["type"] === "subscribe", 10_000);
    await juliet.waitForPresence(jidOf(bob), (stanza) => stanza.attrs["type"] === undefined, 10_000);
    await juliet.send(xml("presence", { to: jidOf(alice), type: "unsubscribed" }));
    await suite.daemon.waitForLog(/linked account answered the request to share its presence/, 10_000);

    // The link's request would come before the buddy list: bob's presence, shown again, says it would have come.
    const shown = buddyShownAgain(juliet, bob);
    await cut();
    await reopen();
    await shown;
    assert.equal(requestsFrom(juliet, jidOf(alice)), 1, "requests after the reconnect");
    await bob.close();
    await juliet.waitForPresence(jidOf(bob), (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    const shownAfterRestart = buddyShownAgain(juliet, bob);
    await suite.daemon.restart();
    await shownAfterRestart;
    assert.equal(requestsFrom(juliet, jidOf(alice)), 1, "requests after the restart");

    // Unlinked and linked again, she is asked again; she approves, and her presence is part of alice's.
    const aliceAgain = await session(nameOf(alice), false);
    await aliceAgain.ok({ type: "identity.unlink", address: `xmpp:${juliet.bareJid}` });
    await linkXmpp(aliceAgain, juliet);
    await juliet.waitFor((stanza) => stanza.is("presence") && stanza.attrs["from"] === jidOf(alice) && stanza.attrs["type"] === "subscribe", 10_000);
    assert.equal(requestsFrom(juliet, jidOf(alice)), 2, "asked again for the new link");
    const romeo = await xmppUser("romeo"); // sees alice's presence on XMPP, through the restarts
    await romeo.send(xml("presence", { to: jidOf(alice), type: "subscribe" }));
    await aliceAgain.waitForType("subscription", (frame) => frame["from"] === `xmpp:${romeo.bareJid}` && frame["action"] === "request", 10_000);
    await aliceAgain.ok({ type: "presence.approve", address: `xmpp:${romeo.bareJid}` });
    await juliet.send(xml("presence", { to: jidOf(alice), type: "subscribed" }));
    await juliet.sendPresence("chat", "free to talk");
    await romeo.waitForPresence(jidOf(alice), (stanza) => stanza.getChildText("show") === "chat", 10_000);

    // After a restart her JID is only probed: her server answers with her presence, which is alice's again.
    await aliceAgain.close();
    const shownOnceMore = buddyShownAgain(juliet, bob);
    await suite.daemon.stop();
    romeo.received.splice(0);
    await suite.daemon.start();
    await shownOnceMore;
    const counted = await romeo.waitForPresence(jidOf(alice), (stanza) => stanza.getChildText("show") === "chat", 20_000);
    assert.equal(counted.getChildText("status"), "free to talk");
    assert.equal(requestsFrom(juliet, jidOf(alice)), 2, "requests after the approval and a restart");
  });

  it("asks a JID linked while the XMPP server was out of reach once it is back", async function () {
    this.timeout(120_000);
    const carol = await native("carol");
    const dave = await native("dave");
    await befriend(carol, dave);
    const jane = await xmppUser("jane");
    // Asked from her JID, confirmed in carol's session while the component is cut off.
    await jane.sendMessage(suite.prosody.componentDomain, `link ${nameOf(carol)}`);
    const code = await carol.waitForType("identity.code", () => true, 10_000);
    await cut();
    await carol.ok({ type: "identity.confirm", code: String(code["code"]) });
    await suite.daemon.waitForLog(/linked account not watched/, 10_000);
    const shown = buddyShownAgain(jane, dave);
    await reopen();
    await jane.waitFor((stanza) => stanza.is("presence") && stanza.attrs["from"] === jidOf(carol) && stanza.attrs["type"] === "subscribe", 30_000);
    await shown;
    assert.equal(requestsFrom(jane, jidOf(carol)), 1);
  });

  it("takes her presence after an approval given while the component was cut off as the approval, which keeps counting after a restart; asked once", async function () {
    this.timeout(120_000);
    const erin = await native("erin");
    const romeo = await xmppUser("romeo"); // sees erin's presence on XMPP, through the restart
    await romeo.send(xml("presence", { to: jidOf(erin), type: "subscribe" }));
    await erin.waitForType("subscription", (frame) => frame["from"] === `xmpp:${romeo.bareJid}` && frame["action"] === "request", 10_000);
    await erin.ok({ type: "presence.approve", address: `xmpp:${romeo.bareJid}` });
    await romeo.waitForPresence(jidOf(erin), (stanza) => stanza.attrs["type"] === undefined, 10_000);
    const jill = await xmppUser("jill");
    await linkXmpp(erin, jill);
    await jill.waitFor((stanza) => stanza.is("presence") && stanza.attrs["from"] === jidOf(erin) && stanza.attrs["type"] === "subscribe", 10_000);

    // She approves while the gateway cannot hear it: her server applies it to her roster, and bounces it.
    await cut();
    await jill.send(xml("presence", { to: jidOf(erin), type: "subscribed" }));
    await jill.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" }))); // her server has handled it
    await reopen();
    // Her server now sends her presence to erin's JID, as to every subscriber: the approval is learnt from it.
    await jill.sendPresence("chat", "free to talk");
    await suite.daemon.waitForLog(new RegExp(`"person":"native:${nameOf(erin)}","action":"approve","msg":"linked account answered the request to share its presence"`), 10_000);
    await romeo.waitForPresence(jidOf(erin), (stanza) => stanza.getChildText("show") === "chat", 10_000);

    // Kept as approved: after a restart (which ends erin's own session) her JID is probed, and her presence is
    // erin's again without a change of hers.
    await suite.daemon.stop();
    romeo.received.splice(0);
    await suite.daemon.start();
    const counted = await romeo.waitForPresence(jidOf(erin), (stanza) => stanza.getChildText("show") === "chat", 20_000);
    assert.equal(counted.getChildText("status"), "free to talk");
    assert.equal(requestsFrom(jill, jidOf(erin)), 1, "requests after the reconnect and the restart");
  });
});
