/**
 * A native user's subscription request to an XMPP JID is made once (core/roster.ts), against a real Prosody: a
 * request the XMPP user refused while the gateway could not hear it (the component's connection was cut, so her
 * server cleared the request and the gateway still holds it pending) is not made again when the component
 * reconnects, nor after a restart. Her server keeps a pending request itself (RFC 6121 section 3.1.3), so one is
 * enough. One she approved while the gateway could not hear it is learnt from her next presence, which her server
 * sends to subscribers only; one still pending then is left to her (the gateway does not probe it: Prosody would
 * cancel it, see adapters/xmpp/unheard-approvals.ts). The daemon reaches Prosody's component port through a TCP gate, so that the test cuts the component's
 * connection while the XMPP client stays connected.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { useGatedComponent } from "../helpers/gated-component-suite.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

describe("a native user's subscription request to an XMPP JID", function () {
  const suite = useGatedComponent();
  const { natives, xmpps } = suite;

  const count = (pattern: RegExp): number => (suite.daemon.log.match(new RegExp(pattern.source, "g")) ?? []).length;
  const nth = (pattern: RegExp, n: number): RegExp => new RegExp(`(${pattern.source}[\\s\\S]*){${n}}`);

  /** How many subscription requests the client got from `jid`, in all. */
  function requestsFrom(client: XmppTestClient, jid: string): number {
    return client.transcript.filter((stanza) => stanza.is("presence") && stanza.attrs["from"] === jid && stanza.attrs["type"] === "subscribe").length;
  }

  /**
   * The next presence of `jid` that is not a subscription notice: the gateway has resynced its relationship with
   * `client` (for one relationship it writes a request it would repeat before the owner's presence).
   */
  function presenceSentAgain(client: XmppTestClient, jid: string, timeoutMs = 30_000): Promise<unknown> {
    client.received.splice(0);
    return client.waitForPresence(jid, (stanza) => stanza.attrs["type"] === undefined || stanza.attrs["type"] === "unavailable", timeoutMs);
  }

  it("is not made again after a reconnect or a restart once refused, even unheard", async function () {
    this.timeout(150_000);
    const name = uniqueUser("alice");
    const alice = await NativeClient.session(suite.daemon.url, name, PASSWORD, { register: true });
    natives.push(alice);
    const aliceJid = `${name}@${suite.prosody.componentDomain}`;
    const juliet = await XmppTestClient.newUser(suite.prosody, uniqueUser("juliet"), PASSWORD);
    xmpps.push(juliet);

    // juliet sees alice's presence (so the gateway sends it to her again after a reconnect), and alice asks for hers.
    await juliet.send(xml("presence", { to: aliceJid, type: "subscribe" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === `xmpp:${juliet.bareJid}` && frame["action"] === "request", 10_000);
    await alice.ok({ type: "presence.approve", address: `xmpp:${juliet.bareJid}` });
    await juliet.waitForPresence(aliceJid, (stanza) => stanza.attrs["type"] === undefined, 10_000);
    await alice.ok({ type: "presence.subscribe", address: `xmpp:${juliet.bareJid}` });
    await juliet.waitFor((stanza) => stanza.is("presence") && stanza.attrs["from"] === aliceJid && stanza.attrs["type"] === "subscribe", 10_000);

    // She refuses while the component is cut off: her server clears the request, the gateway never hears of it.
    const down = count(/adapter down; restarting after backoff/);
    suite.gate.close();
    await suite.daemon.waitForLog(nth(/adapter down; restarting after backoff/, down + 1), 20_000);
    await juliet.send(xml("presence", { to: aliceJid, type: "unsubscribed" }));
    await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" }))); // her server has handled it
    const shown = presenceSentAgain(juliet, aliceJid);
    suite.gate.reopen();
    await shown;
    assert.equal(requestsFrom(juliet, aliceJid), 1, "requests after the reconnect");

    await alice.close();
    await juliet.waitForPresence(aliceJid, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    const shownAfterRestart = presenceSentAgain(juliet, aliceJid);
    await suite.daemon.restart();
    await shownAfterRestart;
    assert.equal(requestsFrom(juliet, aliceJid), 1, "requests after the restart");
  });

  /** The client's list as `contact.list` gives it: [address, subscription, pending_out] of each entry. */
  async function listOf(client: NativeClient): Promise<unknown[][]> {
    const contacts = (await client.ok({ type: "contact.list" }))["contacts"] as Record<string, unknown>[];
    return contacts.map((contact) => [contact["address"], contact["subscription"], contact["pending_out"]]);
  }

  it("learns of an approval given while the component was cut off from her next presence, and leaves a request still pending to its user; asked once each", async function () {
    this.timeout(120_000);
    const name = uniqueUser("alice");
    const alice = await NativeClient.session(suite.daemon.url, name, PASSWORD, { register: true });
    natives.push(alice);
    const aliceJid = `${name}@${suite.prosody.componentDomain}`;
    const jane = await XmppTestClient.newUser(suite.prosody, uniqueUser("jane"), PASSWORD);
    const juliet = await XmppTestClient.newUser(suite.prosody, uniqueUser("juliet"), PASSWORD);
    xmpps.push(jane, juliet);
    // jane sees alice's presence, which the gateway sends her again after a reconnect, once it has resynced.
    await jane.send(xml("presence", { to: aliceJid, type: "subscribe" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === `xmpp:${jane.bareJid}` && frame["action"] === "request", 10_000);
    await alice.ok({ type: "presence.approve", address: `xmpp:${jane.bareJid}` });
    await jane.waitForPresence(aliceJid, (stanza) => stanza.attrs["type"] === undefined, 10_000);
    for (const asked of [jane, juliet]) {
      await alice.ok({ type: "presence.subscribe", address: `xmpp:${asked.bareJid}` });
      await asked.waitFor((stanza) => stanza.is("presence") && stanza.attrs["from"] === aliceJid && stanza.attrs["type"] === "subscribe", 10_000);
    }

    // juliet approves while the gateway cannot hear it (her server applies it, and bounces it); jane waits.
    await suite.cut();
    await juliet.send(xml("presence", { to: aliceJid, type: "subscribed" }));
    await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" }))); // her server has handled it
    const resynced = presenceSentAgain(jane, aliceJid);
    await suite.reopen();
    await resynced;
    await juliet.sendPresence("away", "gone fishing");
    await alice.waitForType("subscription", (frame) => frame["from"] === `xmpp:${juliet.bareJid}` && frame["action"] === "approve", 10_000);
    const seen = await alice.waitForType("presence", (frame) => frame["from"] === `xmpp:${juliet.bareJid}` && frame["show"] === "away", 10_000);
    assert.equal(seen["status"], "gone fishing");

    // jane's request is still hers to answer: her approval now reaches alice.
    await jane.send(xml("presence", { to: aliceJid, type: "subscribed" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === `xmpp:${jane.bareJid}` && frame["action"] === "approve", 10_000);
    assert.deepEqual(alice.pending("subscription").filter((frame) => frame["action"] === "deny"), [], "no refusal reached alice");
    assert.deepEqual(await listOf(alice), [
      [`xmpp:${jane.bareJid}`, "both", false],
      [`xmpp:${juliet.bareJid}`, "to", false],
    ]);
    assert.deepEqual([requestsFrom(jane, aliceJid), requestsFrom(juliet, aliceJid)], [1, 1], "requests after the reconnect");
  });
});
