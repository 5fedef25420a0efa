/**
 * A person's buddy list is offered to her linked XMPP JID once per contact (core/buddy-offers.ts), against a real
 * Prosody: not again when the gateway's component reconnects or the daemon restarts, whether she left the
 * request pending or refused it; a contact added while the XMPP server was out of reach is offered once it is
 * back; and an offer she approved while the component was cut off is known approved from her next presence. The daemon reaches Prosody's component port through a TCP gate, so that the test cuts the component's
 * connection while her client stays connected.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { useGatedComponent } from "../helpers/gated-component-suite.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const CODE = /([A-Z2-9]{4}-[A-Z2-9]{4})/;

describe("a buddy list offered once to a linked XMPP JID", function () {
  const suite = useGatedComponent();
  const { natives, xmpps } = suite;
  const names = new Map<NativeClient, string>();

  async function native(prefix: string): Promise<NativeClient> {
    const name = uniqueUser(prefix);
    const client = await NativeClient.session(suite.daemon.url, name, PASSWORD, { register: true });
    natives.push(client);
    names.set(client, name);
    return client;
  }

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

  function offerFrom(client: XmppTestClient, jid: string, timeoutMs = 10_000): Promise<Element> {
    return client.waitFor((stanza) => stanza.is("presence") && stanza.attrs["from"] === jid && stanza.attrs["type"] === "subscribe", timeoutMs, `an offer from ${jid}`);
  }

  /** How many offers (subscription requests) from each JID the client got, in all. */
  function offersCounted(client: XmppTestClient, jids: readonly string[]): number[] {
    return jids.map((jid) => client.transcript.filter((stanza) => stanza.is("presence") && stanza.attrs["from"] === jid && stanza.attrs["type"] === "subscribe").length);
  }

  it("asks once per contact: not again after a reconnect or a restart, pending or refused; a contact added while away is offered once back", async function () {
    this.timeout(120_000);
    const alice = await native("alice");
    const bob = await native("bob");
    const carol = await native("carol");
    const dave = await native("dave");
    await befriend(alice, bob);
    await befriend(alice, carol);
    const juliet = await xmppUser("juliet");
    await linkXmpp(alice, juliet);
    await offerFrom(juliet, jidOf(bob));
    await offerFrom(juliet, jidOf(carol));
    // She leaves bob's request pending and refuses carol's.
    await juliet.send(xml("presence", { to: jidOf(carol), type: "unsubscribed" }));

    // The component's connection is cut; alice adds dave meanwhile: the offer cannot be written then.
    suite.gate.close();
    await suite.daemon.waitForLog(/adapter down; restarting after backoff/, 20_000);
    await befriend(alice, dave);
    await suite.daemon.waitForLog(/contact not shown to a linked account/);
    suite.gate.reopen();
    await suite.daemon.waitForLog(/XMPP component online[\s\S]*XMPP component online/, 30_000);
    // Contacts are shown in address order (bob, carol, dave): anything sent again for bob or carol came first.
    await offerFrom(juliet, jidOf(dave), 20_000);
    assert.deepEqual(offersCounted(juliet, [jidOf(bob), jidOf(carol), jidOf(dave)]), [1, 1, 1], "offers after the reconnect");

    // The daemon restarts: the offers made are in the store, and are not made again. The contacts' presence is
    // sent again as before (dave's, offline, comes last).
    await dave.close();
    await juliet.waitForPresence(jidOf(dave), (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    await suite.daemon.restart();
    await suite.daemon.waitForLog(/XMPP component online/, 20_000);
    await juliet.waitForPresence(jidOf(dave), (stanza) => stanza.attrs["type"] === "unavailable", 20_000);
    assert.deepEqual(offersCounted(juliet, [jidOf(bob), jidOf(carol), jidOf(dave)]), [1, 1, 1], "offers after the restart");
  });

  /** Presence stanzas (not subscriptions) from `jid` among the client's stanzas from index `since` on. */
  function presencesFrom(client: XmppTestClient, jid: string, since: number): string[] {
    return client.transcript
      .slice(since)
      .filter((stanza) => stanza.is("presence") && stanza.attrs["from"]?.split("/")[0] === jid && [undefined, "unavailable"].includes(stanza.attrs["type"]))
      .map((stanza) => String(stanza.attrs["type"] ?? stanza.getChildText("show") ?? "online"));
  }

  it("sends a refused contact's presence nowhere: not live, not after a reconnect or a restart, not to a probe; until she asks to see it", async function () {
    this.timeout(120_000);
    const alice = await native("alice");
    const bob = await native("bob");
    const carol = await native("carol");
    await befriend(alice, bob);
    await befriend(alice, carol);
    const juliet = await xmppUser("juliet");
    await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" }))); // her server tells roster-reading clients
    await linkXmpp(alice, juliet);
    await offerFrom(juliet, jidOf(bob));
    await offerFrom(juliet, jidOf(carol));
    await juliet.waitForPresence(jidOf(bob), (stanza) => stanza.attrs["type"] === undefined, 10_000);
    await juliet.waitForPresence(jidOf(carol), (stanza) => stanza.attrs["type"] === undefined, 10_000);
    // She refuses bob and leaves carol pending: carol, whose presence she still gets, shows when bob's would have come.
    await juliet.send(xml("presence", { to: jidOf(bob), type: "unsubscribed" }));
    await suite.daemon.waitForLog(new RegExp(`"contact":"native:${nameOf(bob)}","state":"refused","msg":"linked account answered an offered contact"`), 10_000);
    const refusedAt = juliet.transcript.length;

    await bob.ok({ type: "presence.set", show: "away", status: "out" });
    await alice.waitForType("presence", (frame) => frame["from"] === `native:${nameOf(bob)}` && frame["show"] === "away", 10_000);
    await carol.ok({ type: "presence.set", show: "away", status: "out" });
    await juliet.waitForPresence(jidOf(carol), (stanza) => stanza.getChildText("show") === "away", 10_000);
    assert.deepEqual(presencesFrom(juliet, jidOf(bob), refusedAt), [], "live");

    // Her client may probe him all the same: not answered with his presence (carol's probe is, and comes after).
    await juliet.send(xml("presence", { to: jidOf(bob), type: "probe" }));
    await juliet.send(xml("presence", { to: jidOf(carol), type: "probe" }));
    await juliet.waitForPresence(jidOf(carol), (stanza) => stanza.getChildText("show") === "away", 10_000);
    assert.deepEqual(presencesFrom(juliet, jidOf(bob), refusedAt), [], "to a probe");

    // Contacts are shown in address order (bob before carol) after a reconnect and a restart.
    suite.gate.close();
    await suite.daemon.waitForLog(/adapter down; restarting after backoff/, 20_000);
    juliet.received.splice(0);
    suite.gate.reopen();
    await juliet.waitForPresence(jidOf(carol), (stanza) => stanza.getChildText("show") === "away", 30_000);
    assert.deepEqual(presencesFrom(juliet, jidOf(bob), refusedAt), [], "after a reconnect");
    await bob.close();
    await carol.close();
    await juliet.waitForPresence(jidOf(carol), (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    await suite.daemon.restart();
    await juliet.waitForPresence(jidOf(carol), (stanza) => stanza.attrs["type"] === "unavailable", 20_000);
    assert.deepEqual(presencesFrom(juliet, jidOf(bob), refusedAt), [], "after a restart");

    // She asks to see him after all: approved with alice's rights, and his presence comes again.
    await juliet.send(xml("presence", { to: jidOf(bob), type: "subscribe" }));
    await juliet.waitForPresence(jidOf(bob), (stanza) => stanza.attrs["type"] === "subscribed", 10_000);
    await juliet.waitForPresence(jidOf(bob), (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    const bobAgain = await NativeClient.session(suite.daemon.url, nameOf(bob), PASSWORD, { register: false });
    natives.push(bobAgain);
    await juliet.waitForPresence(jidOf(bob), (stanza) => stanza.attrs["type"] === undefined, 10_000);
  });

  it("knows an offer approved while the component was cut off approved from her next presence, and one left pending still pending; offered once each", async function () {
    this.timeout(120_000);
    const alice = await native("alice");
    const bob = await native("bob");
    const carol = await native("carol");
    await befriend(alice, bob);
    await befriend(alice, carol);
    const juliet = await xmppUser("juliet");
    await linkXmpp(alice, juliet);
    await offerFrom(juliet, jidOf(bob));
    await offerFrom(juliet, jidOf(carol));

    // She approves bob while the gateway cannot hear it (her server bounces it), and leaves carol pending.
    await suite.cut();
    await juliet.send(xml("presence", { to: jidOf(bob), type: "subscribed" }));
    await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" }))); // her server has handled it
    await suite.reopen();
    // Her server sends her next presence to bob's JID (approved), not to carol's (pending).
    await juliet.sendPresence("away", "back soon");
    await suite.daemon.waitForLog(new RegExp(`"contact":"native:${nameOf(bob)}","state":"approved","msg":"linked account answered an offered contact"`), 10_000);
    await carol.ok({ type: "presence.set", show: "dnd", status: "busy" }); // a pending offer's contact still shows
    await juliet.waitForPresence(jidOf(carol), (stanza) => stanza.getChildText("show") === "dnd", 10_000);
    assert.doesNotMatch(suite.daemon.log, new RegExp(`"contact":"native:${nameOf(carol)}","state":`), "carol's offer was not answered");
    assert.deepEqual(offersCounted(juliet, [jidOf(bob), jidOf(carol)]), [1, 1], "offers after the reconnect");
  });
});
