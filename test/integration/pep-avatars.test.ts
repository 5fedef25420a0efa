/**
 * XEP-0084 (PEP) avatars of XMPP users against a real Prosody with mod_pep: an XMPP client publishes her avatar as
 * Conversations and Dino do (the data node, then the metadata node), with no vCard PHOTO; a native user she shares her
 * presence with reads it with avatar.get (the bytes and the SHA-1 she published), a native stranger is refused it by
 * her server (the "presence" access model) and gets her vCard's answer instead. A native contact with a mutual
 * subscription is told each new avatar (mod_pep's notification, to the caps with metadata+notify) in juliet's presence
 * push and her contact.list entry, as a XEP-0153 hash in juliet's presence is. A presence with a new hash is pushed once,
 * in the order juliet's presences came, never her old presence again with the new hash.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { xml } from "@xmpp/client";
import type { NativeClient } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import { publishAvatar } from "../helpers/pep-avatars.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const TIMEOUT = 15_000;
/** A 1x1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");
/** A GIF header and a little more: bytes enough for the gateway's check, which reads the first ones. */
const GIF = Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x3b])]);
const sha1 = (data: Buffer): string => createHash("sha1").update(data).digest("hex");

describe("XEP-0084 (PEP) avatars of XMPP users", function () {
  const suite = useNetworks({ ircServer: "none", prosodyOptions: { pep: true } });
  const gatewayJid = (name: string): string => `${name}@${suite.prosody().componentDomain}`;

  /** Native `alice` asks to see `juliet`'s presence and she approves: her server then shares her PEP nodes with alice. */
  async function sharedWith(alice: NativeClient, juliet: XmppTestClient): Promise<void> {
    const aliceJid = gatewayJid(suite.nameOf(alice));
    await alice.ok({ type: "presence.subscribe", address: `xmpp:${juliet.bareJid}` });
    await juliet.waitFor((stanza) => stanza.is("presence") && stanza.attrs["from"] === aliceJid && stanza.attrs["type"] === "subscribe", TIMEOUT);
    await juliet.send(xml("presence", { to: aliceJid, type: "subscribed" }));
    await alice.waitForType("presence", (frame) => frame["from"] === `xmpp:${juliet.bareJid}` && frame["show"] !== "offline", TIMEOUT);
  }

  it("gives a contact the avatar an XMPP user published with PEP, with its SHA-1; her server refuses it to a stranger", async function () {
    const alice = await suite.native("alice");
    const carol = await suite.native("carol");
    const juliet = await suite.xmppUser("juliet");
    await publishAvatar(juliet, "image/png", PNG);
    await sharedWith(alice, juliet);

    // carol does not see juliet's presence: her server refuses carol the PEP nodes, and juliet has no vCard either.
    const refused = await carol.request({ type: "avatar.get", address: `xmpp:${juliet.bareJid}` }, TIMEOUT);
    assert.equal(refused["code"], "GW_ERR_NOT_FOUND", JSON.stringify(refused));
    // What carol was refused is not alice's answer: hers is asked with her own JID.
    const got = await alice.ok({ type: "avatar.get", address: `xmpp:${juliet.bareJid}` }, TIMEOUT);
    assert.deepEqual(got["avatar"], { type: "image/png", hash: sha1(PNG), data: PNG.toString("base64") });
  });

  it("prefers the PEP avatar to an older vCard PHOTO", async function () {
    const alice = await suite.native("alice");
    const juliet = await suite.xmppUser("juliet");
    const set = await juliet.iq(xml("iq", { type: "set" }, xml("vCard", { xmlns: "vcard-temp" }, xml("PHOTO", {}, xml("TYPE", {}, "image/png"), xml("BINVAL", {}, PNG.toString("base64"))))));
    assert.equal(set.attrs["type"], "result", set.toString());
    await publishAvatar(juliet, "image/gif", GIF);
    await sharedWith(alice, juliet);
    const got = await alice.ok({ type: "avatar.get", address: `xmpp:${juliet.bareJid}` }, TIMEOUT);
    assert.deepEqual(got["avatar"], { type: "image/gif", hash: sha1(GIF), data: GIF.toString("base64") });
  });

  it("tells a native contact an XMPP user's new PEP avatar in her presence and contact.list entry, and fetches the new picture", async function () {
    const alice = await suite.native("alice");
    const aliceName = suite.nameOf(alice);
    const juliet = await suite.xmppUser("juliet");
    const address = `xmpp:${juliet.bareJid}`;
    // Both ways: juliet sees alice's presence, whose caps ask for avatar notifications (Prosody then sends them).
    await juliet.send(xml("presence", { to: gatewayJid(aliceName), type: "subscribe" }));
    await alice.waitForType("subscription", (frame) => frame["from"] === address && frame["action"] === "request", TIMEOUT);
    await alice.ok({ type: "presence.approve", address });
    await juliet.waitForPresence(gatewayJid(aliceName), (stanza) => stanza.attrs["type"] === undefined, TIMEOUT);
    await sharedWith(alice, juliet);

    await publishAvatar(juliet, "image/png", PNG);
    const told = await alice.waitForType("presence", (frame) => frame["from"] === address && (frame["avatar"] as Record<string, unknown> | undefined)?.["hash"] === sha1(PNG), TIMEOUT);
    assert.deepEqual(told["avatar"], { type: "image/png", hash: sha1(PNG) });
    const first = await alice.ok({ type: "avatar.get", address }, TIMEOUT);
    assert.equal((first["avatar"] as Record<string, unknown>)["hash"], sha1(PNG));

    await publishAvatar(juliet, "image/gif", GIF);
    await alice.waitForType("presence", (frame) => frame["from"] === address && (frame["avatar"] as Record<string, unknown> | undefined)?.["hash"] === sha1(GIF), TIMEOUT);
    const entry = ((await alice.ok({ type: "contact.list" }))["contacts"] as Array<Record<string, unknown>>).find((each) => each["address"] === address);
    assert.deepEqual(entry?.["avatar"], { type: "image/gif", hash: sha1(GIF) }, JSON.stringify(entry));
    const second = await alice.ok({ type: "avatar.get", address }, TIMEOUT);
    assert.deepEqual(second["avatar"], { type: "image/gif", hash: sha1(GIF), data: GIF.toString("base64") }, "the picture kept was dropped for the new one");
  });

  it("lists the XEP-0153 hash an XMPP contact's presence names, without its type", async function () {
    const alice = await suite.native("alice");
    const juliet = await suite.xmppUser("juliet");
    const address = `xmpp:${juliet.bareJid}`;
    await sharedWith(alice, juliet);
    await juliet.send(xml("presence", {}, xml("x", { xmlns: "vcard-temp:x:update" }, xml("photo", {}, sha1(PNG)))));
    const told = await alice.waitForType("presence", (frame) => frame["from"] === address && frame["avatar"] !== undefined, TIMEOUT);
    assert.deepEqual(told["avatar"], { hash: sha1(PNG) });
    const entry = ((await alice.ok({ type: "contact.list" }))["contacts"] as Array<Record<string, unknown>>).find((each) => each["address"] === address);
    assert.deepEqual(entry?.["avatar"], { hash: sha1(PNG) });
    await juliet.send(xml("presence", {}, xml("x", { xmlns: "vcard-temp:x:update" }, xml("photo"))));
    const none = await alice.waitForType("presence", (frame) => frame["from"] === address && frame["avatar"] === null, TIMEOUT);
    assert.equal(none["avatar"], null);
  });

  describe("a presence carrying a new XEP-0153 hash", function () {
    type Shown = { readonly show: unknown; readonly hash: unknown };
    /** juliet's presence pushes alice got from `mark` on: show and avatar hash. */
    const shownSince = (alice: NativeClient, address: string, mark: number): Shown[] =>
      alice.transcript.slice(mark).filter((frame) => frame.type === "presence" && frame["from"] === address).map((frame) => ({ show: frame["show"], hash: (frame["avatar"] as Record<string, unknown> | null | undefined)?.["hash"] }));
    const withPhoto = (show: string, hash: string): ReturnType<typeof xml> => xml("presence", {}, xml("show", {}, show), xml("x", { xmlns: "vcard-temp:x:update" }, xml("photo", {}, hash)));

    /** alice sees juliet "chat" with no avatar heard; the index of her transcript from then on. */
    async function chatting(alice: NativeClient, juliet: XmppTestClient): Promise<number> {
      await sharedWith(alice, juliet);
      await juliet.send(xml("presence", {}, xml("show", {}, "chat")));
      await alice.waitForType("presence", (frame) => frame["from"] === `xmpp:${juliet.bareJid}` && frame["show"] === "chat", TIMEOUT);
      return alice.transcript.length;
    }

    it("is not overtaken by her unavailable right after it, and her old presence is not pushed again with the new hash", async function () {
      const alice = await suite.native("alice");
      const juliet = await suite.xmppUser("juliet");
      const address = `xmpp:${juliet.bareJid}`;
      const mark = await chatting(alice, juliet);
      await juliet.send(withPhoto("dnd", sha1(PNG)));
      await juliet.send(xml("presence", { type: "unavailable" }));
      // Handled after both: a presence with no <x/> (nothing said of her avatar).
      await juliet.send(xml("presence", {}, xml("show", {}, "xa")));
      await alice.waitForType("presence", (frame) => frame["from"] === address && frame["show"] === "xa", TIMEOUT);
      assert.deepEqual(shownSince(alice, address, mark), [
        { show: "dnd", hash: sha1(PNG) },
        { show: "offline", hash: sha1(PNG) },
        { show: "xa", hash: sha1(PNG) },
      ]);
    });

    it("is pushed once when she changes her avatar and her show in it", async function () {
      const alice = await suite.native("alice");
      const juliet = await suite.xmppUser("juliet");
      const address = `xmpp:${juliet.bareJid}`;
      const mark = await chatting(alice, juliet);
      await juliet.send(withPhoto("away", sha1(GIF)));
      await juliet.send(xml("presence", {}, xml("show", {}, "xa")));
      await alice.waitForType("presence", (frame) => frame["from"] === address && frame["show"] === "xa", TIMEOUT);
      assert.deepEqual(shownSince(alice, address, mark), [
        { show: "away", hash: sha1(GIF) },
        { show: "xa", hash: sha1(GIF) },
      ]);
    });
  });
});
