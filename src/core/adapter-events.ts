/**
 * What adapters and the core tell each other besides messages, part of the adapter contract (core/adapter.ts, which
 * re-exports all of it): an adapter's status, the events it hands the core (InboundEvent), what it can carry
 * (AdapterCapabilities) and what a send returns (SendResult).
 */
import type { Address, ProtocolId } from "./model/address.js";
import type { Presence } from "./model/presence.js";
import type { Contact } from "./model/contact.js";
import type { RoomMember, RoomRemoval } from "./model/room.js";

export type AdapterStatus = "offline" | "connecting" | "online" | "reconnecting" | "disconnecting" | "failed";

export type SubscriptionAction = "request" | "approve" | "deny" | "remove";
export type TypingState = "composing" | "paused" | "active";

export type ContactShowChange = "offered" | "kept" | "withdrawn";

export interface SubscriptionEvent {
  readonly from: Address;
  readonly to: Address;
  readonly action: SubscriptionAction;
}

export interface TypingEvent {
  readonly from: Address;
  readonly to: Address;
  readonly state: TypingState;
}

/** A direct message's recipient has it, as their own client said (an XMPP XEP-0184 receipt). */
export interface DeliveryReceipt {
  readonly messageId: string;
  /** The message's sender, who is told. */
  readonly sender: Address;
  /** The recipient as the message named them (message.to). */
  readonly to: Address;
}

/** Everything but messages, which go through AdapterContext.submit so the adapter learns the outcome. */
export type InboundEvent =
  /** `avatarChanged`: it carries a new avatar hash (AdapterContext.avatars `heardInPresence`), so it is sent even if otherwise the same. */
  | { readonly type: "presence"; readonly presence: Presence; readonly avatarChanged?: boolean }
  | { readonly type: "subscription"; readonly subscription: SubscriptionEvent }
  | { readonly type: "typing"; readonly typing: TypingEvent }
  /** The address can receive messages now (a user logged in, a network came back): its outbox is flushed. */
  | { readonly type: "reachable"; readonly address: Address }
  /** The adapter's network is connected again: every address it serves may receive what waits for it. */
  | { readonly type: "network-reachable"; readonly protocol: ProtocolId; readonly account: string }
  /** An entry of a person's buddy list as their own account's network keeps it (adapters with an owner): stored as given. */
  | { readonly type: "contact"; readonly contact: Contact }
  /** The network removed `address` from the buddy list of `owner` (adapters with an owner). */
  | { readonly type: "contact-removed"; readonly owner: Address; readonly address: Address }
  /**
   * The network's own account (an IRC services account) that `address` is logged in to now, as far as the
   * network says: `account` absent means not logged in, or not on the network. Reported for the addresses the
   * core asked about (Adapter.watchAccount), when first learnt and at every change. The adapter only reports;
   * the core decides what it means (core/identities.ts: a link bound to an account counts only while its
   * address is logged in to that account).
   */
  | { readonly type: "account"; readonly address: Address; readonly account?: string }
  | { readonly type: "member-joined"; readonly room: Address; readonly member: RoomMember }
  /** `removal`: put out by someone (an IRC KICK), shown as a kick where the network can (XEP-0045 status 307). */
  | { readonly type: "member-left"; readonly room: Address; readonly member: RoomMember; readonly removal?: RoomRemoval }
  /**
   * A member of a bridged room changed: another nick (an IRC NICK, a MUC occupant's status 303; where a nick is
   * the address, on IRC and in a bot's MUC, the address changes too) or another role (an IRC op). `changed` is
   * the member now.
   */
  | { readonly type: "member-changed"; readonly room: Address; readonly member: RoomMember; readonly changed: RoomMember }
  | { readonly type: "topic"; readonly room: Address; readonly topic: string; readonly by?: Address };

export interface AdapterCapabilities {
  readonly directMessages: boolean;
  readonly rooms: boolean;
  readonly presence: boolean;
  readonly subscriptions: boolean;
  readonly typing: boolean;
  readonly actions: boolean;
  readonly notices: boolean;
  readonly corrections: boolean;
  /**
   * The adapter carries retractions (a message with `retracts`) to its network. Absent or false: a retraction is
   * never sent to it (an IRC line cannot be unsaid), so it never writes one as an empty line.
   */
  readonly retractions?: boolean;
  /**
   * This adapter's members of gateway rooms are rooms of its own network (an IRC channel, a MUC joined by a
   * bot), not people: every message of such a room must reach them, so it is queued in the outbox for this
   * adapter (one entry per adapter), delivered in order and kept while the network is down.
   */
  readonly relaysRooms: boolean;
  /**
   * This adapter gives people of other networks an identity of their own on its network (IRC puppets): it
   * is told every change of anybody's presence (setPresence), so that their identity there shows it (AWAY).
   */
  readonly puppets: boolean;
}

export interface SendResult {
  /** True when the message was handed to the network for the recipient (not necessarily read). */
  readonly delivered: true;
  /**
   * For a network where a message handed over may still be lost (a line written to a socket whose
   * connection is already dead): resolves once the network confirmed it has the message, and rejects with a
   * GatewayError when it never will (retryable: the connection was lost first). The outbox keeps the
   * message until then and, on a retryable rejection, sends it and every later message to the same recipient
   * that is not confirmed yet again, in order, once the recipient is reachable (at least once: a message the
   * network took whose confirmation was lost is sent twice). send() need not wait for it, so that messages are
   * pipelined; absent, the message counts as delivered when send() resolves. Must never stay pending once
   * the connection it depends on is gone.
   */
  readonly confirmed?: Promise<void>;
}
