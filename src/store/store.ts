/**
 * The store: small interfaces per aggregate, so that another backend (PostgreSQL) can be added and pass the
 * same contract suite (test/unit/store/store-contract.ts). All methods are async for that reason, even though
 * the SQLite backend is synchronous underneath.
 */
import type { Address, ProtocolId } from "../core/model/address.js";
import type { Contact } from "../core/model/contact.js";
import type { Message } from "../core/model/message.js";
import type { MucLineIdStore } from "./muc-line-id-store.js";
import type { LinkedAccountStore, OwnRoomStore, PuppetAccountStore, PuppetServerPasswordStore, IdentityStore, BridgeStore, NameClaimStore, AccountRemovalStore, AvatarStore, BlockStore } from "./account-stores.js";
import type { GatewaySecretStore, GatewaySettingStore, GatewaySubscriberStore } from "./gateway-stores.js";

// The stores of the gateway's rooms live in room-stores.ts; re-exported here.
import type { RoomBanStore, RoomSettingsStore, RoomStore } from "./room-stores.js";
export type { RoomRecord, RoomStore, RoomBanRecord, RoomBanStore, RoomSettingsRecord, RoomSettingsStore } from "./room-stores.js";
// The stores of people's accounts and names elsewhere live in account-stores.ts; re-exported here.
export type { LinkedAccountRecord, LinkedAccountStore, OwnRoomRecord, OwnRoomStore, PuppetAccountRecord, PuppetAccountStore, PuppetServerPasswordRecord, PuppetServerPasswordStore, IdentityLinkRecord, LinkProofRecord, IdentityStore, BridgeRecord, BridgeStore, NameClaimRecord, HeldName, NameClaimStore, AccountRemoval, AccountRemovalStore, AvatarRecord, AvatarStore, BlockStore } from "./account-stores.js";
// The gateway's own secrets, settings and subscribers live in gateway-stores.ts; re-exported here.
export type { GatewaySecretStore, GatewaySettingStore, GatewaySubscriberStore } from "./gateway-stores.js";

export interface AccountRecord {
  /** Lower-case user name; the person's native address is native:<name>. */
  readonly name: string;
  /** scrypt hash in the format of src/core/passwords.ts. */
  readonly passwordHash: string;
  readonly displayName: string;
  readonly createdAt: number;
  /** Set while the account is disabled (core/account-suspension.ts): it is kept whole, but cannot log in. */
  readonly disabled?: AccountSuspension;
}

export interface AccountPageQuery {
  readonly after: string;
  readonly limit: number;
  readonly disabledOnly?: boolean;
}

/** Why and since when an account is disabled: the operator's note, never shown to the user. */
export interface AccountSuspension {
  readonly at: number;
  /** "" for none given. */
  readonly reason: string;
}

export interface AccountStore {
  /** False when the name is taken (by an account being deleted too, until its removal ends). */
  create(account: AccountRecord): Promise<boolean>;
  /** Undefined for an unknown name, and for an account being deleted (AccountRemovalStore.begin). */
  get(name: string): Promise<AccountRecord | undefined>;
  count(): Promise<number>;
  /** Replaces the account's password hash; false when there is no such account. */
  setPasswordHash(name: string, passwordHash: string): Promise<boolean>;
  /** Every account, ordered by name. */
  list(): Promise<AccountRecord[]>;
  /** Up to `limit` accounts whose names sort after `after` ("" for the first), ordered by name; only disabled ones with `disabledOnly`. */
  page(query: AccountPageQuery): Promise<AccountRecord[]>;
  /**
   * Disables the account (`suspension`) or enables it again (undefined); false when there is no such account (or it is
   * being deleted). Disabling one disabled already keeps its first time and reason.
   */
  setDisabled(name: string, suspension: AccountSuspension | undefined): Promise<boolean>;
}

export interface ContactStore {
  /** The owner's buddy list, ordered by address. */
  list(owner: Address): Promise<Contact[]>;
  get(owner: Address, address: Address): Promise<Contact | undefined>;
  /** Inserts or replaces the entry (owner, address). */
  put(contact: Contact): Promise<void>;
  /** False when there was no such entry. */
  remove(owner: Address, address: Address): Promise<boolean>;
  /** Every entry, in any owner's list, whose address is `address`. */
  listByAddress(address: Address): Promise<Contact[]>;
  /** Every entry, in any owner's list, whose address is on one network (protocol and account). */
  listOnNetwork(protocol: ProtocolId, account: string): Promise<Contact[]>;
  /** Removes every entry whose owner or address is on one network (an unlinked account); returns how many. */
  removeOnNetwork(protocol: ProtocolId, account: string): Promise<number>;
  /**
   * How many entries the owner keeps in their list (native.limits.contacts): every entry but a request awaiting the
   * owner's answer and nothing else (pending in, no subscription, nothing asked), which someone else's request made.
   */
  countKept(owner: Address): Promise<number>;
}

export interface OutboxEntry {
  readonly message: Message;
  readonly recipient: Address;
  readonly attempts: number;
  readonly lastError?: string;
}

export interface OutboxKey {
  readonly messageId: string;
  readonly recipient: Address;
}

