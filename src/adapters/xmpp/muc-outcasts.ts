/**
 * Bans in the gateway's rooms through XEP-0045 muc#admin (section 9.1 ban, 9.2 the ban list): an item with
 * affiliation "outcast" bans the person of its `jid` (a bare JID on another server, or a gateway JID such as
 * `alice@gateway` for a native user; a `nick` of someone in the room will do too) with its optional `<reason/>`;
 * affiliation "none" on an outcast lifts the ban; an iq get of affiliation "outcast" lists the bans, each an item
 * with the person's JID and the reason. The core decides (core/room-bans.ts: the room's owner or an admin of the
 * gateway, a ban of a person with their linked accounts); everyone in the room then sees the banned one go with
 * status 301 (gateway-rooms.ts).
 */
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import { formatAddress, sameAddress, type Address } from "../../core/model/address.js";
import { addressToJid, addressToXmppJid, checkedJid, jidToAddress, withoutResource, xmppUserAddress } from "./addressing.js";
import { stanzaConditionFor, type StanzaErrorType } from "./error-conditions.js";
import type { GatewayRooms } from "./gateway-rooms.js";
import { NS } from "./stanzas.js";
import { stripInvalidXmlChars as safe } from "./xml-safety.js";

export interface Refusal {
  readonly type: StanzaErrorType;
  readonly condition: string;
  readonly text: string;
}

/** The address a JID of a muc#admin item names: someone behind the gateway on its domain, else an XMPP user. */
export function addressOfItemJid(jid: string, domain: string, account: string): Address {
  const bare = withoutResource(jid);
  return checkedJid(bare).domain.toLowerCase() === domain.toLowerCase() ? jidToAddress(bare, domain) : xmppUserAddress(bare, account);
}

/** The JID a banned person is listed under: their own for an XMPP user, the gateway's for anyone else. */
export function itemJidOf(person: Address, domain: string): string {
  return person.protocol === "xmpp" ? addressToXmppJid(person) : addressToJid(person, domain);
}

export class MucOutcasts {
  constructor(
    private readonly domain: string,
    private readonly context: AdapterContext,
    private readonly rooms: GatewayRooms,
  ) {}

  /** A muc#admin set of one item with affiliation "outcast" (a ban) or "none" (its end). Undefined when done. */
  async set(from: string, room: Address, item: Element): Promise<Refusal | undefined> {
    const by = xmppUserAddress(withoutResource(from), this.context.account);
    let target: Address | undefined;
    try {
      target = this.targetOf(room, item);
    } catch (error: unknown) {
      return this.refusal(error);
    }
    if (target === undefined) return { type: "modify", condition: "bad-request", text: "name whom to ban with a jid (or the nick of someone in the room)" };
    // XEP-0045 9.1 / 10.6: nobody takes away their own standing.
    if (sameAddress(target, by)) return { type: "cancel", condition: "conflict", text: "you cannot ban yourself" };
    try {
      if (item.attrs["affiliation"] === "outcast") await this.context.roomBans.ban(room, by, target, item.getChildText("reason") ?? "");
      else await this.context.roomBans.unban(room, by, target);
      return undefined;
    } catch (error: unknown) {
      const refusal = this.refusal(error);
      // XEP-0045 9.1: an owner or admin cannot be banned (not-allowed); nor can someone of a bridged room, whose
      // operators ban them there (as kicks: gateway-rooms.ts). A moderator's refusal is about whom they named.
      if (refusal.condition === "forbidden" && this.rooms.moderates(room, from, by)) return { type: "cancel", condition: "not-allowed", text: refusal.text };
      return refusal;
    }
  }

  /** The room's ban list (XEP-0045 9.2), as the query of the result, or the refusal. */
  async list(from: string, room: Address): Promise<Element | Refusal> {
    const by = xmppUserAddress(withoutResource(from), this.context.account);
    try {
      const bans = await this.context.roomBans.list(room, by);
      const items = bans.map((ban) => xml("item", { affiliation: "outcast", jid: safe(itemJidOf(ban.person, this.domain)) }, ...(ban.reason === "" ? [] : [xml("reason", {}, safe(ban.reason))])));
      return xml("query", { xmlns: NS.mucAdmin }, ...items);
    } catch (error: unknown) {
      return this.refusal(error);
    }
  }

  /** Whom an item names: by `jid`, else by the `nick` someone has in the room; undefined when neither is given. */
  private targetOf(room: Address, item: Element): Address | undefined {
    const jid = item.attrs["jid"];
    if (typeof jid === "string" && jid !== "") return addressOfItemJid(jid, this.domain, this.context.account);
    const nick = item.attrs["nick"];
    if (typeof nick !== "string" || nick === "") return undefined;
    const person = this.rooms.personByNick(room, nick);
    if (person === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `nobody is known as ${nick} in ${formatAddress(room)}`);
    return person;
  }

  private refusal(error: unknown): Refusal {
    const gatewayError = toGatewayError(error);
    return { ...stanzaConditionFor(gatewayError.code), text: gatewayError.message };
  }
}
