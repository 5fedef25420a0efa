/**
 * IRC networks' channel directories on the component (docs/xmpp.md "Channel directory"), as Biboumi offers them: a
 * network's JID `%libera@D` (addressing.ts networkOfJid) answers XEP-0030 disco#info with a conference identity and
 * disco#items with the network's channels (core/room-directory.ts, by LIST), each as its room JID `#dev%libera@D`
 * named "#dev (12): the topic", paged by XEP-0059 result set management.
 *
 * Paging (XEP-0059 sections 2.1-2.6): `<max/>` (at most MAX_PAGE_SIZE; 0 asks for the count alone) and `<after/>`
 * (the `<last/>` of the page before, a channel's JID; a bare channel name is taken too) are read; the answer's `<set/>`
 * has `<first index=.../>`, `<last/>` and `<count/>`. Backward paging (`<before/>`) is not offered: it is answered
 * with feature-not-implemented. A query without `<set/>` gets the first MAX_PAGE_SIZE channels and a `<set/>` saying
 * how many there are, so that no answer grows past what a server relays (XEP-0059 section 2.6 allows this).
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { toGatewayError } from "../../core/errors.js";
import { MAX_PAGE_SIZE, type DirectoryQuery } from "../../core/model/room-directory.js";
import type { Address } from "../../core/model/address.js";
import { addressToJid, jidToAddress, networkJid, xmppUserAddress, withoutResource } from "./addressing.js";
import { stanzaConditionFor } from "./error-conditions.js";
import { discoInfo, discoItems, errorCondition, NS } from "./stanzas.js";
import { stripInvalidXmlChars } from "./xml-safety.js";

export const NS_RSM = "http://jabber.org/protocol/rsm";

/**
 * What a query's `<set/>` asks: a page, or the count alone (max 0); backward paging, which is not offered; or nothing
 * readable (a `<max/>` that is no whole number, XEP-0059 section 2.1: bad-request).
 */
type RsmRequest = { readonly kind: "page"; readonly query: DirectoryQuery; readonly countOnly: boolean } | { readonly kind: "backward" } | { readonly kind: "malformed" };

/** The page a disco#items query asks for (see the header); `domain` reads an `<after/>` that is a channel's JID. */
export function rsmRequest(query: Element, domain: string): RsmRequest {
  const set = query.getChild("set", NS_RSM);
  if (set === undefined) return { kind: "page", query: { max: MAX_PAGE_SIZE }, countOnly: false };
  if (set.getChild("before") !== undefined) return { kind: "backward" };
  const maxText = set.getChildText("max")?.trim() ?? null;
  if (maxText !== null && !/^[0-9]{1,9}$/.test(maxText)) return { kind: "malformed" };
  const max = maxText === null ? MAX_PAGE_SIZE : Number.parseInt(maxText, 10);
  const afterText = set.getChildText("after");
  const after = afterText === null || afterText === "" ? undefined : channelName(afterText, domain);
  const countOnly = max === 0;
  return { kind: "page", query: { max: Math.max(max, 1), ...(after === undefined ? {} : { after }) }, countOnly };
}

/** A channel's name from its JID, or the text itself when it is none. */
function channelName(text: string, domain: string): string {
  try {
    return jidToAddress(text, domain).id;
  } catch {
    return text;
  }
}

/** "#dev (12): the topic", without what XML cannot carry (the adapter stripped IRC's controls already). */
function itemName(room: { readonly name: string; readonly members: number; readonly topic: string }): string {
  return stripInvalidXmlChars(room.topic === "" ? `${room.name} (${room.members})` : `${room.name} (${room.members}): ${room.topic}`);
}

export class ChannelDirectory {
  constructor(
    private readonly domain: string,
    private readonly context: AdapterContext,
  ) {}

  /** Items for the domain's own disco#items: each configured network's directory. */
  networkItems(): { jid: string; name: string }[] {
    return this.context.roomDirectory.networks().map((network) => ({ jid: networkJid(network, this.domain), name: `${network} (IRC channels)` }));
  }

  /** disco#info of a network's JID: what it is, or item-not-found for a network nobody serves. */
  info(network: string): Element {
    if (!this.context.roomDirectory.offers(network)) return errorCondition("cancel", "item-not-found", `no IRC network is called ${network}`);
    return discoInfo({ identities: [{ category: "conference", type: "irc", name: network }], features: [NS.discoInfo, NS.discoItems, NS_RSM] });
  }

  /** disco#items of a network's JID, for the asker `from` (counted for fresh listings): a page of its channels. */
  async items(network: string, from: string, query: Element): Promise<Element> {
    const request = rsmRequest(query, this.domain);
    if (request.kind === "backward") return errorCondition("cancel", "feature-not-implemented", "paging backwards (<before/>) is not offered");
    if (request.kind === "malformed") return errorCondition("modify", "bad-request", "<max/> must be a whole number (XEP-0059)");
    let asker: Address;
    try {
      asker = xmppUserAddress(withoutResource(from), this.context.account);
    } catch (error: unknown) {
      return this.refusal(error);
    }
    try {
      const answer = await this.context.roomDirectory.page(asker, network, request.query);
      const rooms = request.countOnly ? [] : answer.rooms;
      const items = discoItems(rooms.map((room) => ({ jid: addressToJid(room.address, this.domain), name: itemName(room) })));
      const set = xml("set", { xmlns: NS_RSM });
      const first = rooms[0];
      const last = rooms[rooms.length - 1];
      if (first !== undefined && last !== undefined) {
        set.append(xml("first", { index: String(answer.index) }, addressToJid(first.address, this.domain)));
        set.append(xml("last", {}, addressToJid(last.address, this.domain)));
      }
      set.append(xml("count", {}, String(answer.count)));
      items.append(set);
      return items;
    } catch (error: unknown) {
      return this.refusal(error);
    }
  }

  private refusal(error: unknown): Element {
    const refusal = toGatewayError(error);
    const { type, condition } = stanzaConditionFor(refusal.code);
    return errorCondition(type, condition, refusal.message);
  }
}