export interface OutboxStore {
  /** Entries still waiting for the recipient, oldest (lowest message id) first. */
  pending(recipient: Address, limit: number): Promise<OutboxEntry[]>;
  /** Every recipient with at least one waiting entry. */
  recipients(): Promise<Address[]>;
  /** How many entries wait, for how many recipients (the gateway's status). */
  size(): Promise<{ readonly entries: number; readonly recipients: number }>;
  /** Removes the entry once delivered or reported as failed. */
  remove(messageId: string, recipient: Address): Promise<void>;
  /** Removes many entries in one transaction (deliveries of one event-loop turn). */
  removeMany(entries: readonly OutboxKey[]): Promise<void>;
  recordAttempt(messageId: string, recipient: Address, error: string): Promise<void>;
  /**
   * Hands an entry to another recipient in one transaction (a linked account that no longer counts as its
   * person: the person gets the message instead). When `to` has the message already, the entry just goes.
   */
  move(messageId: string, from: Address, to: Address): Promise<void>;
  /** Entries whose message was accepted before `timestamp`, oldest first. */
  acceptedBefore(timestamp: number, limit: number): Promise<OutboxEntry[]>;
}

/**
 * Which of a room's logged messages a query of its archive wants (XEP-0313 through the XMPP component). Every
 * bound is optional; ids are gateway ids, bounds exclusive; times in ms since the epoch, inclusive.
 */
export interface ArchiveQuery {
  readonly afterId?: string;
  readonly beforeId?: string;
  readonly start?: number;
  readonly end?: number;
  /** Only messages of one of these senders (each looked up by its own index range, so a sender filter costs what it returns). */
  readonly senders?: readonly ArchiveSender[];
  /** Only messages with one of these ids (each looked up by id: a few hundred at most). */
  readonly ids?: readonly string[];
}

/** A sender of a room's messages as stored: the name they were logged under (`senderName`), and the network they wrote from. */
export interface ArchiveSender {
  readonly name: string;
  /** Only messages from an address of this network (the address's account); any when absent. */
  readonly network?: string;
}

/** A conversation of the message log: a room's, or the direct one between two addresses (in either order). */
export type LoggedConversation = { readonly room: Address } | { readonly between: readonly [Address, Address] };

export interface MessageLogStore {
  get(id: string): Promise<Message | undefined>;
  /**
   * The message with this id when it is one of the conversation's, else undefined: a destroyed room's line kept for
   * its delivery or failure notice is of no room's conversation any more, so no room made again under the name finds it.
   */
  getIn(conversation: LoggedConversation, id: string): Promise<Message | undefined>;
  /**
   * Messages of a conversation, oldest first: a room's messages, or the direct messages between two addresses.
   * `before` and `after` are exclusive gateway id bounds; `limit` the most to return: the newest ones before the
   * bound, or with `after` the oldest ones after it (to catch up from the last message seen).
   */
  history(conversation: LoggedConversation, options: { readonly before?: string; readonly after?: string; readonly limit: number }): Promise<Message[]>;
  /**
   * A page of a room's messages that `query` matches, oldest first: the `limit` oldest (`from: "oldest"`) or the
   * `limit` newest (`from: "newest"`) of them. None when the log is off.
   */
  archive(room: Address, query: ArchiveQuery, page: { readonly limit: number; readonly from: "oldest" | "newest" }): Promise<Message[]>;
  /** How many of a room's messages `query` matches (0 when the log is off). */
  archiveCount(room: Address, query: ArchiveQuery): Promise<number>;
  /**
   * The message `from` sent in a conversation (a room, or the direct one between two addresses) with this origin id
   * (the id its own network gave it), among the conversation's newest `within` messages; undefined when there is none
   * there, or the log is off. Read by the index of the conversation: no more than `within` rows.
   */
  sentWithOriginId(conversation: LoggedConversation, from: Address, originId: string, within: number): Promise<Message | undefined>;
  /** The highest gateway id ever stored, to keep ids increasing across restarts. */
  lastId(): Promise<string | undefined>;
  /**
   * One batch of the log's retention (core/log-retention.ts, `store.message_log_max_age_days`): looks at up to
   * `limit` messages accepted before `cutoff` (ms since the epoch), oldest first after the id `after` (from the
   * oldest without it), and deletes those nothing needs any more, in one transaction that ends early once it has
   * worked `maxMs` (when given). Kept: a message an outbox entry or a failure notice refers to (still to be
   * delivered, or reported to its sender), and the newest message of all (`lastId` seeds the ids after a restart).
   */
  pruneBatch(cutoff: number, batch: { readonly after?: string; readonly limit: number; readonly maxMs?: number }): Promise<LogPruneBatch>;
}

/** What one batch of the log's retention did. */
export interface LogPruneBatch {
  /** Messages deleted. */
  readonly deleted: number;
  /** The last id looked at, where the next batch begins; absent when no older message is left to look at. */
  readonly next?: string;
}

/** A failed delivery, kept until it is reported to the message's sender. */
export interface FailureNotice {
  readonly sender: Address;
  readonly messageId: string;
  readonly recipient: Address;
  /** A GatewayError code (core/failure-reports.ts keeps a block's refusal under one of its own). */
  readonly code: string;
  readonly reason: string;
  readonly at: number;
}

