/**
 * What an XMPP client does with a contact's XEP-0115 caps, written here apart from the gateway's own code
 * (src/adapters/xmpp/entity-caps.ts) so that a test checks the gateway against the XEP, not against itself: read the
 * <c/> of a presence, ask disco#info for node#ver, and hash the answer as section 5.1 says (identities and features
 * only: the gateway's contacts put no extended forms in their answer, and the names and features are ASCII, where
 * JavaScript's sort is the XEP's byte order).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import type { XmppTestClient } from "./xmpp-client.js";

export const NS_CAPS = "http://jabber.org/protocol/caps";
const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";

export interface AdvertisedCaps {
  readonly hash: string;
  readonly node: string;
  readonly ver: string;
}

/** The caps of a presence stanza; fails the test when it has none. */
export function capsOfPresence(presence: Element): AdvertisedCaps {
  const c = presence.getChild("c", NS_CAPS);
  assert.ok(c, `no XEP-0115 <c/> in ${presence.toString()}`);
  return { hash: String(c.attrs["hash"]), node: String(c.attrs["node"]), ver: String(c.attrs["ver"]) };
}

/** SHA-1, base64, of identities "category/type/lang/name<" sorted, then features "var<" sorted. */
export function capsHashOf(query: Element): string {
  const identities = query
    .getChildren("identity")
    .map((identity) => ["category", "type", "xml:lang", "name"].map((name) => String(identity.attrs[name] ?? "")).join("/"))
    .sort();
  const features = query
    .getChildren("feature")
    .map((feature) => String(feature.attrs["var"]))
    .sort();
  const s = [...identities, ...features].map((part) => `${part}<`).join("");
  return createHash("sha1").update(s, "utf8").digest("base64");
}

/** disco#info of `jid`, with a node when given; rejects with the error condition (XmppTestClient.iq). */
export async function discoInfoOf(client: XmppTestClient, jid: string, node?: string): Promise<Element> {
  const answer = await client.iq(xml("iq", { type: "get", to: jid }, xml("query", { xmlns: NS_DISCO_INFO, ...(node === undefined ? {} : { node }) })));
  const query = answer.getChild("query", NS_DISCO_INFO);
  assert.ok(query, answer.toString());
  return query;
}

/** The features of a disco#info answer. */
export function featuresOf(query: Element): string[] {
  return query.getChildren("feature").map((feature) => String(feature.attrs["var"]));
}

/**
 * Checks the caps of `presence` as a caps-validating client would (XEP-0115 section 5.4): sha-1, a disco#info to the
 * presence's sender for node#ver that echoes the node and hashes to ver, and item-not-found for a node that is none
 * of the sender's. Gives the features.
 */
export async function verifyCaps(client: XmppTestClient, presence: Element): Promise<string[]> {
  const caps = capsOfPresence(presence);
  assert.equal(caps.hash, "sha-1");
  const from = String(presence.attrs["from"]);
  const capsNode = `${caps.node}#${caps.ver}`;
  const query = await discoInfoOf(client, from, capsNode);
  assert.equal(query.attrs["node"], capsNode, "the caps node is echoed (XEP-0115 section 6.2)");
  assert.equal(capsHashOf(query), caps.ver, `the answer does not hash to the advertised ver: ${query.toString()}`);
  const plain = await discoInfoOf(client, from);
  assert.equal(plain.attrs["node"], undefined);
  assert.deepEqual(featuresOf(plain), featuresOf(query), "the JID's own disco#info lists what its caps node does");
  await assert.rejects(discoInfoOf(client, from, `${caps.node}#not-the-ver`), /item-not-found/);
  return featuresOf(query);
}
