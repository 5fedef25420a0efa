/**
 * Avatars against a real Prosody (with mod_vcard): a native user sets hers natively, and an XMPP contact subscribed to
 * her sees its SHA-1 in her presence (XEP-0153) and its bytes in her vCard's PHOTO (XEP-0054), then an empty <photo/>
 * once cleared; native contacts read it with avatar.get, strangers do not; a picture that is not what it says is
 * refused; an account's deletion takes it; an XMPP user's avatar is read from the vCard they set on their server.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import type { NativeClient } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const TIMEOUT = 15_000;
/** A 1x1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");
/** A GIF header and a little more: bytes enough for the gateway's check, which reads the first ones. */
const GIF = Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x3b])]);
const sha1 = (data: Buffer): string => createHash("sha1").update(data).digest("hex");

function photoOf(presence: Element): string | undefined {
  const photo = presence.getChild("x", "vcard-temp:x:update")?.getChild("photo");
  return photo === undefined ? undefined : photo.getText();
}

describe("avatars (native account.avatar.*, avatar.get; XEP-0153 and vCard PHOTO on XMPP)", function () {
  const suite = useNetworks({ ircServer: "none" });
  const gatewayJid = (name: string): string => `${name}@${suite.prosody().componentDomain}`;

  /** `juliet` subscribes to native `alice`, who approves; her first presence says she has no avatar (an empty photo). */
  async function subscribe(juliet: XmppTestClient, alice: NativeClient, aliceName: string): Promise<void> {
    await juliet.send(xml("presence", { to: gatewayJid(aliceName), type: "subscribe" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === `xmpp:${juliet.bareJid}` && frame["action"] === "request");
    await alice.ok({ type: "presence.approve", address: `xmpp:${juliet.bareJid}` });
    const first = await juliet.waitForPresence(gatewayJid(aliceName), (stanza) => stanza.attrs["type"] === undefined);
    assert.equal(photoOf(first), "", `an empty photo: ${first.toString()}`);
  }

  /** `bob`, native, sees `alice`'s presence. */
  async function watch(bob: NativeClient, alice: NativeClient, aliceName: string): Promise<void> {
    await bob.ok({ type: "presence.subscribe", address: `native:${aliceName}` });
    await alice.waitForType("subscription", (frame) => frame["from"] === `native:${suite.nameOf(bob)}` && frame["action"] === "request");
    await alice.ok({ type: "presence.approve", address: `native:${suite.nameOf(bob)}` });
    await bob.waitForType("presence", (frame) => frame["from"] === `native:${aliceName}`);
  }

  it("shows a native user's avatar to an XMPP subscriber: the hash in her presence, the bytes in her vCard, an empty photo once cleared", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const juliet = await suite.xmppUser("juliet");
    await subscribe(juliet, alice, aliceName);

    const set = await alice.ok({ type: "account.avatar.set", mime_type: "image/png", data: PNG.toString("base64") }, TIMEOUT);
    assert.deepEqual(set["avatar"], { type: "image/png", hash: sha1(PNG) });
    await juliet.waitForPresence(gatewayJid(aliceName), (stanza) => photoOf(stanza) === sha1(PNG), TIMEOUT);
    const vcard = (await juliet.iq(xml("iq", { type: "get", to: gatewayJid(aliceName) }, xml("vCard", { xmlns: "vcard-temp" })))).getChild("vCard", "vcard-temp");
    assert.equal(vcard?.getChild("PHOTO")?.getChildText("TYPE"), "image/png");
    assert.deepEqual(Buffer.from(vcard?.getChild("PHOTO")?.getChildText("BINVAL") ?? "", "base64"), PNG);

    await alice.ok({ type: "account.avatar.clear" });
    await juliet.waitForPresence(gatewayJid(aliceName), (stanza) => photoOf(stanza) === "", TIMEOUT);
    const cleared = (await juliet.iq(xml("iq", { type: "get", to: gatewayJid(aliceName) }, xml("vCard", { xmlns: "vcard-temp" })))).getChild("vCard", "vcard-temp");
    assert.equal(cleared?.getChild("PHOTO"), undefined);
  });

  it("gives a native user's avatar to her contacts (with its hash in her presence and contact.info), her own other sessions, and refuses a stranger", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const aliceElsewhere = await suite.nativeAs(aliceName);
    const bob = await suite.native("bob");
    const carol = await suite.native("carol");
    await watch(bob, alice, aliceName);

    await alice.ok({ type: "account.avatar.set", mime_type: "image/gif", data: GIF.toString("base64") });
    const told = await aliceElsewhere.waitForType("account.avatar");
    assert.deepEqual(told["avatar"], { type: "image/gif", hash: sha1(GIF) });
    const presence = await bob.waitForType("presence", (frame) => frame["from"] === `native:${aliceName}` && frame["avatar"] !== null);
    assert.deepEqual(presence["avatar"], { type: "image/gif", hash: sha1(GIF) });
    const info = (await bob.ok({ type: "contact.info", address: `native:${aliceName}` }))["info"] as Record<string, unknown>;
    assert.deepEqual(info["avatar"], { type: "image/gif", hash: sha1(GIF) });

    const got = await bob.ok({ type: "avatar.get", address: `native:${aliceName}` });
    assert.deepEqual(got["avatar"], { type: "image/gif", hash: sha1(GIF), data: GIF.toString("base64") });
    const refused = await carol.request({ type: "avatar.get", address: `native:${aliceName}` });
    assert.equal(refused["code"], "GW_ERR_FORBIDDEN");
    const carolInfo = (await carol.ok({ type: "contact.info", address: `native:${aliceName}` }))["info"] as Record<string, unknown>;
    assert.equal(carolInfo["avatar"], undefined);
  });

  it("lists a native contact's avatar in contact.list to those who see her presence, and to nobody else", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const bob = await suite.native("bob");
    const carol = await suite.native("carol");
    await watch(bob, alice, aliceName);
    await carol.ok({ type: "contact.add", address: `native:${aliceName}` });
    const entryOf = async (client: NativeClient): Promise<Record<string, unknown> | undefined> =>
      ((await client.ok({ type: "contact.list" }))["contacts"] as Record<string, unknown>[]).find((entry) => entry["address"] === `native:${aliceName}`);
    assert.equal((await entryOf(bob))?.["avatar"], undefined, "none before she sets one");

    await alice.ok({ type: "account.avatar.set", mime_type: "image/gif", data: GIF.toString("base64") });
    await bob.waitForType("presence", (frame) => frame["from"] === `native:${aliceName}` && frame["avatar"] !== null);
    assert.deepEqual((await entryOf(bob))?.["avatar"], { type: "image/gif", hash: sha1(GIF) });
    const carolsEntry = await entryOf(carol);
    assert.ok(carolsEntry !== undefined, "alice is in carol's list");
    assert.equal(carolsEntry["avatar"], undefined, "carol does not see her presence, nor her avatar");
    // An entry changed is pushed as contact.list shows it.
    await bob.ok({ type: "contact.add", address: `native:${aliceName}`, name: "Alice A." });
    const pushed = await bob.waitForType("contact", (frame) => (frame["contact"] as Record<string, unknown>)["name"] === "Alice A.");
    assert.deepEqual((pushed["contact"] as Record<string, unknown>)["avatar"], { type: "image/gif", hash: sha1(GIF) });
    // Blocked, bob sees her offline and is refused her picture: her entry names none either, until the unblock.
    await alice.ok({ type: "contact.block", address: `native:${suite.nameOf(bob)}` });
    assert.equal((await entryOf(bob))?.["avatar"], undefined, "not to someone she blocked");
    assert.equal((await bob.request({ type: "avatar.get", address: `native:${aliceName}` }))["code"], "GW_ERR_FORBIDDEN", "avatar.get refuses him");
    const info = (await bob.ok({ type: "contact.info", address: `native:${aliceName}` }))["info"] as Record<string, unknown>;
    assert.deepEqual([info["show"], info["avatar"]], ["offline", undefined], "contact.info shows her offline, without her avatar");
    await bob.ok({ type: "contact.add", address: `native:${aliceName}`, name: "Alice B." });
    const pushedBlocked = await bob.waitForType("contact", (frame) => (frame["contact"] as Record<string, unknown>)["name"] === "Alice B.");
    assert.equal((pushedBlocked["contact"] as Record<string, unknown>)["avatar"], undefined, "nor in the contact push");
    await alice.ok({ type: "contact.unblock", address: `native:${suite.nameOf(bob)}` });
    assert.deepEqual((await entryOf(bob))?.["avatar"], { type: "image/gif", hash: sha1(GIF) });
  });

  it("refuses a picture that is not of the type it names, and one of a type it does not take", async function () {
    const alice = await suite.native("alice");
    const mislabelled = await alice.request({ type: "account.avatar.set", mime_type: "image/jpeg", data: PNG.toString("base64") });
    assert.equal(mislabelled["code"], "GW_ERR_BAD_FRAME");
    assert.match(String(mislabelled["message"]), /not a JPEG picture/);
    const svg = await alice.request({ type: "account.avatar.set", mime_type: "image/svg+xml", data: Buffer.from("<svg/>").toString("base64") });
    assert.equal(svg["code"], "GW_ERR_BAD_FRAME");
    const mine = await alice.ok({ type: "avatar.get", address: `native:${suite.nameOf(alice)}` });
    assert.equal(mine["avatar"], null);
  });

  it("removes a native user's avatar with her account: a new account of the name has none", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const bob = await suite.native("bob");
    await watch(bob, alice, aliceName);
    await alice.ok({ type: "account.avatar.set", mime_type: "image/png", data: PNG.toString("base64") });
    await alice.ok({ type: "account.delete", password: PASSWORD }, TIMEOUT);
    const gone = await bob.request({ type: "avatar.get", address: `native:${aliceName}` });
    assert.equal(gone["code"], "GW_ERR_NOT_FOUND");
    const reborn = await suite.nativeAs(aliceName, { register: true });
    const none = await reborn.ok({ type: "avatar.get", address: `native:${aliceName}` });
    assert.equal(none["avatar"], null);
  });

  it("reads an XMPP user's avatar from the vCard PHOTO they set on their server", async function () {
    const alice = await suite.native("alice");
    const juliet = await suite.xmppUser("juliet");
    const set = await juliet.iq(
      xml("iq", { type: "set" }, xml("vCard", { xmlns: "vcard-temp" }, xml("FN", {}, "Juliet"), xml("PHOTO", {}, xml("TYPE", {}, "image/png"), xml("BINVAL", {}, PNG.toString("base64"))))),
    );
    assert.equal(set.attrs["type"], "result", set.toString());
    const got = await alice.ok({ type: "avatar.get", address: `xmpp:${juliet.bareJid}` }, TIMEOUT);
    assert.deepEqual(got["avatar"], { type: "image/png", hash: sha1(PNG), data: PNG.toString("base64") });
  });

  it("keeps an XMPP server's answer that it has no vCard of her: avatar.get and contact.info ask it again only after a while", async function () {
    const alice = await suite.native("alice");
    const juliet = await suite.xmppUser("juliet");
    const address = `xmpp:${juliet.bareJid}`;
    assert.equal((await alice.request({ type: "avatar.get", address }, TIMEOUT))["code"], "GW_ERR_NOT_FOUND");
    // She sets a vCard with a photo now, telling nobody by presence: only a new vCard get would find it.
    const set = await juliet.iq(xml("iq", { type: "set" }, xml("vCard", { xmlns: "vcard-temp" }, xml("FN", {}, "Juliet"), xml("PHOTO", {}, xml("TYPE", {}, "image/png"), xml("BINVAL", {}, PNG.toString("base64"))))));
    assert.equal(set.attrs["type"], "result", set.toString());
    assert.equal((await alice.request({ type: "avatar.get", address }, TIMEOUT))["code"], "GW_ERR_NOT_FOUND", "the kept answer, her server not asked");
    assert.equal((await alice.request({ type: "contact.info", address }, TIMEOUT))["code"], "GW_ERR_NOT_FOUND", "contact.info too");
  });

  it("keeps the no-vCard answer contact.info got for avatar.get", async function () {
    const alice = await suite.native("alice");
    const juliet = await suite.xmppUser("juliet");
    const address = `xmpp:${juliet.bareJid}`;
    assert.equal((await alice.request({ type: "contact.info", address }, TIMEOUT))["code"], "GW_ERR_NOT_FOUND");
    const set = await juliet.iq(xml("iq", { type: "set" }, xml("vCard", { xmlns: "vcard-temp" }, xml("FN", {}, "Juliet"), xml("PHOTO", {}, xml("TYPE", {}, "image/png"), xml("BINVAL", {}, PNG.toString("base64"))))));
    assert.equal(set.attrs["type"], "result", set.toString());
    assert.equal((await alice.request({ type: "avatar.get", address }, TIMEOUT))["code"], "GW_ERR_NOT_FOUND", "the kept answer, her server not asked");
  });
});
