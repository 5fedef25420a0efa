/**
 * What a contact JID on the gateway's domain can do, by kind of contact: the disco#info it answers (XEP-0030) and
 * the XEP-0115 <c/> its available presence carries. Clients such as Conversations, Gajim and Dino read a contact's
 * features from the caps in its presence (asking disco#info once per `ver`), and without them send it no chat
 * states and ask it for no receipts. So each kind lists exactly what the gateway does with it, read from the code:
 *
 * | feature | native user `alice@D` | IRC person `bob%libera@D` |
 * |---|---|---|
 * | disco#info, caps | answered here | answered here |
 * | XEP-0199 ping | answered for every JID (service-discovery.ts) | same |
 * | XEP-0184 receipts | sent once the native user has the message (component-adapter.ts reportDelivered) | sent once the IRC server has the line (the outbox's delivery) |
 * | XEP-0308 corrections | passed on as corrections | sent as a new line marked "* " (IRC has none: irc/outgoing-messages.ts) |
 * | XEP-0085 chat states | passed both ways | not announced: IRC takes no typing notifications (its adapter's capabilities.typing), so the router drops them |
 * | XEP-0054 vcard-temp | her name (vcards.ts) | WHOIS: realname, nick, account, away... (vcards.ts) |
 * | XEP-0066 jabber:x:oob | attachments both ways (oob.ts) | each link's URL in the line (core/model/attachments.ts) |
 * | XEP-0084 metadata+notify | her contacts' new PEP avatars told her (component-inbound.ts) | not announced: nobody to tell |
 *
 * An IRC person of a network in relay mode (`bob%oftc@D`, kind "irc-relay") announces neither receipts, corrections
 * nor out-of-band data: direct messages to such a network are refused (its adapter's capabilities.directMessages, which
 * the router checks), so no message reaches them to be acknowledged, corrected or given a link. It keeps disco#info,
 * caps, ping and vCards, and its own `ver`.
 *
 * Not announced for any: jabber:iq:version and disco#items, answered for the domain only. /me (XEP-0245) is no
 * feature: it is a body convention. The identity is the same for every contact of a kind (client/pc named as the
 * gateway), not the person's name: the `ver` hashes the whole answer, and one `ver` per kind lets clients cache it
 * once (a name per person would make every contact a new `ver` to ask about).
 *
 * The `node` of the caps is Switchboard's own URI, the one the native protocol's JSON Schema uses as its id
 * (`https://switchboard.invalid`): it names the software, not the deployment.
 *
 * Occupant JIDs of the gateway's rooms (`#room@D/nick`) are no kind here: disco#info to one answers the room's
 * identity (the resource is not looked at), so caps in occupant presence could not be verified against it.
 */
import type { Address } from "../../core/model/address.js";
import { capsVer, NS_CAPS, type CapsIdentity } from "./entity-caps.js";
import { NS } from "./stanzas.js";
import { NS_RETRACT } from "./retraction-stanzas.js";
import { NS_REACTIONS } from "./reaction-stanzas.js";
import { NS_REPLY } from "./reply-stanzas.js";
import { stripInvalidXmlChars } from "./xml-safety.js";
import { NS_VCARD } from "./vcard-temp.js";
import { NS_OOB } from "./oob.js";
import { NS_AVATAR_METADATA } from "./pep-avatars.js";

/** XEP-0163 filtered notifications of XEP-0084 avatar metadata: mod_pep sends them to JIDs whose caps name it. */
export const NS_AVATAR_NOTIFY = `${NS_AVATAR_METADATA}+notify`;

export const CAPS_NODE = "https://switchboard.invalid";

export type ContactKind = "native" | "irc" | "irc-relay";

const FEATURES: Readonly<Record<ContactKind, readonly string[]>> = {
  // XEP-0424 only where a retraction is carried: a native user; an IRC line cannot be unsaid.
  // XEP-0461 where a chat's reply is carried: to a native user as reply_to, to an IRC user after a quote line.
  // XEP-0066 where a direct message's attachments are carried: to a native user as attachments, to an IRC user as URLs.
  // XEP-0444 where a reaction is carried: to a native user as reactions, to an IRC user as an action line of it.
  // XEP-0084's +notify (XEP-0163 section 4): a native user is told her XMPP contacts' new avatars (component-inbound.ts).
  native: [NS.discoInfo, NS_CAPS, NS.ping, NS.chatStates, NS.correction, NS_RETRACT, NS_REPLY, NS_REACTIONS, NS.receipts, NS_VCARD, NS_OOB, NS_AVATAR_NOTIFY],
  irc: [NS.discoInfo, NS_CAPS, NS.ping, NS.correction, NS_REPLY, NS_REACTIONS, NS.receipts, NS_VCARD, NS_OOB],
  "irc-relay": [NS.discoInfo, NS_CAPS, NS.ping, NS_VCARD],
};

/** Whether the network serving an address takes direct messages (AdapterContext.takesDirectMessages). */
export type TakesDirectMessages = (address: Address) => boolean;

/** The attributes of a <c/> (XEP-0115 section 4), computed once: presence is frequent. */
export type CapsAttributes = Readonly<{ xmlns: string; hash: "sha-1"; node: string; ver: string }>;

export interface ContactInfo {
  readonly identities: readonly CapsIdentity[];
  readonly features: readonly string[];
  readonly ver: string;
  /** The disco node of these caps, `node#ver` (XEP-0115 section 6.2), which a disco#info may name. */
  readonly capsNode: string;
  readonly caps: CapsAttributes;
}

/** The kind of contact an address on the gateway's domain is; undefined for an XMPP person (not on the domain). */
export function contactKind(address: Address, takesDirectMessages: TakesDirectMessages): ContactKind | undefined {
  if (address.protocol === "native") return "native";
  if (address.protocol === "irc") return takesDirectMessages(address) ? "irc" : "irc-relay";
  return undefined;
}

export class ContactCapabilities {
  private readonly kinds: Readonly<Record<ContactKind, ContactInfo>>;

  /**
   * `gatewayName` is the configured xmpp.component.name, the identity's name; `takesDirectMessages` tells an IRC
   * network in relay mode (asked per presence: the registry answers from its adapters' declared capabilities).
   */
  constructor(
    gatewayName: string,
    private readonly takesDirectMessages: TakesDirectMessages,
  ) {
    // As the receiving parser will read the attribute back: characters XML cannot carry are dropped (stanzas.ts does
    // so when writing) and a tab or line break becomes a space (XML attribute-value normalization), or the hash the
    // client computes from the answer would differ from the advertised one.
    const name = stripInvalidXmlChars(gatewayName).replace(/[\t\r\n]/g, " ");
    const info = (kind: ContactKind): ContactInfo => {
      const identities = [{ category: "client", type: "pc", name }];
      const features = FEATURES[kind];
      const ver = capsVer({ identities, features });
      return { identities, features, ver, capsNode: `${CAPS_NODE}#${ver}`, caps: Object.freeze({ xmlns: NS_CAPS, hash: "sha-1", node: CAPS_NODE, ver }) };
    };
    this.kinds = { native: info("native"), irc: info("irc"), "irc-relay": info("irc-relay") };
  }

  /** What a contact of this address's kind answers and advertises; undefined for an address that is no contact JID. */
  of(address: Address): ContactInfo | undefined {
    const kind = contactKind(address, this.takesDirectMessages);
    return kind === undefined ? undefined : this.kinds[kind];
  }

  /** The <c/> attributes for an available presence from `address`'s JID. */
  capsOf(address: Address): CapsAttributes | undefined {
    return this.of(address)?.caps;
  }
}
