/**
 * Announcements and the message of the day reach the XMPP users of the gateway too, against a real Prosody: a
 * subscriber of the gateway's domain who shares her presence with it is shown the message of the day as a headline from
 * the domain when she comes online (once per session), and an admin's announcement (native admin.announce, XEP-0133's
 * announce) while online; one offline is told nothing, and nothing waits for her at her next login.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { useNetworks } from "../helpers/network-suite.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const TIMEOUT = 10_000;
const COMMANDS = "http://jabber.org/protocol/commands";
const ADMIN_NODE = "http://jabber.org/protocol/admin";
const NATIVE_ADMIN = uniqueUser("nannouncer");
const XMPP_ADMIN = uniqueUser("xannouncer");

describe("announcements and the message of the day to the XMPP users of the gateway", function () {
  this.timeout(60_000);
  const suite = useNetworks({ ircServer: "none", admins: [`native:${NATIVE_ADMIN}`, `xmpp:${XMPP_ADMIN}@localhost`] });
  const domain = (): string => suite.prosody().componentDomain;

  const isHeadline = (stanza: Element, body: string): boolean => stanza.is("message") && stanza.attrs["type"] === "headline" && stanza.attrs["from"] === domain() && stanza.getChildText("body") === body;
  const headlines = (client: XmppTestClient, body: string): Element[] => client.transcript.filter((stanza) => isHeadline(stanza, body));

  /** She subscribes to the domain and approves its subscription to her: from then on her server tells it her presence. */
  async function subscribe(client: XmppTestClient): Promise<void> {
    await client.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    await client.send(xml("presence", { to: domain(), type: "subscribe" }));
    await client.waitFor((stanza) => stanza.is("presence") && stanza.attrs["type"] === "subscribe" && stanza.attrs["from"] === domain(), TIMEOUT, "the domain's subscription request");
    await client.send(xml("presence", { to: domain(), type: "subscribed" }));
  }

  /** A chat to the domain, answered by the gateway: what her server sent it before was read first. */
  async function roundTrip(client: XmppTestClient): Promise<void> {
    await client.sendMessage(domain(), "hello");
    await client.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === domain() && stanza.attrs["type"] === "chat", TIMEOUT, "the gateway's answer");
  }

  it("shows the message of the day to a subscriber at each session's start, once, and an announcement to those online only", async function () {
    const admin = await suite.nativeAs(NATIVE_ADMIN, { register: true });
    await admin.ok({ type: "admin.motd.set", subject: "Welcome", body: "Be kind in #lobby." });

    const romeo = await suite.xmppUser("romeo");
    await subscribe(romeo);
    const motd = await romeo.waitFor((stanza) => isHeadline(stanza, "Be kind in #lobby."), TIMEOUT, "the message of the day");
    assert.equal(motd.getChildText("subject"), "Welcome");
    assert.equal(motd.attrs["to"], romeo.jid, "to the session that came online");

    const juliet = await suite.xmppUser("juliet");
    await subscribe(juliet);
    await juliet.waitFor((stanza) => isHeadline(stanza, "Be kind in #lobby."), TIMEOUT, "juliet's message of the day");
    const julietName = juliet.bareJid.split("@")[0] ?? "";
    await juliet.stop();

    // A change of his presence is no new session: no second message of the day.
    await romeo.sendPresence("away");
    await roundTrip(romeo);

    const reach = await admin.ok({ type: "admin.announce", subject: "Maintenance", body: "The gateway restarts at 22:00 UTC." });
    assert.deepEqual({ users: reach["users"], sessions: reach["sessions"] }, { users: 2, sessions: 2 }, "the admin's session and romeo's");
    const told = await romeo.waitFor((stanza) => isHeadline(stanza, "The gateway restarts at 22:00 UTC."), TIMEOUT, "the announcement");
    assert.deepEqual({ to: told.attrs["to"], subject: told.getChildText("subject") }, { to: romeo.bareJid, subject: "Maintenance" });
    await roundTrip(romeo);
    assert.equal(headlines(romeo, "The gateway restarts at 22:00 UTC.").length, 1, "told once");
    assert.equal(headlines(romeo, "Be kind in #lobby.").length, 1, "the message of the day once per session");

    // Juliet's next login: the message of the day (a new session), and the announcement made while she was away never.
    const back = suite.closing(await XmppTestClient.connect(suite.prosody(), julietName, PASSWORD, "laptop"));
    await back.sendPresence();
    await back.waitFor((stanza) => isHeadline(stanza, "Be kind in #lobby."), TIMEOUT, "juliet's message of the day at her next login");
    await roundTrip(back);
    assert.deepEqual(headlines(back, "The gateway restarts at 22:00 UTC."), [], "nothing kept for her");
  });

  it("shows an XMPP admin's XEP-0133 announcement to native sessions and to XMPP subscribers online", async function () {
    const xmppAdmin = await suite.xmppUserAs(XMPP_ADMIN);
    const alice = await suite.native("alice");
    const mercutio = await suite.xmppUser("mercutio");
    await subscribe(mercutio);
    await roundTrip(mercutio);

    const fields = { FORM_TYPE: ADMIN_NODE, subject: "Maintenance", announcement: "Back in five minutes." };
    const command = xml("command", { xmlns: COMMANDS, node: `${ADMIN_NODE}#announce`, action: "execute" }, xml("x", { xmlns: "jabber:x:data", type: "submit" }, ...Object.entries(fields).map(([name, value]) => xml("field", { var: name }, xml("value", {}, value)))));
    const answer = (await xmppAdmin.iq(xml("iq", { type: "set", to: domain() }, command), TIMEOUT)).getChild("command", COMMANDS);
    // Those of the test before are still online: the count is checked there, by native admin.announce's answer.
    assert.match(answer?.getChild("note")?.getText() ?? "", /^Announced to \d+ users online \(\d+ sessions\)$/);

    const told = await mercutio.waitFor((stanza) => isHeadline(stanza, "Back in five minutes."), TIMEOUT, "the announcement");
    assert.equal(told.getChildText("subject"), "Maintenance");
    await alice.ok({ type: "ping" });
    assert.equal(alice.transcript.filter((frame) => frame.type === "announcement" && frame.body === "Back in five minutes.").length, 1, "alice's native session is shown it");
  });
});
