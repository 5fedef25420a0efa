/**
 * What the gateway's client session of a linked account (user-adapter.ts) can do, as its XEP-0115 <c/> announces it in
 * the account's available presence and its XEP-0030 disco#info answers it (to her server, or a contact's client asking
 * the `node#ver` of the caps). Her server's PEP service (XEP-0163 section 4) reads the `+notify` features of the caps:
 * with `urn:xmpp:avatar:metadata+notify` it sends the account its contacts' XEP-0084 avatar updates, which reach her
 * native sessions as the component's do (account-inbound.ts, core/heard-avatars.ts).
 *
 * Listed: what the account carries both ways between her contacts and her sessions (chat states, XEP-0308
 * corrections, XEP-0424 retractions, XEP-0461 replies, XEP-0444 reactions, XEP-0066 links). Not listed: receipts (a
 * contact's request is not answered through the account), ping and version (not answered by the client session).
 * The identity and node are the contacts' (contact-capabilities.ts): a client with Switchboard's own `ver`.
 */
import type { Client } from "@xmpp/client";
import type { Element } from "ltx";
import { xml } from "@xmpp/client";
import { CAPS_NODE, NS_AVATAR_NOTIFY, type CapsAttributes } from "./contact-capabilities.js";
import { capsVer, NS_CAPS } from "./entity-caps.js";
import { NS_OOB } from "./oob.js";
import { NS_REACTIONS } from "./reaction-stanzas.js";
import { NS_REPLY } from "./reply-stanzas.js";
import { NS_RETRACT } from "./retraction-stanzas.js";
import { discoInfo, NS } from "./stanzas.js";

export const ACCOUNT_IDENTITIES = [{ category: "client", type: "pc", name: "Switchboard" }] as const;
export const ACCOUNT_FEATURES: readonly string[] = [NS.discoInfo, NS_CAPS, NS.chatStates, NS.correction, NS_RETRACT, NS_REPLY, NS_REACTIONS, NS_OOB, NS_AVATAR_NOTIFY];

const VER = capsVer({ identities: ACCOUNT_IDENTITIES, features: ACCOUNT_FEATURES });

/** The <c/> attributes of the account's available presence. */
export const ACCOUNT_CAPS: CapsAttributes = Object.freeze({ xmlns: NS_CAPS, hash: "sha-1", node: CAPS_NODE, ver: VER });

/** The disco#info answer for `node` (none, or the caps' `node#ver`); undefined for another node (item-not-found). */
export function accountDiscoInfo(node: string | undefined): Element | undefined {
  if (node !== undefined && node !== `${CAPS_NODE}#${VER}`) return undefined;
  return discoInfo({ ...(node === undefined ? {} : { node }), identities: ACCOUNT_IDENTITIES, features: ACCOUNT_FEATURES });
}

/** Answers disco#info on the connection from now on (XEP-0115 section 6.2: her server asks it once per `ver`). */
export function answerDiscoInfo(connection: Client): void {
  connection.iqCallee.get(NS.discoInfo, "query", ({ element }: { readonly element: Element }) => {
    const answer = accountDiscoInfo(element.attrs["node"] as string | undefined);
    return answer ?? xml("error", { type: "cancel" }, xml("item-not-found", { xmlns: NS.stanzas }));
  });
}
