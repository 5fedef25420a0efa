/**
 * "Who is this?" across networks, against a real Prosody (with mod_vcard) and a real ngIRCd: native contact.info of an
 * IRC person (WHOIS), of an XMPP user (their vCard as set on Prosody) and of a native user (only what her contacts see);
 * XEP-0054 vCards of the gateway's JIDs asked by a real XMPP client; the refusals (no such nick, rooms, vCard sets, the
 * limit per asker).
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const VCARD = "vcard-temp";
const TIMEOUT = 15_000;

/** The answer (result or error) to a vCard iq of `client`, whatever its type. */
async function vcardIq(client: XmppTestClient, to: string, type: "get" | "set" = "get", payload: Element[] = []): Promise<Element> {
  const id = client.id("vc");
  await client.send(xml("iq", { type, to, id }, xml("vCard", { xmlns: VCARD }, ...payload)));
  return client.waitFor((stanza) => stanza.is("iq") && stanza.attrs["id"] === id, TIMEOUT, `the answer to vCard ${id}`);
}

function errorConditionOf(answer: Element): string | undefined {
  assert.equal(answer.attrs["type"], "error", answer.toString());
  return answer.getChild("error")?.children.find((child): child is Element => typeof child !== "string" && child.name !== "text")?.name;
}

function infoOf(answer: Record<string, unknown>): Record<string, unknown> {
  return answer["info"] as Record<string, unknown>;
}

