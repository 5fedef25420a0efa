/**
 * What the router (core/router.ts) is given by the composition root: the services it routes between. Its parts
 * (core/room-routing.ts, core/presence-routing.ts, core/contact-routing.ts) each take the few of them they use.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import type { SubscriptionEvent } from "./adapter.js";
import type { FailureReports } from "./failure-reports.js";
import type { Logger } from "./logger.js";
import type { MessageIdGenerator } from "./message-id.js";
import type { Address, ProtocolId } from "./model/address.js";
import type { DeliverToLinked, PersonDirectory } from "./linked-persons.js";
import type { LinkRequests } from "./link-requests.js";
import type { Outbox } from "./outbox.js";
import type { PresenceHub } from "./presence-hub.js";
import type { RecentMessages } from "./recent-messages.js";
import type { Roster } from "./roster.js";
import type { RoomService } from "./rooms.js";
import type { MessageLogStore } from "../store/store.js";
import type { MessageCounters } from "./message-counters.js";
import type { Blocklist } from "./blocklist.js";

export interface RouterDependencies {
  readonly registry: AdapterRegistry;
  readonly outbox: Outbox;
  readonly failures: FailureReports;
  readonly presence: PresenceHub;
  readonly roster: Roster;
  readonly ids: MessageIdGenerator;
  readonly history: MessageLogStore;
  /** With the message log off: the recent messages, for corrections and late bounces (core/recent-messages.ts). */
  readonly recent?: RecentMessages;
  readonly rooms: RoomService;
  /** Who each linked account belongs to (core/identities.ts); without it nobody is linked. */
  readonly identities?: PersonDirectory;
  /** Where a direct message to a person with linked accounts goes (config identities.deliver_to). */
  readonly deliverToLinked?: DeliverToLinked;
  /** A person's buddy list shown to their linked accounts (core/buddy-offers.ts). */
  readonly buddies?: BuddyHooks;
  /** Each linked account asked once to share its presence with its person (core/link-requests.ts). */
  readonly linkRequests: LinkRequests;
  readonly log: Logger;
  readonly now?: () => number;
  /** Someone left a room, as its network tells it: the owner of a room joined through her own account is out of it (core/own-rooms.ts). */
  readonly ownRoomLeft?: (room: Address, member: Address) => Promise<void>;
  /**
   * The rights of a kick in a room the gateway hosts (RoomJoins.moderation): resolves with the name the moderator
   * is shown by, or rejects (GW_ERR_FORBIDDEN, GW_ERR_NOT_MEMBER). Without it nobody moderates messages.
   */
  readonly moderator?: (room: Address, by: Address) => Promise<string>;
  /** Counts for the metrics endpoint (core/message-counters.ts). */
  readonly counters?: MessageCounters;
  /** Native users' block lists (core/blocklist.ts): direct messages and typing refused, presence hidden from probes. */
  readonly blocks?: Pick<Blocklist, "blocks" | "checkDirect">;
}

/** What the router asks of the buddy list shown to linked accounts (core/buddy-offers.ts). */
export interface BuddyHooks {
  /** True when the event came from a linked account about a contact offered to it, and was answered. */
  subscription(event: SubscriptionEvent): Promise<boolean>;
  networkReachable(protocol: ProtocolId, account: string): Promise<void>;
  /** Whether the linked account `viewer` refused the offer of `contact`: it is shown nothing of it. */
  refused(viewer: Address, contact: Address): Promise<boolean>;
  /** Whether the offer of `contact` to the linked account `viewer` reached its network unanswered. */
  awaitsAnswer(viewer: Address, contact: Address): Promise<boolean>;
}
