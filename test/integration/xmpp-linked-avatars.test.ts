/**
 * Avatars of a linked XMPP account's contacts against a real Prosody with mod_pep: native alice links alicex, whose
 * roster contact juliet published a XEP-0084 avatar; avatar.get of juliet through the account reads it (her server
 * gives it to alicex, with whom she shares her presence), and the XEP-0153 hash of juliet's presence reaches alice's
 * presence push and her contact.list entry. The account's caps ask for XEP-0084 notifications (account-caps.ts): juliet's
 * server sends it her avatar's metadata at login and each new one she publishes, which alice is told with its type. A
 * presence with a new hash is pushed once, with it.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { xml } from "@xmpp/client";
import { ALICEX_PASSWORD, useLinkedAccount } from "../helpers/linked-account-suite.js";
import { befriend, XmppTestClient } from "../helpers/xmpp-client.js";
import { publishAvatar } from "../helpers/pep-avatars.js";

const TIMEOUT = 15_000;
const JULIET_ADDRESS = "xmpp://u.alice/juliet@localhost";
/** A 1x1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");
/** A 1x1 GIF. */
const GIF = Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x3b])]);
const sha1 = (data: Buffer): string => createHash("sha1").update(data).digest("hex");

describe("avatars of a linked XMPP account's contacts", function () {
  let juliet: XmppTestClient;
  const suite = useLinkedAccount({
    users: ["juliet"],
    pep: true,
    async beforeDaemon() {
      const prosody = suite.prosody();
      const alicex = await XmppTestClient.connect(prosody, "alicex", ALICEX_PASSWORD, "phone");
      juliet = await suite.xmpp("juliet");
      for (const client of [alicex, juliet]) await client.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
      await alicex.sendPresence();
      await juliet.sendPresence();
      await befriend(alicex, juliet);
      await alicex.stop();
      await publishAvatar(juliet, "image/png", PNG);
    },
  });

  it("reads a contact's PEP avatar through the account, and tells the hash her presence names", async function () {
    const alice = suite.alice();
    await alice.waitForType("presence", (frame) => frame["from"] === JULIET_ADDRESS && frame["show"] !== "offline", TIMEOUT);
    const got = await alice.ok({ type: "avatar.get", address: JULIET_ADDRESS }, TIMEOUT);
    assert.deepEqual(got["avatar"], { type: "image/png", hash: sha1(PNG), data: PNG.toString("base64") });

    await juliet.send(xml("presence", {}, xml("status", {}, "new picture"), xml("x", { xmlns: "vcard-temp:x:update" }, xml("photo", {}, sha1(PNG)))));
    const told = await alice.waitForType("presence", (frame) => frame["from"] === JULIET_ADDRESS && frame["avatar"] !== undefined, TIMEOUT);
    // Its type too: her server sent the account the PEP metadata of it at login (account-caps.ts), which the hash keeps.
    assert.deepEqual(told["avatar"], { type: "image/png", hash: sha1(PNG) });
    const entry = ((await alice.ok({ type: "contact.list" }))["contacts"] as Array<Record<string, unknown>>).find((each) => each["address"] === JULIET_ADDRESS);
    assert.deepEqual(entry?.["avatar"], { type: "image/png", hash: sha1(PNG) }, JSON.stringify(entry));
  });

  it("tells her a contact's new PEP avatar, which her server sends the account because its caps ask for it", async function () {
    const alice = suite.alice();
    await alice.waitForType("presence", (frame) => frame["from"] === JULIET_ADDRESS && frame["show"] !== "offline", TIMEOUT);
    await publishAvatar(juliet, "image/gif", GIF);
    const told = await alice.waitForType("presence", (frame) => frame["from"] === JULIET_ADDRESS && (frame["avatar"] as Record<string, unknown> | undefined)?.["hash"] === sha1(GIF), TIMEOUT);
    assert.deepEqual(told["avatar"], { type: "image/gif", hash: sha1(GIF) });
    const entry = ((await alice.ok({ type: "contact.list" }))["contacts"] as Array<Record<string, unknown>>).find((each) => each["address"] === JULIET_ADDRESS);
    assert.deepEqual(entry?.["avatar"], { type: "image/gif", hash: sha1(GIF) }, JSON.stringify(entry));
    const got = await alice.ok({ type: "avatar.get", address: JULIET_ADDRESS }, TIMEOUT);
    assert.deepEqual(got["avatar"], { type: "image/gif", hash: sha1(GIF), data: GIF.toString("base64") }, "the picture kept before was dropped for the new one");
  });

  it("pushes a contact's presence that changes her avatar and her show once, with the new hash", async function () {
    const alice = suite.alice();
    // What her server sent the account at login is told first (the PEP metadata: a hash with its type); then she is "chat".
    const fromPep = (frame: Record<string, unknown>): boolean => frame["type"] === "presence" && frame["from"] === JULIET_ADDRESS && (frame["avatar"] as Record<string, unknown> | undefined)?.["type"] !== undefined;
    if (!alice.transcript.some(fromPep)) await alice.waitFor(fromPep, TIMEOUT);
    await juliet.send(xml("presence", {}, xml("show", {}, "chat")));
    await alice.waitForType("presence", (frame) => frame["from"] === JULIET_ADDRESS && frame["show"] === "chat", TIMEOUT);
    const mark = alice.transcript.length;
    const hash = "ab".repeat(20);
    await juliet.send(xml("presence", {}, xml("show", {}, "dnd"), xml("x", { xmlns: "vcard-temp:x:update" }, xml("photo", {}, hash))));
    // Handled after it: a presence with no <x/> (nothing said of her avatar).
    await juliet.send(xml("presence", {}, xml("show", {}, "xa")));
    await alice.waitForType("presence", (frame) => frame["from"] === JULIET_ADDRESS && frame["show"] === "xa", TIMEOUT);
    const shown = alice.transcript.slice(mark).filter((frame) => frame.type === "presence" && frame["from"] === JULIET_ADDRESS);
    assert.deepEqual(
      shown.map((frame) => ({ show: frame["show"], avatar: frame["avatar"] })),
      [
        { show: "dnd", avatar: { hash } },
        { show: "xa", avatar: { hash } },
      ],
    );
  });
});
