/**
 * The gateway as a transport an XMPP client registers with (XEP-0077 on the component's domain, XEP-0100's
 * registration), and the domain as a roster contact, against a real Prosody and real @xmpp/client clients: a JID is
 * linked to an existing native account by its password (checked under the native login limits), unlinked by
 * `<remove/>`, and the domain's presence reaches its subscribers, also across a restart of the daemon.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { useNetworks } from "../helpers/network-suite.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const REGISTER = "jabber:iq:register";
const DATA = "jabber:x:data";
const ADMIN = uniqueUser("regadmin");
const TIMEOUT = 10_000;

describe("registering with the gateway's domain (XEP-0077) and the domain as a contact", function () {
  this.timeout(60_000);
  const suite = useNetworks({
    ircServer: "none",
    admins: [`native:${ADMIN}`],
    // Two failed checks for one name from one JID within the window, then limited (as native logins are).
    yaml: ["native:", "  port: 0", "  login_attempts:", "    max: 2", "    window_seconds: 600"],
  });
  const domain = (): string => suite.prosody().componentDomain;

  /** The iq's answer, result or error (XmppTestClient.iq rejects on errors). */
  async function ask(client: XmppTestClient, type: "get" | "set", ...children: Element[]): Promise<Element> {
    const id = client.id("reg");
    await client.send(xml("iq", { type, to: domain(), id }, xml("query", { xmlns: REGISTER }, ...children)));
    return client.waitFor((stanza) => stanza.is("iq") && stanza.attrs["id"] === id && ["result", "error"].includes(String(stanza.attrs["type"])), TIMEOUT, `the answer to ${id}`);
  }

  function condition(answer: Element): string | undefined {
    assert.equal(answer.attrs["type"], "error", `an error: ${answer.toString()}`);
    return answer.getChild("error")?.children.find((child): child is Element => typeof child !== "string" && child.name !== "text")?.name;
  }

  const credentials = (user: string, password: string): Element[] => [xml("username", {}, user), xml("password", {}, password)];

  function fromDomain(client: XmppTestClient, type: string | undefined): Promise<Element> {
    return client.waitFor((stanza) => stanza.is("presence") && stanza.attrs["from"] === domain() && stanza.attrs["type"] === type, TIMEOUT, `presence ${type ?? "available"} from the gateway`);
  }

  it("answers the fields and a form, links the JID with the right password as a code would, and unlinks it on <remove/>", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const juliet = await suite.xmppUser("juliet");
    // Her server tells roster-reading clients what becomes of her subscriptions (RFC 6121 section 2.1.6).
    await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    const info = await juliet.iq(xml("iq", { type: "get", to: domain() }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    const features = (info.getChild("query")?.getChildren("feature") ?? []).map((feature) => feature.attrs["var"]);
    assert.ok(features.includes(REGISTER), "advertised in the domain's disco#info");

    const fields = (await ask(juliet, "get")).getChild("query", REGISTER);
    assert.ok(fields, "a query");
    assert.ok(fields.getChild("username") && fields.getChild("password") && fields.getChildText("instructions"), `the fields: ${fields.toString()}`);
    assert.equal(fields.getChild("registered"), undefined);
    const form = fields.getChild("x", DATA);
    assert.deepEqual(
      form?.getChildren("field").map((field) => field.attrs["var"]),
      ["FORM_TYPE", "username", "password"],
    );

    // Submitted as the form, as clients that read forms do.
    const submitted = xml(
      "x",
      { xmlns: DATA, type: "submit" },
      xml("field", { var: "FORM_TYPE" }, xml("value", {}, REGISTER)),
      xml("field", { var: "username" }, xml("value", {}, aliceName.toUpperCase())),
      xml("field", { var: "password" }, xml("value", {}, PASSWORD)),
    );
    assert.equal((await ask(juliet, "set", submitted)).attrs["type"], "result");
    const linked = await alice.waitForType("identity.linked", () => true, TIMEOUT);
    assert.deepEqual([linked["address"], linked["linked"]], [`xmpp:${juliet.bareJid}`, true]);
    const listed = (await alice.ok({ type: "identity.list" }))["links"] as Record<string, unknown>[];
    assert.deepEqual(listed.map((link) => link["address"]), [`xmpp:${juliet.bareJid}`]);
    // XEP-0100 4.1: the gateway asks for a subscription, so that it shows in her roster.
    await juliet.waitFor((stanza) => stanza.is("presence") && stanza.attrs["type"] === "subscribe" && stanza.attrs["from"] === domain(), TIMEOUT, "the gateway's subscription request");
    // As a code's link: her JID is asked to share its presence with alice's.
    await juliet.waitFor((stanza) => stanza.is("presence") && stanza.attrs["type"] === "subscribe" && stanza.attrs["from"] === `${aliceName}@${domain()}`, TIMEOUT);

    const registered = (await ask(juliet, "get")).getChild("query", REGISTER);
    assert.ok(registered, "a query");
    assert.ok(registered.getChild("registered"), `registered: ${registered.toString()}`);
    assert.equal(registered.getChildText("username"), aliceName);
    assert.equal(registered.getChildText("password"), "", "the password is never told");

    // Her subscription to the domain, then unregistering: unlinked at once, and the domain leaves her roster.
    await juliet.send(xml("presence", { to: domain(), type: "subscribe" }));
    await fromDomain(juliet, undefined);
    assert.equal((await ask(juliet, "set", xml("remove"))).attrs["type"], "result");
    const unlinked = await alice.waitForType("identity.linked", (frame) => frame["linked"] === false, TIMEOUT);
    assert.equal(unlinked["address"], `xmpp:${juliet.bareJid}`);
    assert.deepEqual((await alice.ok({ type: "identity.list" }))["links"], []);
    await fromDomain(juliet, "unsubscribed");
    await fromDomain(juliet, "unavailable");
    assert.equal((await ask(juliet, "get")).getChild("query", REGISTER)?.getChild("registered"), undefined);
    assert.equal(condition(await ask(juliet, "set", xml("remove"))), "registration-required");
  });

  it("refuses a wrong password with not-authorized, then limits the JID, a right password too, as logins are", async function () {
    const bob = await suite.native("bob");
    const bobName = suite.nameOf(bob);
    const romeo = await suite.xmppUser("romeo");
    const wrong = await ask(romeo, "set", ...credentials(bobName, "not the password"));
    assert.equal(condition(wrong), "not-authorized");
    assert.equal(wrong.getChild("error")?.getChildText("text", "urn:ietf:params:xml:ns:xmpp-stanzas"), "wrong user name or password");
    assert.doesNotMatch(wrong.toString(), /not the password/, "the password is not sent back");
    assert.equal(condition(await ask(romeo, "set", ...credentials(`${bobName}nobody`, PASSWORD))), "not-authorized", "an unknown user is told the same");
    assert.equal(condition(await ask(romeo, "set", ...credentials(bobName, "still wrong"))), "not-authorized");
    const limited = await ask(romeo, "set", ...credentials(bobName, PASSWORD));
    assert.equal(condition(limited), "resource-constraint");
    assert.equal(limited.getChild("error")?.attrs["type"], "wait");
    assert.deepEqual((await bob.ok({ type: "identity.list" }))["links"], [], "nothing linked");
  });

  it("refuses a disabled account after its password, and a JID linked to someone else", async function () {
    const admin = await suite.nativeAs(ADMIN, { register: true });
    const carol = await suite.native("carol");
    const carolName = suite.nameOf(carol);
    const dave = await suite.native("dave");
    const nurse = await suite.xmppUser("nurse");
    await admin.ok({ type: "admin.user.disable", name: carolName }, TIMEOUT);
    const disabled = await ask(nurse, "set", ...credentials(carolName, PASSWORD));
    assert.equal(condition(disabled), "not-allowed");
    assert.match(disabled.toString(), /disabled/);
    await admin.ok({ type: "admin.user.enable", name: carolName }, TIMEOUT);

    assert.equal((await ask(nurse, "set", ...credentials(carolName, PASSWORD))).attrs["type"], "result");
    assert.equal(condition(await ask(nurse, "set", ...credentials(suite.nameOf(dave), PASSWORD))), "conflict");
    assert.deepEqual((await dave.ok({ type: "identity.list" }))["links"], []);
    assert.equal((await ask(nurse, "get")).getChild("query", REGISTER)?.getChildText("username"), carolName);
  });

  it("is a contact: a subscriber sees it available, answered on probes, unavailable at a stop and available after the restart", async function () {
    const tybalt = await suite.xmppUser("tybalt");
    await tybalt.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    await tybalt.send(xml("presence", { to: domain(), type: "subscribe" }));
    await fromDomain(tybalt, "subscribed");
    await fromDomain(tybalt, undefined);

    // Another client of his logs in: his server probes the domain, which answers.
    const phone = suite.closing(await XmppTestClient.connect(suite.prosody(), tybalt.bareJid.split("@")[0] ?? "", PASSWORD, "phone"));
    await phone.sendPresence();
    await fromDomain(phone, undefined);
    await fromDomain(tybalt, undefined); // the answer went to his bare JID: every resource has it

    await suite.daemon().stop();
    await fromDomain(tybalt, "unavailable");
    await suite.daemon().start();
    await suite.daemon().waitForLog(/XMPP component online/);
    await fromDomain(tybalt, undefined);

    await tybalt.send(xml("presence", { to: domain(), type: "unsubscribe" }));
    await fromDomain(tybalt, "unavailable");
    // No longer a subscriber: his next client's login is answered unsubscribed (RFC 6121 4.3.2), were it to probe.
    await suite.daemon().waitForLog(/"jid":"tybalt[^"]*","msg":"unsubscribed from the gateway"/, TIMEOUT);
  });
});

describe("registration with the gateway's domain switched off (xmpp.component.registration: false)", function () {
  this.timeout(60_000);
  const suite = useNetworks({ ircServer: "none", componentYaml: ["registration: false"] });

  it("neither advertises nor answers jabber:iq:register, and links nothing", async function () {
    const alice = await suite.native("alice");
    const juliet = await suite.xmppUser("juliet");
    const domain = suite.prosody().componentDomain;
    const info = await juliet.iq(xml("iq", { type: "get", to: domain }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    assert.ok(!(info.getChild("query")?.getChildren("feature") ?? []).some((feature) => feature.attrs["var"] === REGISTER), "not advertised");
    const set = xml("iq", { type: "set", to: domain }, xml("query", { xmlns: REGISTER }, xml("username", {}, suite.nameOf(alice)), xml("password", {}, PASSWORD)));
    await assert.rejects(juliet.iq(set), /service-unavailable/);
    assert.deepEqual((await alice.ok({ type: "identity.list" }))["links"], []);
  });
});
