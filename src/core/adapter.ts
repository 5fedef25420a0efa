/**
 * The adapter contract: what every network adapter (native, XMPP, IRC) offers the core and receives from it.
 * It lives in the core because the core drives adapters through it; src/adapters/adapter.ts re-exports it.
 * Protocol types never cross this boundary: adapters speak the core model (src/core/model) only.
 */
import type { Address, ProtocolId } from "./model/address.js";
import type { Message } from "./model/message.js";
import type { Presence } from "./model/presence.js";
import type { RoomListing } from "./model/room-directory.js";
import type { ContactInfo } from "./model/contact-info.js";
import type { Avatar } from "./model/avatar.js";
import type { Room, RoomInvitation, RoomMember, RoomRemoval } from "./model/room.js";
import type { GatewayError } from "./errors.js";
import type { AdapterContext, PuppetCredentials } from "./adapter-context.js";
import type { Announcement, AnnouncementReach } from "./announcements.js";
import type { BuddyListChange } from "./buddy-list-changes.js";
import type { AdapterCapabilities, ContactShowChange, DeliveryReceipt, SendResult, SubscriptionEvent, TypingEvent } from "./adapter-events.js";

// What the core gives each adapter (adapter-context.ts), re-exported: adapters import the contract from here.
export type { AdapterContext, PuppetCredentials, SubmitOptions } from "./adapter-context.js";
// The events, capabilities and send results of the contract (adapter-events.ts) and the room relays' helpers.
export type * from "./adapter-events.js";
export { allConfirmed, roomsToRelayTo } from "./room-relays.js";

export interface JoinOptions {
  readonly nick?: string;
  /** The room's password, for a room joined through someone's own account (core/own-rooms.ts). */
  readonly key?: string;
}

/** How a room of another network is bridged at runtime (Adapter.bridgeRoom). */
export interface RemoteRoomOptions {
  /** The bridge bot's nick in a MUC ("" on IRC). */
  readonly nick: string;
  /** The key (+k) of an IRC channel, the password of a MUC; "" for none. */
  readonly key: string;
  /** Relay the joins and leaves of the remote room (where its network relays them at all). */
  readonly membership: boolean;
}