describe("contact information across networks (contact.info, XEP-0054 vCards)", function () {
  const suite = useNetworks({ ircYaml: ["flood:", "  burst: 50", "  lines_per_second: 50"] });
  const domain = (): string => suite.prosody().componentDomain;

  it("tells a native user what WHOIS says of an IRC person: realname and away message without formatting, server, channels, no host", async function () {
    const alice = await suite.native("alice");
    const bob = await suite.ircUser("bob");
    bob.send("AWAY :gone \x1dfishing\x1d");
    await bob.waitFor((line) => line.command === "306");
    await bob.join("#info");
    const answer = await alice.ok({ type: "contact.info", address: `irc://${NETWORK}/${bob.nick}` }, TIMEOUT);
    const info = infoOf(answer);
    assert.equal(info["nick"], bob.nick);
    assert.equal(info["full_name"], `Switchboard test ${bob.nick}`);
    assert.equal(info["away"], "gone fishing");
    assert.equal(typeof info["server"], "string");
    assert.deepEqual(info["channels"], ["@#info"]);
    assert.equal(typeof info["idle_seconds"], "number");
    assert.equal(typeof info["signon_at"], "number");
    assert.ok(!JSON.stringify(info).includes("127.0.0.1") && !JSON.stringify(info).includes("localhost"), `no host: ${JSON.stringify(info)}`);
  });

  it("strips IRC formatting from a realname and answers GW_ERR_NOT_FOUND for a nick nobody has", async function () {
    const alice = await suite.native("alice");
    const carol = await IrcTestClient.connect(suite.irc(), `carol${Date.now() % 100000}`, { realname: "Carol \x02Bold\x02 \x0304,01Red\x03 Smith" });
    try {
      const info = infoOf(await alice.ok({ type: "contact.info", address: `irc://${NETWORK}/${carol.nick}` }, TIMEOUT));
      assert.equal(info["full_name"], "Carol Bold Red Smith");
      assert.equal(info["away"], undefined);
    } finally {
      await carol.quit();
    }
    const missing = await alice.request({ type: "contact.info", address: `irc://${NETWORK}/nobody${Date.now() % 100000}` }, TIMEOUT);
    assert.equal(missing.type, "error");
    assert.equal(missing["code"], "GW_ERR_NOT_FOUND");
  });

  it("tells a native user the vCard an XMPP user set on their own server", async function () {
    const alice = await suite.native("alice");
    const juliet = await suite.xmppUser("juliet");
    const set = await vcardIq(juliet, juliet.bareJid, "set", [
      xml("FN", {}, "Juliet Capulet"),
      xml("NICKNAME", {}, "jules"),
      xml("URL", {}, "https://example.org/juliet"),
      xml("NOTE", {}, "Verona\nbalconies"),
    ]);
    assert.equal(set.attrs["type"], "result", set.toString());
    const info = infoOf(await alice.ok({ type: "contact.info", address: `xmpp:${juliet.bareJid}` }, TIMEOUT));
    assert.deepEqual(info, { full_name: "Juliet Capulet", nick: "jules", url: "https://example.org/juliet", note: "Verona\nbalconies" });
    // Someone who set none: their server says so (item-not-found), which is GW_ERR_NOT_FOUND.
    const romeo = await suite.xmppUser("romeo");
    const none = await alice.request({ type: "contact.info", address: `xmpp:${romeo.bareJid}` }, TIMEOUT);
    assert.equal(none["code"], "GW_ERR_NOT_FOUND");
  });

  it("shows a native user's presence only to someone she lets see it, as contact.list would", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const bob = await suite.native("bob");
    const bobName = suite.nameOf(bob);
    await alice.ok({ type: "presence.set", show: "dnd", status: "in a meeting" });
    assert.deepEqual(infoOf(await bob.ok({ type: "contact.info", address: `native:${aliceName}` })), { nick: aliceName });
    await bob.ok({ type: "presence.subscribe", address: `native:${aliceName}` });
    await alice.waitForType("subscription", (frame) => frame["from"] === `native:${bobName}` && frame["action"] === "request");
    await alice.ok({ type: "presence.approve", address: `native:${bobName}` });
    await bob.waitForType("presence", (frame) => frame["from"] === `native:${aliceName}`);
    assert.deepEqual(infoOf(await bob.ok({ type: "contact.info", address: `native:${aliceName}` })), { nick: aliceName, show: "dnd", status: "in a meeting" });
    const nobody = await bob.request({ type: "contact.info", address: "native:nobody-here" });
    assert.equal(nobody["code"], "GW_ERR_NOT_FOUND");
  });

  it("answers an XMPP client's vCard of an IRC person from WHOIS: FN the realname, NICKNAME the nick, NOTE the away message", async function () {
    const juliet = await suite.xmppUser("juliet");
    const bob = await suite.ircUser("bob");
    bob.send("AWAY :back at five");
    await bob.waitFor((line) => line.command === "306");
    const answer = await vcardIq(juliet, `${bob.nick}%${NETWORK}@${domain()}`);
    assert.equal(answer.attrs["type"], "result", answer.toString());
    const vcard = answer.getChild("vCard", VCARD);
    assert.equal(vcard?.getChildText("FN"), `Switchboard test ${bob.nick}`);
    assert.equal(vcard?.getChildText("NICKNAME"), bob.nick);
    assert.match(vcard?.getChildText("NOTE") ?? "", /Away: back at five/);
    assert.ok(!(vcard?.toString() ?? "").includes("127.0.0.1"));
    assert.equal(errorConditionOf(await vcardIq(juliet, `nobody${Date.now() % 100000}%${NETWORK}@${domain()}`)), "item-not-found");
  });

  it("answers vCards of a native user (her name only), of the gateway, and refuses rooms and vCard sets", async function () {
    const juliet = await suite.xmppUser("juliet");
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    await alice.ok({ type: "presence.set", show: "away", status: "not for strangers" });
    const mine = await vcardIq(juliet, `${aliceName}@${domain()}`);
    assert.equal(mine.attrs["type"], "result", mine.toString());
    assert.equal(mine.getChild("vCard", VCARD)?.toString(), `<vCard xmlns="${VCARD}"><NICKNAME>${aliceName}</NICKNAME></vCard>`);
    const gateway = await vcardIq(juliet, domain());
    assert.equal(gateway.getChild("vCard", VCARD)?.getChildText("FN"), "Switchboard");
    assert.equal(errorConditionOf(await vcardIq(juliet, `#lobby@${domain()}`)), "service-unavailable");
    assert.equal(errorConditionOf(await vcardIq(juliet, `${aliceName}@${domain()}`, "set", [xml("FN", {}, "Mallory")])), "not-allowed");
    const info = await juliet.iq(xml("iq", { type: "get", to: domain() }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    assert.ok(info.getChild("query")?.getChildren("feature").some((feature) => feature.attrs["var"] === VCARD));
  });

  it("limits each asker to 10 lookups a minute (GW_ERR_RATE_LIMITED), whatever they ask about", async function () {
    const alice = await suite.native("alice");
    const bob = await suite.native("bob");
    const bobAddress = `native:${suite.nameOf(bob)}`;
    for (let i = 0; i < 10; i++) await alice.ok({ type: "contact.info", address: bobAddress });
    const refused = await alice.request({ type: "contact.info", address: bobAddress });
    assert.equal(refused["code"], "GW_ERR_RATE_LIMITED");
    // Someone else is not limited by her lookups.
    await bob.ok({ type: "contact.info", address: `native:${suite.nameOf(alice)}` });
  });
});
