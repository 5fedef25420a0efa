/**
 * The iq services the component answers on its connection, registered together at each start: ad-hoc commands
 * (adhoc-commands.ts), service discovery, version and ping (service-discovery.ts), XEP-0100's contact prompt
 * (contact-prompt.ts), XEP-0054 vCards (vcards.ts), the rooms' archives (muc-archive.ts), their admin lists
 * (muc-admin.ts), their owners' configuration and destruction (muc-owner.ts) and message moderation (muc-moderation.ts), and in-band registration with the domain when xmpp.component.registration allows it (registration.ts).
 */
import type { Component } from "@xmpp/component";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import type { XmppComponentConfig } from "../../config/config-types.js";
import { AdhocCommands } from "./adhoc-commands.js";
import type { ContactCapabilities } from "./contact-capabilities.js";
import { registerContactPrompt } from "./contact-prompt.js";
import type { GatewayContact } from "./gateway-contact.js";
import type { GatewayRooms } from "./gateway-rooms.js";
import { registerMucAdmin } from "./muc-admin.js";
import { registerMucOwner } from "./muc-owner.js";
import { MucArchive } from "./muc-archive.js";
import { registerMucModeration } from "./muc-moderation.js";
import type { OccupantIds } from "./occupant-ids.js";
import { registerInBandRegistration } from "./registration.js";
import { registerServiceDiscovery } from "./service-discovery.js";
import { registerVcards } from "./vcards.js";
import type { GatewayRoomListing } from "./component-adapter.js";

export interface ComponentIqParts {
  readonly config: XmppComponentConfig;
  readonly context: AdapterContext;
  readonly listRooms: () => Promise<readonly GatewayRoomListing[]>;
  readonly rooms: GatewayRooms;
  readonly contacts: ContactCapabilities;
  readonly occupantIds: OccupantIds;
  readonly gateway: GatewayContact;
  readonly write: (element: Element) => Promise<void>;
}

export function registerIqServices(connection: Component, parts: ComponentIqParts): void {
  const { config, context, rooms } = parts;
  const commands = new AdhocCommands(config, context);
  commands.register(connection);
  registerServiceDiscovery(connection, config, context, parts.listRooms, commands, rooms, parts.contacts);
  registerContactPrompt(connection, config.domain);
  registerVcards(connection, config.domain, config.name, context);
  new MucArchive(config.domain, context, parts.write, rooms, parts.occupantIds).register(connection);
  registerMucAdmin(connection, config.domain, rooms, context);
  registerMucOwner(connection, config.domain, context);
  registerMucModeration(connection, config.domain, rooms);
  if (config.registration) registerInBandRegistration(connection, config.domain, context, parts.gateway);
}
