/** pep-avatars.ts: an XMPP user's XEP-0084 avatar read from her server's answers, checked against the hash published. */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { askPepAvatar, metadataOf, NS_AVATAR_DATA, NS_AVATAR_METADATA, NS_PUBSUB, type IqRequest } from "../../../src/adapters/xmpp/pep-avatars.js";
import { askAvatar } from "../../../src/adapters/xmpp/vcards.js";
import { makeAddress } from "../../../src/core/model/address.js";
import { avatarHash } from "../../../src/core/model/avatar.js";

const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(24, 7)]);
const HASH = avatarHash(PNG);

const answer = (node: string, ...items: Element[]): Element => xml("iq", { type: "result" }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node }, ...items)));
const metadata = (...infos: Array<Record<string, string>>): Element => answer(NS_AVATAR_METADATA, xml("item", { id: HASH }, xml("metadata", { xmlns: NS_AVATAR_METADATA }, ...infos.map((info) => xml("info", info)))));
const data = (id: string, bytes: Buffer): Element => answer(NS_AVATAR_DATA, xml("item", { id }, xml("data", { xmlns: NS_AVATAR_DATA }, bytes.toString("base64"))));
const refusal = (condition: string): Error => Object.assign(new Error(condition), { condition });

/**
 * A server that answers the metadata get with `meta` and the data get with `payload` (from the JID asked, unless
 * `from` says another), recording what was asked.
 */
function server(meta: Element | Error, payload?: Element | Error, from?: (node: unknown, to: string) => string): { request: IqRequest; asked: Element[] } {
  const asked: Element[] = [];
  const request: IqRequest = async (iq) => {
    asked.push(iq);
    const node = iq.getChild("pubsub", NS_PUBSUB)?.getChild("items")?.attrs["node"];
    const reply = node === NS_AVATAR_METADATA ? meta : payload;
    if (reply === undefined) throw refusal("item-not-found");
    if (reply instanceof Error) throw reply;
    const to = String(iq.attrs["to"]);
    reply.attrs["from"] = from?.(node, to) ?? to;
    return reply;
  };
  return { request, asked };
}

