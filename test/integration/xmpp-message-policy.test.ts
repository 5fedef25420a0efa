/**
 * The default policy of the XMPP component: direct messages from XMPP users reach a native user only when the
 * two are related by a presence subscription (a linked account counting as its person); strangers get a stanza error.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import { uniqueUser } from "../helpers/daemon.js";
import { useNetworks } from "../helpers/network-suite.js";

describe("the XMPP component's default message policy", function () {
  // messages_from: contacts is the daemon's default, the policy this suite is about.
  const { prosody, nativeAs, xmppUserAs } = useNetworks({ ircServer: "none", messagesFrom: "contacts" });

  it("refuses a stranger's message with service-unavailable and accepts it once the native user approved them", async function () {
    const strangerName = uniqueUser("stranger");
    const stranger = await xmppUserAs(strangerName);
    const romeoName = uniqueUser("private");
    const romeo = await nativeAs(romeoName, { register: true });
    const romeoJid = `${romeoName}@${prosody().componentDomain}`;

    const id = await stranger.sendMessage(romeoJid, "buy cheap watches");
    const refused = await stranger.waitFor((stanza) => stanza.is("message") && stanza.attrs["id"] === id && stanza.attrs["type"] === "error");
    assert.ok(refused.getChild("error")?.getChild("service-unavailable"), refused.toString());

    await stranger.send(xml("presence", { to: romeoJid, type: "subscribe" }));
    await romeo.waitForType("subscription", (frame) => frame["action"] === "request");
    await romeo.ok({ type: "presence.approve", address: `xmpp:${stranger.bareJid}` });
    await stranger.waitForPresence(romeoJid, (stanza) => stanza.attrs["type"] === undefined);
    await stranger.sendMessage(romeoJid, "hello, friend");
    const received = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    assert.equal(received["body"], "hello, friend");
    assert.equal(romeo.pending("message").length, 0, "the refused message never arrived");
  });

  it("takes a message from a person's linked JID to someone who knows the person, as from the person", async function () {
    const aliceName = uniqueUser("alice");
    const alice = await nativeAs(aliceName, { register: true });
    const carolName = uniqueUser("carol");
    const carol = await nativeAs(carolName, { register: true });
    const julietName = uniqueUser("juliet");
    const juliet = await xmppUserAs(julietName);
    // carol watches alice; alice's own contacts do not include carol.
    await carol.ok({ type: "presence.subscribe", address: `native:${aliceName}` });
    await alice.waitForType("subscription", (frame) => frame["action"] === "request");
    await alice.ok({ type: "presence.approve", address: `native:${carolName}` });
    await carol.waitForType("presence", (frame) => frame["from"] === `native:${aliceName}`);

    await alice.ok({ type: "identity.link", address: `xmpp:${juliet.bareJid}` });
    const invitation = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === prosody().componentDomain && /[A-Z2-9]{4}-[A-Z2-9]{4}/.test(stanza.getChildText("body") ?? ""));
    const code = /([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(invitation.getChildText("body") ?? "")?.[1] ?? assert.fail("no code");
    await juliet.sendMessage(prosody().componentDomain, code);
    await alice.waitForType("identity.linked", () => true, 10_000);

    await juliet.sendMessage(`${carolName}@${prosody().componentDomain}`, "it's alice, from my phone");
    const received = (await carol.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "it's alice, from my phone", 10_000))["message"] as Record<string, unknown>;
    assert.equal(received["person"], `native:${aliceName}`);
  });
});