export interface Adapter {
  readonly protocol: ProtocolId;
  readonly account: string;
  /**
   * Set when this adapter is one person's own account on its network (a linked XMPP account): the gateway
   * address of that person. Such an adapter carries only that person's traffic: every address it serves is
   * one of the owner's contacts there, the owner's presence is given to it through setPresence, and its
   * buddy list is the network's (syncContacts and the contact events).
   */
  readonly owner?: Address;
  /** Declared, never sniffed. */
  readonly capabilities: AdapterCapabilities;
  /** Counts an operator reads in the gateway's status (sessions, occupants, puppets...), by snake_case name. */
  stats?(): Readonly<Record<string, number>>;
  start(): Promise<void>;
  /** Stops accepting, drains what is in flight, closes. */
  stop(reason?: string): Promise<void>;
  /** Whether anybody (person or room) can exist at this address; false makes submit fail with GW_ERR_UNKNOWN_RECIPIENT. */
  knows(address: Address): Promise<boolean>;
  /**
   * Whether `address` names a room of this network (an IRC channel, a bridge bot's MUC, a room JID of the XMPP
   * component's own domain, a MUC joined through a linked account), which takes room messages only: a direct message to it is refused at submit with
   * GW_ERR_BAD_ADDRESS, not accepted and then failed by send(). Pure: no I/O. Absent: no address of this network is one.
   */
  isRoom?(address: Address): boolean;
  /**
   * The address on another network that `address` only stands for on this one (a JID of the XMPP component's own
   * domain: `alice@gw.example.org` is native:alice), or undefined. A direct message to it would leave through this
   * network only to come back to the gateway: refused at submit with GW_ERR_BAD_ADDRESS, naming this address. Pure.
   */
  standsFor?(address: Address): Address | undefined;
  /**
   * Delivers a message to message.to, or for a direct message to `recipient` when given: an account linked to
   * the person message.to (the person's most available account, docs/bridging.md). Rejects with a
   * GatewayError: retryable (recipient or network not reachable now; the outbox keeps the message) or not (the
   * message is reported as failed). Never drops silently. May resolve before the network confirmed the
   * message, with SendResult.confirmed (see there): the outbox then sends the next message at once.
   */
  send(message: Message, recipient?: Address): Promise<SendResult>;
  /** Tells `to`, a person on this network, the presence of presence.from. */
  sendPresence(presence: Presence, to: Address): Promise<void>;
  /**
   * `watcher` (anywhere) wants the presence of `subject`, a person on this network: start (or restart, after a
   * reconnect) whatever makes the network report it (an XMPP probe, an IRC MONITOR). Reports arrive as
   * presence events.
   */
  watchPresence(subject: Address, watcher: Address): Promise<void>;
  /**
   * `subject`, an account of this network linked to the person `watcher`, is asked to share its presence with the
   * person, where the network needs its user's consent (the XMPP component: a subscription request from the
   * person's gateway JID, a prompt in her client). Asked once per link (core/link-requests.ts); once approved, it
   * is watched (watchPresence). Absent where a network needs no consent (IRC: watchPresence alone).
   */
  askToShare?(subject: Address, watcher: Address): Promise<void>;
  /**
   * What this network tells `viewer` about `subject`, a person on it (core/contact-info.ts: native contact.info, an XMPP
   * vCard of a gateway JID): an IRC WHOIS, an XMPP user's vCard, what a native user's contacts may see of her (never
   * more: AdapterContext.probe). Rejects with GW_ERR_NOT_FOUND for nobody there, GW_ERR_UNAVAILABLE while the network
   * is down or does not answer. Absent: the network tells nothing (GW_ERR_UNSUPPORTED).
   */
  contactInfo?(subject: Address, viewer: Address): Promise<ContactInfo>;
  /** `subject`'s avatar as `viewer` may see it (core/contact-info.ts `avatar`): undefined when they have none. Absent: GW_ERR_UNSUPPORTED. */
  avatar?(subject: Address, viewer: Address): Promise<Avatar | undefined>;
  /** Sets a person's own presence on this network (an IRC puppet's AWAY, an XMPP client's presence). */
  setPresence(presence: Presence): Promise<void>;
  sendSubscription(event: SubscriptionEvent): Promise<void>;
  sendTyping(event: TypingEvent): Promise<void>;
  /** Tells message.from, a person on this network, that the message could not be delivered to `recipient`. */
  reportFailure(message: Message, recipient: Address, error: GatewayError): Promise<void>;
  /**
   * Tells message.from, a person on this network, that the gateway delivered a direct message to `recipient`: to
   * one of its sessions where `recipient` is this gateway's own user, else handed to `recipient`'s network, whose
   * client may still say it has it (reportReceived). XEP-0184 receipts to XMPP senders; native receipts.
   */
  reportDelivered(message: Message, recipient: Address): Promise<void>;
  /**
   * Whether `sender`, a person of this adapter's network, wants to hear that their direct messages reached their
   * recipients now (a native session that asked for receipts): an adapter that can ask a recipient's client for a
   * receipt (XEP-0184) asks only then, through AdapterContext.wantsReceipts. Asked for each message: cheap, no I/O.
   * Absent: never.
   */
  wantsReceipts?(sender: Address): boolean;
  /** The recipient's own client said it has a direct message of `receipt.sender`, a person on this network: tell them. */
  reportReceived?(receipt: DeliveryReceipt): Promise<void>;
  /**
   * Joins a member to a room this adapter hosts (or that it reaches); resolves with the room and its members. For
   * someone's own account (core/own-rooms.ts): the account joins a room of its network, and the answer waits for it.
   */
  joinRoom(room: Address, member: Address, options?: JoinOptions): Promise<Room>;
  /** `removal`: the member was put out (kicked), not leaving of their own accord: they are told too. */
  leaveRoom(room: Address, member: Address, removal?: RoomRemoval): Promise<void>;
  /**
   * A member joined or left a room in which this adapter serves other members: tell them. With `removal` the
   * member was put out (kicked): tell them too, if they are this adapter's.
   */
  sendMembership(room: Address, member: RoomMember, event: "joined" | "left", removal?: RoomRemoval): Promise<void>;
  /**
   * A member of a room took another nick or role (`changed` is the member now): tell this adapter's members of the
   * room, the member's own sessions too. Adapters whose network shows no such change do nothing.
   */
  sendMemberChange(room: Address, member: RoomMember, changed: RoomMember): Promise<void>;
  /** A gateway room was destroyed (core/room-destruction.ts): tell this adapter's people among `members` it is gone, and why. */
  roomDestroyed?(room: Address, members: readonly RoomMember[], reason: string): Promise<void>;
  /**
   * Tells `invitation.to`, a person on this network, that `invitation.from` invites them into the gateway room
   * `invitation.room` (core/room-invitations.ts): a native push, a XEP-0045 mediated invitation from the room's JID,
   * an IRC INVITE into the channel bridged to the room. Resolves once it went out; rejects with a GatewayError:
   * GW_ERR_UNSUPPORTED where the person could not join the room from this network (no channel of theirs is bridged to
   * it), GW_ERR_BAD_ADDRESS for an address that is no person, GW_ERR_UNAVAILABLE when nobody can be told now.
   * Absent: nobody of this network can be invited (GW_ERR_UNSUPPORTED).
   */
  sendInvitation?(invitation: RoomInvitation): Promise<void>;
  /**
   * `decline.from` declined the invitation that `decline.to`, a person on this network, sent them: tell them. Only
   * for an invitation the core remembers making (core/room-invitations.ts). Absent: the decline is dropped.
   */
  sendDecline?(decline: RoomInvitation): Promise<void>;
  /** Someone's own account: her block of a JID (core/blocklist.ts) also kept by her server where it offers XEP-0191. */
  blockOnServer?(jid: string, blocked: boolean): Promise<void>;
  /** The bare real JID behind an occupant's address (room@service/nick) of a MUC it is in, where the MUC shows it (core/blocklist.ts). */
  realJidOf?(occupant: Address): string | undefined;
  /** A room's subject changed (by a member, when known): tell this adapter's members of the room. */
  sendTopic(room: Address, topic: string, by?: RoomMember): Promise<void>;
  /**
   * The gateway itself speaks to someone on this network (a link code, its answer): from the XMPP component's
   * domain, from the gateway's own IRC nick. Absent where the gateway has no voice of its own.
   */
  sendServiceMessage?(to: Address, text: string): Promise<void>;
  /**
   * An admin's announcement (core/announcements.ts): shown at once to every person of this network online now, in
   * every session of theirs; nothing is kept for those offline. Returns whom it reached. Absent: nobody here is told.
   */
  announce?(announcement: Announcement): AnnouncementReach;
  /**
   * Bridges `remote`, a room of this network (an IRC channel, a bridge bot's MUC), to the native room `hub` at
   * runtime (core/bridges.ts): joined now when connected, else at the next connect, and at every reconnect.
   * Rejects with GW_ERR_BAD_ADDRESS when `remote` is not such a room (or a key is given where there are none).
   * Absent where the network has no rooms to bridge this way.
   */
  bridgeRoom?(remote: Address, hub: Address, options: RemoteRoomOptions): Promise<void>;
  /**
   * Whether `person`'s own services account on this network takes these credentials (an IRC network's SASL
   * PLAIN, tried on a connection of its own): resolves when it does, rejects with GW_ERR_AUTH_FAILED when refused,
   * GW_ERR_UNSUPPORTED where puppets cannot log in (relay mode), GW_ERR_FORBIDDEN where the password would cross
   * the network in clear. Absent where people have no such accounts (core/puppet-accounts.ts).
   */
  verifyPuppetAccount?(person: Address, credentials: PuppetCredentials): Promise<void>;
  /**
   * Throws when a secret of a person's for their puppet here (a server password, core/puppet-server-passwords.ts)
   * may not be sent: GW_ERR_UNSUPPORTED without puppets, GW_ERR_FORBIDDEN where it would cross the network in clear.
   */
  checkPuppetSecrets?(): void;
  /**
   * `person`'s account or server password on this network was set or removed: a connected puppet logs in again with
   * what is stored now.
   */
  puppetAccountChanged?(person: Address): Promise<void>;
  /**
   * `person`'s puppet here goes by the nick the network makes of `name` from now on ("" for the default nick;
   * core/puppet-nicks.ts): resolves with that nick, once a connected puppet has it on the network. Rejects with
   * GW_ERR_BAD_ADDRESS (not a nick, or too long), GW_ERR_NICK_IN_USE (someone else's), GW_ERR_FORBIDDEN, the
   * network's refusal, GW_ERR_UNAVAILABLE while the network is down. Absent where people have no puppets to name.
   */
  setPuppetNick?(person: Address, name: string): Promise<string>;
  /** The nick `person`'s puppet has here, or would be given now (claiming nothing). */
  puppetNick?(person: Address): string;
  /**
   * The people in `remote`, a room of this network bridged to a gateway room, as far as the adapter knows now (an
   * IRC channel's names and what followed), the gateway's own identities left out: shown to whoever joins the
   * room (a MUC's occupants, core/room-joins.ts). Empty where not known or not kept current.
   */
  roomPeople?(remote: Address): readonly RoomMember[];
  /**
   * Anyone may join this network's rooms through the gateway by their own address (an XMPP user joins
   * #chan%libera@gateway): such a room is bridged on demand (bridgeRoom) while someone is in it (core/bridges.ts).
   * Absent or false: only rooms bridged by the configuration or an admin can be joined that way.
   */
  readonly roomsOnDemand?: boolean;
  /** With roomsOnDemand: whether `by` may have a room bridged for them (absent: anyone may). */
  mayOpenRoom?(by: Address): boolean;
  /** With roomsOnDemand: the most rooms bridged on demand at once (absent: no limit). */
  readonly maxRoomsOnDemand?: number;
  /**
   * The rooms of this network anyone may see, as the network lists them now (an IRC network's LIST, asked on the
   * gateway's own connection; core/room-directory.ts keeps and pages them). `filter` (lower case, "" for none): only
   * names containing it are wanted; the network may apply it (an IRC server with ELIST M) or give all. Rejects with
   * GW_ERR_UNAVAILABLE while the network is down, GW_ERR_RATE_LIMITED (retryable) when it will not list now.
   * Absent: the network has no directory.
   */
  roomDirectory?(filter: string): Promise<RoomListing>;
  /** Ends a runtime bridge: leaves `remote`; room messages still queued for it fail (GW_ERR_NO_ROUTE). */
  unbridgeRoom?(remote: Address): Promise<void>;
  /**
   * The operator reloaded the configuration (SIGHUP): bridged rooms the adapter is out of (an IRC channel it was
   * kicked from or refused, a MUC it was banned from) are tried again now, not at the next timer or restart.
   */
  retryRooms?(): void;
  /**
   * `viewer`, an account of this network linked to a person, is shown `contact` of that person's buddy list
   * (core/buddy-offers.ts): `offered` when the contact or the link is new, or the offer never reached the network
   * (an XMPP subscription request from the contact's gateway JID; made once per viewer and contact), `kept` after
   * a restart or reconnect for an offer made before (the network may have forgotten what it did not keep: an IRC
   * puppet kept connected), `withdrawn` when the contact was removed or the link undone. Absent where a network cannot
   * show a buddy list. The contact's presence then comes through sendPresence(presence, viewer).
   */
  showContact?(viewer: Address, contact: Address, name: string, change: ContactShowChange): Promise<void>;
  /**
   * Linking started from another account (core/identities.ts): shows `person` (a user of this adapter) the code
   * that `address` asked to be sent, on the person's own sessions only. False when the person has no session now.
   */
  identityCode?(person: Address, address: Address, code: string, expiresAt: number): Promise<boolean>;
  /**
   * The code for linking `address` came back from it (core/identities.ts): resolves with the network's own
   * account (an IRC services account) the link is to be bound to, the one `address` is logged in to now, or
   * undefined to link the address alone (the network has no accounts, its policy is off, or the address is
   * not logged in and the policy allows that). Rejects with a GatewayError when the policy needs an account
   * and the address has none (GW_ERR_FORBIDDEN, condition "not-logged-in"), or when the network cannot say
   * now (GW_ERR_UNAVAILABLE): then nothing is linked. Absent: links are to addresses alone.
   */
  linkAccount?(address: Address): Promise<string | undefined>;
  /**
   * A link of this network's addresses counts only when bound to a network account (IRC `link_accounts:
   * required`): one bound to none (made before links were bound, or under another policy) does not count.
   */
  readonly boundLinksOnly?: boolean;
  /**
   * The core needs to know which account `address` is logged in to, now and at every change (a link bound to
   * an account): the adapter reports it with `account` events, the first one as soon as it knows. Called again
   * after each reconnect (network-reachable), since the adapter forgets then.
   */
  watchAccount?(address: Address): Promise<void>;
  /**
   * The link of `address` to `person` is gone: the core no longer needs its account (the adapter may stop
   * asking), nor its presence for the person (the XMPP component cancels the person's subscription to it).
   */
  unwatchAccount?(address: Address, person: Address): Promise<void>;
  /** `person` (a user of this adapter) gained or lost a linked account (identity.linked on the native protocol). */
  identityChanged?(person: Address, address: Address, linked: boolean): Promise<void>;
  /**
   * `message.from` (a user of this adapter) sent `message` from another client of their own account elsewhere
   * (Message.sentElsewhere, Router.sentElsewhere): shown to their sessions connected now as their own message. Not
   * kept for later: the conversation's history has it. Absent: such copies are only logged.
   */
  showSentElsewhere?(message: Message): Promise<void>;
  /** Whether `owner` (a user of this adapter) follows their buddy list now (a session open): changes are worked out only then. */
  followsBuddyList?(owner: Address): boolean;
  /** Entries of `owner`'s buddy list changed, shown as their contact list shows them (core/buddy-list-changes.ts). */
  showBuddyListChanges?(owner: Address, changes: readonly BuddyListChange[]): void;
  /**
   * For someone's own account (owner set), not started: whether its credentials log in now, on a connection of its
   * own that changes nothing on the network and is closed at once (XMPP: another resource, no presence), so that a
   * running session of the same account is left alone. Rejects as start() would (GW_ERR_AUTH_FAILED for refused
   * credentials). Absent: the account can only be linked once, and unlinked (core/linked-accounts.ts).
   */
  checkCredentials?(): Promise<void>;
  /**
   * `person`'s account was deleted (core/account-deletion.ts): the adapter lets go of them, and nothing of theirs comes
   * back: their sessions are closed (native), their puppet quits with `reason` and does not connect for them again
   * (IRC). Absent: the adapter keeps nothing that is theirs.
   */
  personDeleted?(person: Address, reason: string): Promise<void>;
  /**
   * `person`'s account was disabled (core/account-suspension.ts): the adapter lets go of them as for a deletion, but
   * keeps what is theirs (native: their sessions close, messages to them still wait; IRC: the puppet quits with
   * `reason`, and none connects for them while the store says they are disabled, AdapterContext.accountDisabled).
   * Absent: personDeleted is how the adapter lets go.
   */
  personDisabled?(person: Address, reason: string): Promise<void>;
  /**
   * For an adapter with an owner: the address through this account of the person that `address` names on the
   * network as a whole (the XMPP component's `xmpp:juliet@example.org` is `xmpp://u.alice/juliet@example.org` through
   * alice's account), when the account reaches them; undefined when it does not (another network, the gateway's own
   * domain, the account itself). Pure: no I/O.
   */
  routeOf?(address: Address): Address | undefined;
  /**
   * For an adapter with an owner whose network keeps its buddy list (a linked XMPP account's roster): `address`, one
   * of the addresses it serves, joins that list (or is renamed there) as `name`, or keeps the name it has there when
   * `name` is undefined. Resolves once the network took it; the network then reports the entry as a `contact` event.
   * Rejects with GW_ERR_UNAVAILABLE (retryable) while the account is not connected, or with the network's refusal.
   * Asks for no presence: the core does that (sendSubscription). Absent: the buddy list is the gateway's alone.
   */
  addContact?(owner: Address, address: Address, name: string | undefined): Promise<void>;
  /**
   * The same, removing `address` from the network's list, which also ends every subscription with it both ways (RFC
   * 6121 section 2.5.2 for XMPP). An address the network's list does not have is no error.
   */
  removeContact?(owner: Address, address: Address): Promise<void>;
  /**
   * Someone registered the native user name of `person` (a name a deleted account freed, or a new one): what the adapter
   * held back for a deleted account of that address applies no more (IRC: a puppet may connect for it again). Also told
   * when a disabled account is enabled again.
   */
  personRegistered?(person: Address): void;
  /**
   * For someone's own account that joins its network's rooms (core/own-rooms.ts): the room as the account is in it now,
   * its occupants after the owner. Such an adapter's leaveRoom leaves a room she is in or has kept from before a
   * restart (joined again or not yet), and rejects with GW_ERR_NOT_MEMBER for any other.
   */
  ownRoom?(room: Address): Room | undefined;
  /** Every room the owner is in through the account now (as ownRoom gives each): listed by room.list. */
  ownRoomList?(): Room[];
  /**
   * The owner takes another nick in a room she is in through the account: resolves with her as its member once the room
   * took it; GW_ERR_NICK_IN_USE when someone there has it, GW_ERR_NOT_MEMBER for a room she is not in.
   */
  renameInOwnRoom?(room: Address, nick: string): Promise<RoomMember>;
  /** She sets the subject of such a room: resolves once the room shows it; GW_ERR_FORBIDDEN when the room does not let her. */
  setOwnRoomSubject?(room: Address, subject: string): Promise<void>;
  /** She invites `to`, a person of this network, into such a room, the network's way; resolves once it went out. */
  inviteToOwnRoom?(room: Address, to: Address, reason: string): Promise<void>;
  /** She puts `occupant` out of such a room, where she may (a MUC's moderator); GW_ERR_FORBIDDEN where she may not. */
  kickFromOwnRoom?(room: Address, occupant: Address, reason: string): Promise<void>;
  /** She bans `person` (an occupant, or anyone of this network) from such a room, where she may (a MUC's admin); GW_ERR_FORBIDDEN where she may not. */
  banInOwnRoom?(room: Address, person: Address, reason: string): Promise<void>;
  /** She lifts a ban there; GW_ERR_NOT_FOUND for someone not banned. */
  unbanInOwnRoom?(room: Address, person: Address): Promise<void>;
  /** The room's bans, as the room gives them (to its admins). */
  ownRoomBans?(room: Address): Promise<OwnRoomBan[]>;
  /** Whether line `messageId` of such a room can be named there (a reaction to it or its retraction needs the room's id of it). */
  ownRoomLineKnown?(room: Address, messageId: string): Promise<boolean>;
}

/** One ban in a room reached through the owner's own account: whom, and why (a MUC tells neither who banned them nor when). */
export interface OwnRoomBan {
  readonly person: Address;
  readonly reason: string;
}

export interface AdapterFactory<C> {
  readonly protocol: ProtocolId;
  create(config: C, context: AdapterContext): Adapter;
}