describe("XEP-0084 avatars (pep-avatars.ts)", () => {
  it("reads the published picture: metadata, then the data item of its id, from the asker's JID to her bare JID", async () => {
    const { request, asked } = server(metadata({ id: HASH, type: "image/png", bytes: String(PNG.length) }), data(HASH, PNG));
    const avatar = await askPepAvatar(request, "alice@gw", "juliet@example.org");
    assert.deepEqual(avatar, { type: "image/png", hash: HASH, data: PNG });
    assert.deepEqual(asked.map((iq) => [iq.attrs["from"], iq.attrs["to"], iq.getChild("pubsub")?.getChild("items")?.getChild("item")?.attrs["id"]]), [["alice@gw", "juliet@example.org", undefined], ["alice@gw", "juliet@example.org", HASH]]);
  });

  it("refuses data whose SHA-1 is not the one published, or not of its type", async () => {
    const other = Buffer.concat([PNG, Buffer.from([1])]);
    const mismatch = server(metadata({ id: HASH, type: "image/png" }), data(HASH, other));
    await assert.rejects(askPepAvatar(mismatch.request, "alice@gw", "juliet@example.org"), { code: "GW_ERR_UNAVAILABLE", message: /SHA-1/ });
    const gif = server(metadata({ id: HASH, type: "image/gif" }), data(HASH, PNG));
    await assert.rejects(askPepAvatar(gif.request, "alice@gw", "juliet@example.org"), { code: "GW_ERR_UNAVAILABLE", message: /not a GIF/ });
    const missing = server(metadata({ id: HASH, type: "image/png" }));
    await assert.rejects(askPepAvatar(missing.request, "alice@gw", "juliet@example.org"), { code: "GW_ERR_UNAVAILABLE" });
  });

  it("takes an answer only from the JID asked: one that another JID sent with the request's id is no answer", async () => {
    const good = { id: HASH, type: "image/png", bytes: String(PNG.length) };
    // A forged data answer (another picture, its own hash published in a forged metadata too) from mallory's JID.
    const forged = server(metadata(good), data(HASH, PNG), () => "mallory@evil.example");
    await assert.rejects(askPepAvatar(forged.request, "alice@gw", "juliet@example.org"), { code: "GW_ERR_UNAVAILABLE", message: /mallory@evil\.example/ });
    const forgedData = server(metadata(good), data(HASH, PNG), (node) => (node === NS_AVATAR_DATA ? "juliet@example.org/phone" : "juliet@example.org"));
    await assert.rejects(askPepAvatar(forgedData.request, "alice@gw", "juliet@example.org"), { code: "GW_ERR_UNAVAILABLE" });
    // Her server may write her JID in another case, or as stringprep maps it (full-width letters folded).
    const cased = server(metadata(good), data(HASH, PNG), (_node, to) => to.toUpperCase());
    assert.deepEqual(await askPepAvatar(cased.request, "alice@gw", "juliet@example.org"), { type: "image/png", hash: HASH, data: PNG });
    const folded = server(metadata(good), data(HASH, PNG), (_node, to) => to.normalize("NFKC"));
    assert.deepEqual(await askPepAvatar(folded.request, "alice@gw", "ｊuliet@example.org"), { type: "image/png", hash: HASH, data: PNG });
  });

  it("takes her vCard's PHOTO, where she has no PEP avatar, only from the JID asked too", async () => {
    const vcard = (from: string): Element => xml("iq", { type: "result", from }, xml("vCard", { xmlns: "vcard-temp" }, xml("PHOTO", {}, xml("TYPE", {}, "image/png"), xml("BINVAL", {}, PNG.toString("base64")))));
    const juliet = makeAddress("xmpp", "xmpp", "juliet@example.org");
    const answeredBy = (from: string): IqRequest => async (iq) => {
      if (iq.getChild("pubsub", NS_PUBSUB) !== undefined) throw refusal("item-not-found");
      return vcard(from);
    };
    const once = <T>(ask: () => Promise<T>): Promise<T> => ask();
    assert.equal((await askAvatar(answeredBy("juliet@example.org"), { pep: "alice@gw", vcard: "gw" }, juliet, once))?.hash, HASH);
    await assert.rejects(askAvatar(answeredBy("mallory@evil.example"), { pep: "alice@gw", vcard: "gw" }, juliet, once), { code: "GW_ERR_UNAVAILABLE", message: /mallory@evil\.example/ });
  });

  it("says none for an empty metadata, and nothing by PEP (ask the vCard) for a refusal or no node", async () => {
    assert.equal(await askPepAvatar(server(answer(NS_AVATAR_METADATA, xml("item", { id: "x" }, xml("metadata", { xmlns: NS_AVATAR_METADATA })))).request, "a@gw", "j@example.org"), null);
    for (const condition of ["item-not-found", "forbidden", "service-unavailable", "presence-subscription-required"]) {
      assert.equal(await askPepAvatar(server(refusal(condition)).request, "a@gw", "j@example.org"), undefined, condition);
    }
    assert.equal(await askPepAvatar(server(answer(NS_AVATAR_METADATA)).request, "a@gw", "j@example.org"), undefined, "a node without items");
    await assert.rejects(askPepAvatar(server(new Error("timeout")).request, "a@gw", "j@example.org"), { code: "GW_ERR_UNAVAILABLE", condition: "timeout" });
  });

  it("chooses the first <info/> of a type taken that is held in the data node (not a URL's)", () => {
    const element = (...infos: Array<Record<string, string>>): Element => xml("metadata", { xmlns: NS_AVATAR_METADATA }, ...infos.map((info) => xml("info", info)));
    assert.deepEqual(metadataOf(element({ id: "c".repeat(40), type: "image/png", url: "https://example.org/a.png" }, { id: "d".repeat(40), type: "image/svg+xml" }, { id: HASH.toUpperCase(), type: "image/PNG" })), { kind: "avatar", hash: HASH, type: "image/png" });
    assert.deepEqual(metadataOf(element({ id: "not a hash", type: "image/png" })), { kind: "none" });
  });
});