export interface FailureNoticeStore {
  /**
   * Keeps a notice, and the message it is about for as long as it waits (with the log off, a message delivered
   * and then bounced may be gone from the store: it is written back, so that a sender who is away hears of it
   * with the message when they are back). Adding the same (sender, message, recipient) twice keeps one.
   */
  add(notice: FailureNotice, message: Message): Promise<void>;
  /** The sender's notices, oldest message first. */
  pending(sender: Address, limit: number): Promise<FailureNotice[]>;
  /** Every sender with at least one notice waiting. */
  senders(): Promise<Address[]>;
  remove(sender: Address, messageId: string, recipient: Address): Promise<void>;
}


/**
 * What became of a contact of a person's buddy list offered to one of the person's linked accounts
 * (core/buddy-offers.ts): `offered` (sent; no answer seen yet), `approved` (the account accepted it or asked to
 * see the contact), `refused` (the account declined it or removed it). No record: never offered, or the offer
 * may not have reached the network. The person themself is recorded the same way, as the contact: the link's own
 * request that the account share its presence with the person (core/link-requests.ts).
 */
export type BuddyOfferState = "offered" | "approved" | "refused";

export interface BuddyOfferRecord {
  /** The linked account shown the contact. */
  readonly viewer: Address;
  /** The contact, from the buddy list of the person `viewer` is linked to; or that person (the link's own request). */
  readonly contact: Address;
  readonly state: BuddyOfferState;
}

export interface BuddyOfferStore {
  /** Every offer recorded for `viewer`, by contact. */
  listFor(viewer: Address): Promise<BuddyOfferRecord[]>;
  /** The record of (viewer, contact), if any. */
  get(viewer: Address, contact: Address): Promise<BuddyOfferRecord | undefined>;
  /** Inserts or replaces the record of (viewer, contact). */
  put(record: BuddyOfferRecord): Promise<void>;
  /** False when there was no such record. */
  remove(viewer: Address, contact: Address): Promise<boolean>;
  /** Forgets every offer made to `viewer` (its link was undone); returns how many. */
  removeAll(viewer: Address): Promise<number>;
}

/**
 * The subscription requests that reached the contact's network and are not answered yet (core/roster.ts): one
 * record per (owner, address) of a buddy list entry with a pending request. A pending request with no record never
 * got there, and is made when the network comes back.
 */
export interface SentRequestStore {
  has(owner: Address, address: Address): Promise<boolean>;
  put(owner: Address, address: Address): Promise<void>;
  /** False when there was no such record. */
  remove(owner: Address, address: Address): Promise<boolean>;
}

export interface AcceptedMessage {
  readonly message: Message;
  /** Recipients whose delivery is queued in the outbox: the recipient of a direct message, a room's relays. */
  readonly recipients: readonly Address[];
}

export interface Store {
  readonly accounts: AccountStore;
  readonly contacts: ContactStore;
  readonly rooms: RoomStore;
  readonly roomBans: RoomBanStore;
  /** Rooms' settings chosen by their owners (core/room-settings.ts). */
  readonly roomSettings: RoomSettingsStore;
  readonly outbox: OutboxStore;
  readonly log: MessageLogStore;
  readonly failures: FailureNoticeStore;
  readonly linkedAccounts: LinkedAccountStore;
  readonly puppetAccounts: PuppetAccountStore;
  /** People's own server passwords for IRC servers on demand (core/puppet-server-passwords.ts). */
  readonly puppetServerPasswords: PuppetServerPasswordStore;
  /** Rooms joined through people's linked accounts, joined again at start (core/kept-own-rooms.ts). */
  readonly ownRooms: OwnRoomStore;
  readonly identities: IdentityStore;
  readonly bridges: BridgeStore;
  readonly names: NameClaimStore;
  readonly buddyOffers: BuddyOfferStore;
  readonly sentRequests: SentRequestStore;
  /** Deleting accounts (core/account-deletion.ts). */
  readonly accountRemovals: AccountRemovalStore;
  /** Native users' avatars (core/avatars.ts). */
  readonly avatars: AvatarStore;
  /** The addresses native users blocked (core/blocklist.ts). */
  readonly blocks: BlockStore;
  /** The gateway's own secrets (core/gateway-secrets.ts). */
  readonly gatewaySecrets: GatewaySecretStore;
  /** Settings admins change at runtime (core/message-of-the-day.ts). */
  readonly gatewaySettings: GatewaySettingStore;
  /** XMPP users subscribed to the gateway's own domain (adapters/xmpp/gateway-contact.ts). */
  readonly gatewaySubscribers: GatewaySubscriberStore;
  /** The MUCs' ids of the lines bridge bots and linked accounts carried (adapters/xmpp/muc-line-ids.ts). */
  readonly mucLineIds: MucLineIdStore;
  /** Atomically appends the messages to the log and queues their deliveries in the outbox. */
  accept(batch: readonly AcceptedMessage[]): Promise<void>;
  close(): Promise<void>;
}
