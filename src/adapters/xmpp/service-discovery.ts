/**
 * What the component answers about itself: XEP-0030 service discovery (the gateway, its contacts as
 * contact-capabilities.ts describes them, with the caps node of XEP-0115 section 6.2, and its rooms),
 * the IRC networks' channel directories (channel-directory.ts), XEP-0092 software version, XEP-0199 ping, XEP-0054 vCards (vcards.ts), and the list of XEP-0050 ad-hoc commands (adhoc-commands.ts); XEP-0100's
 * jabber:iq:gateway is contact-prompt.ts, XEP-0077's jabber:iq:register (advertised while on) registration.ts. Other
 * queries get service-unavailable from @xmpp/iq.
 */
import type { Component } from "@xmpp/component";
import { readFileSync } from "node:fs";
import type { AdapterContext } from "../../core/adapter.js";
import { toGatewayError } from "../../core/errors.js";
import type { XmppComponentConfig } from "../../config/config-types.js";
import { addressToJid, jidToAddress, networkOfJid, resourceOf } from "./addressing.js";
import { ChannelDirectory } from "./channel-directory.js";
import type { Address } from "../../core/model/address.js";
import { NS_COMMANDS, type AdhocCommands } from "./adhoc-commands.js";
import { stanzaConditionFor } from "./error-conditions.js";
import { NS_GATEWAY } from "./contact-prompt.js";
import type { GatewayRooms } from "./gateway-rooms.js";
import { isRoomAddress } from "./room-addresses.js";
import { isOnDemandHub } from "../../core/bridges.js";
import type { ContactCapabilities } from "./contact-capabilities.js";
import { NS_MAM, NS_MAM_EXTENDED } from "./mam-query.js";
import { NS_VCARD } from "./vcard-temp.js";
import { NS_REGISTER } from "./registration.js";
import { discoInfo, discoItems, errorCondition, FEATURE_JID_ESCAPING, NS, version } from "./stanzas.js";
import { NS_MODERATE, NS_RETRACT } from "./retraction-stanzas.js";
import { NS_REACTIONS } from "./reaction-stanzas.js";
import { NS_REPLY } from "./reply-stanzas.js";
import { NS_OOB } from "./oob.js";
import { roomInfoForm, settingsFeatures } from "./room-config-form.js";

/** The disco#info node of a user's reserved nick in a room (XEP-0045 section 7.12). */
const ROOM_USER_ITEM = "x-roomuser-item";
// XEP-0421 section 4: a service whose every room gives occupant ids says so itself too. XEP-0066: the domain, its
// contacts (contact-capabilities.ts) and its rooms carry out-of-band links as attachments both ways (oob.ts).
const GATEWAY_FEATURES = [NS.discoInfo, NS.discoItems, NS.version, NS.ping, NS_COMMANDS, NS_GATEWAY, NS.chatStates, NS.correction, NS_RETRACT, NS_REPLY, NS_REACTIONS, NS.receipts, FEATURE_JID_ESCAPING, NS.occupantId, NS_VCARD, NS_OOB];
/**
 * What a gateway room is (XEP-0045 section 6.4): occupants see no real JIDs (semi-anonymous: clients then offer no
 * end-to-end encryption that needs them), no voice needed (unmoderated). Whether anyone may join (open or
 * members-only), with a password or not, listed or hidden, is the room's owner's choice (its settings,
 * core/room-settings.ts: room-config-form.ts settingsFeatures); a bridged IRC channel's JID is open and public, its
 * password left unsaid (the channel may have a key, which a join is refused without: not-authorized). A gateway room
 * is persistent (muc_persistent: kept, members and settings, until destroyed, as Prosody's persistent rooms); a
 * channel's JID leaves it unsaid (channels joined on demand are left when nobody is in them). Every occupant's presence and message
 * carries who is behind it, without telling their JID (XEP-0421, occupant-ids.ts). Messages are retracted by their
 * senders (XEP-0424) and by the room's moderators (XEP-0425, muc-moderation.ts); occupants react to them (XEP-0444). The owner configures the room with
 * XEP-0045's owner form (muc-owner.ts).
 */
const ROOM_FEATURES = [NS.discoInfo, NS.muc, "muc_semianonymous", "muc_unmoderated", NS.stanzaId, NS.occupantId, NS_RETRACT, NS_MODERATE, NS_REPLY, NS_REACTIONS, NS_OOB];
/** A bridged IRC channel's JID: anyone may join it, and it is listed in its network's directory. */
const CHANNEL_SETTINGS = ["muc_open", "muc_public"];
/** With the message log kept, each room is an archive too (XEP-0313, muc-archive.ts). */
const ARCHIVE_FEATURES = [NS_MAM, NS_MAM_EXTENDED];

function softwareVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function registerServiceDiscovery(
  connection: Component,
  config: XmppComponentConfig,
  context: AdapterContext,
  listRooms: () => Promise<readonly { readonly address: Address; readonly name: string }[]>,
  commands: AdhocCommands,
  rooms: GatewayRooms,
  contacts: ContactCapabilities,
): void {
  const versionText = softwareVersion();
  const directory = new ChannelDirectory(config.domain, context);
  connection.iqCallee.get(NS.discoInfo, "query", async ({ stanza, element }) => {
    const to = String(stanza.attrs["to"]);
    if (to === config.domain) {
      return discoInfo({ identities: [{ category: "gateway", type: "switchboard", name: config.name }], features: config.registration ? [...GATEWAY_FEATURES, NS_REGISTER] : GATEWAY_FEATURES });
    }
    const network = networkOfJid(to, config.domain);
    if (network !== undefined) return element.attrs["node"] === undefined ? directory.info(network) : errorCondition("cancel", "item-not-found");
    // A JID of the domain that names nobody (bob%@, %net@, a non-canonical \5c escape) is the asker's mistake: jid-malformed
    // with the reason, as a message to it gets, not an internal-server-error.
    let address: Address;
    try {
      address = jidToAddress(to, config.domain);
    } catch (error: unknown) {
      const refusal = toGatewayError(error);
      const { type, condition } = stanzaConditionFor(refusal.code);
      return errorCondition(type, condition, refusal.message);
    }
    if (!(await context.knows(address))) return errorCondition("cancel", "item-not-found");
    const node: unknown = element.attrs["node"];
    if (isRoomAddress(address)) {
      // A client asking for the nick reserved for it in the room (XEP-0045 7.12; Gajim does before a join) gets
      // the empty answer of "none": the gateway reserves no nicks per room. Answered with the room's identity, the
      // room's name would be taken for the user's nick. Any other node is none of the room's (XEP-0030 3.1).
      if (node === ROOM_USER_ITEM) return discoInfo({ identities: [], features: [], node: ROOM_USER_ITEM });
      if (node !== undefined) return errorCondition("cancel", "item-not-found");
      const archive = context.roomArchive === undefined ? [] : ARCHIVE_FEATURES;
      const identities = [{ category: "conference", type: "text", name: address.id }];
      if (address.protocol !== "native") return discoInfo({ identities, features: [...ROOM_FEATURES, ...CHANNEL_SETTINGS, ...archive] });
      // A gateway room: what its owner chose, and its description in the room information form (section 6.4).
      const settings = await context.roomSettings.of(address);
      const info = discoInfo({ identities, features: [...ROOM_FEATURES, ...settingsFeatures(settings), "muc_persistent", ...archive] });
      info.append(roomInfoForm(settings));
      return info;
    }
    const contact = contacts.of(address);
    if (contact === undefined) return errorCondition("cancel", "item-not-found");
    // No node: the contact itself. The node of its caps (node#ver): the same answer, the node echoed (XEP-0115
    // section 6.2). Any other node is none of this JID's (XEP-0030 section 3.1).
    if (node === undefined) return discoInfo(contact);
    if (node !== contact.capsNode) return errorCondition("cancel", "item-not-found");
    return discoInfo({ identities: contact.identities, features: contact.features, node: contact.capsNode });
  });
  const toGateway = (stanza: { attrs: Record<string, unknown> }): boolean => stanza.attrs["to"] === config.domain;
  // The gateway's items are its rooms (as MUCs) and its IRC networks' channel directories; its people are not listed
  // (they would be every user). A network's items are its channels (channel-directory.ts).
  connection.iqCallee.get(NS.discoItems, "query", async ({ stanza, element }) => {
    const network = networkOfJid(String(stanza.attrs["to"]), config.domain);
    if (network !== undefined) return directory.items(network, String(stanza.attrs["from"] ?? ""), element);
    if (!toGateway(stanza)) return undefined;
    if (element.attrs["node"] === NS_COMMANDS) return commands.items(String(stanza.attrs["from"] ?? ""));
    // The hubs of channels joined on demand are not the gateway's rooms (their native JID would even read as another
    // channel's: ##dev%libera is channel ##dev); people reach those channels by their own JIDs. Hidden rooms (their
    // owner's choice) are listed to nobody here, as Prosody lists no hidden room.
    const candidates = (await listRooms()).filter((room) => !isOnDemandHub(room.address));
    const listed = await Promise.all(candidates.map(async (room) => (await context.roomSettings.of(room.address).catch(() => undefined))?.public === true));
    const rooms = candidates.filter((_, index) => listed[index]);
    return discoItems([...rooms.map((room) => ({ jid: addressToJid(room.address, config.domain), name: room.name })), ...directory.networkItems()]);
  });
  connection.iqCallee.get(NS.version, "query", ({ stanza }) => (toGateway(stanza) ? version(config.name, versionText) : undefined));
  // XEP-0199: a ping is answered by an empty result, which @xmpp/iq builds when the handler returns true; one to
  // an occupant JID is a MUC self-ping (XEP-0410), answered by whether the sender is still in the room.
  connection.iqCallee.get(NS.ping, "ping", ({ stanza }) => {
    const to = String(stanza.attrs["to"]);
    const nick = resourceOf(to);
    const room = nick === "" || to === config.domain ? undefined : roomOf(to);
    if (room === undefined) return true;
    const answer = rooms.pingAnswer(String(stanza.attrs["from"]), room, nick);
    if (answer === "joined") return true;
    return answer === "not-joined" ? errorCondition("cancel", "not-acceptable") : errorCondition("cancel", "item-not-found");
  });

  function roomOf(jid: string): Address | undefined {
    try {
      const address = jidToAddress(jid, config.domain);
      return isRoomAddress(address) ? address : undefined;
    } catch {
      return undefined;
    }
  }
}
