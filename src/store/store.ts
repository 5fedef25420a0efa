/**
 * The store: small interfaces per aggregate, so that another backend (PostgreSQL) can be added and pass the
 * same contract suite (test/unit/store/store-contract.ts). All methods are async for that reason, even though
 * the SQLite backend is synchronous underneath.
 */
import type { Address, ProtocolId } from "../core/model/address.js";
import type { Contact } from "../core/model/contact.js";
import type { Message } from "../core/model/message.js";
import type { RoomMember } from "../core/model/room.js";

export interface AccountRecord {
  /** Lower-case user name; the person's native address is native:<name>. */
  readonly name: string;
  /** scrypt hash in the format of src/adapters/native/password.ts. */
  readonly passwordHash: string;
  readonly displayName: string;
  readonly createdAt: number;
}

export interface AccountStore {
  /** False when the name is taken. */
  create(account: AccountRecord): Promise<boolean>;
  get(name: string): Promise<AccountRecord | undefined>;
  count(): Promise<number>;
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

export interface RoomRecord {
  readonly address: Address;
  readonly name: string;
  readonly subject: string;
  readonly createdBy: Address;
  readonly createdAt: number;
}

export interface RoomStore {
  /** False when a room with that address exists. */
  create(room: RoomRecord): Promise<boolean>;
  /** Deletes a room and its members; false when there was none. */
  remove(address: Address): Promise<boolean>;
  get(address: Address): Promise<RoomRecord | undefined>;
  /** All rooms, ordered by address. */
  list(): Promise<RoomRecord[]>;
  setSubject(address: Address, subject: string): Promise<void>;
  /** False when already a member. */
  addMember(room: Address, member: RoomMember): Promise<boolean>;
  /** False when not a member. */
  removeMember(room: Address, member: Address): Promise<boolean>;
  /** A member's nick in the room; false when not a member. */
  renameMember(room: Address, member: Address, nick: string): Promise<boolean>;
  /** Members in the order they joined. */
  members(room: Address): Promise<RoomMember[]>;
  /** How many rooms that exist were created by `creator` (native.limits.rooms_created). */
  countCreatedBy(creator: Address): Promise<number>;
  /** Rooms the address is a member of, ordered by address. */
  roomsOf(member: Address): Promise<Address[]>;
}

/**
 * A person kept out of a room (core/room-bans.ts): `person` is whom the ban is of (a native user, or an account
 * linked to none), their linked accounts with them; `by` who banned them, `reason` why (may be empty), `at` when.
 */
export interface RoomBanRecord {
  readonly room: Address;
  readonly person: Address;
  readonly by: Address;
  readonly reason: string;
  readonly at: number;
}

export interface RoomBanStore {
  /** Inserts the ban, or replaces the room's ban of that person (another reason, by someone else). */
  put(ban: RoomBanRecord): Promise<void>;
  /** False when that person was not banned from the room. */
  remove(room: Address, person: Address): Promise<boolean>;
  /** The room's bans, oldest first. */
  list(room: Address): Promise<RoomBanRecord[]>;
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

export interface MessageLogStore {
  get(id: string): Promise<Message | undefined>;
  /**
   * Messages of a conversation, oldest first: a room's messages, or the direct messages between two addresses.
   * `before` and `after` are exclusive gateway id bounds; `limit` the most to return: the newest ones before the
   * bound, or with `after` the oldest ones after it (to catch up from the last message seen).
   */
  history(conversation: { readonly room: Address } | { readonly between: readonly [Address, Address] }, options: { readonly before?: string; readonly after?: string; readonly limit: number }): Promise<Message[]>;
  /**
   * A page of a room's messages that `query` matches, oldest first: the `limit` oldest (`from: "oldest"`) or the
   * `limit` newest (`from: "newest"`) of them. None when the log is off.
   */
  archive(room: Address, query: ArchiveQuery, page: { readonly limit: number; readonly from: "oldest" | "newest" }): Promise<Message[]>;
  /** How many of a room's messages `query` matches (0 when the log is off). */
  archiveCount(room: Address, query: ArchiveQuery): Promise<number>;
  /**
   * The message `from` sent to a room with this origin id (the id its own network gave it), among the room's newest
   * `within` messages; undefined when there is none there, or the log is off.
   */
  sentWithOriginId(room: Address, from: Address, originId: string, within: number): Promise<Message | undefined>;
  /** The highest gateway id ever stored, to keep ids increasing across restarts. */
  lastId(): Promise<string | undefined>;
}

/** A failed delivery, kept until it is reported to the message's sender. */
export interface FailureNotice {
  readonly sender: Address;
  readonly messageId: string;
  readonly recipient: Address;
  /** A GatewayError code. */
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

/** A person's own account on another network, linked through the gateway (docs/xmpp.md, Linked accounts). */
export interface LinkedAccountRecord {
  /** The person (a native user). */
  readonly owner: Address;
  /** The network kind, e.g. "xmpp". */
  readonly network: string;
  /** Who the person is there: a bare JID. */
  readonly login: string;
  /** Where to connect: xmpp://host:port or xmpps://host:port. */
  readonly service: string;
  /** The password, sealed by core/credential-box.ts: never stored in clear. */
  readonly secret: Buffer;
  readonly linkedAt: number;
}

export interface LinkedAccountStore {
  /** Inserts or replaces the owner's account on that network (one per owner and network). */
  put(record: LinkedAccountRecord): Promise<void>;
  get(owner: Address, network: string): Promise<LinkedAccountRecord | undefined>;
  /** False when there was none. */
  remove(owner: Address, network: string): Promise<boolean>;
  /** Every linked account, ordered by owner and network. */
  list(): Promise<LinkedAccountRecord[]>;
}

/**
 * A person's own services account on an IRC network (docs/irc.md, "Your own IRC account"): their puppet logs in
 * to it with SASL PLAIN. One per person and network.
 */
export interface PuppetAccountRecord {
  /** The person (a native user). */
  readonly owner: Address;
  /** The configured IRC network's name. */
  readonly network: string;
  /** The services account (SASL authentication identity). */
  readonly account: string;
  /** The password, sealed by core/credential-box.ts: never stored in clear. */
  readonly secret: Buffer;
  readonly setAt: number;
}

export interface PuppetAccountStore {
  /** Inserts or replaces the owner's account on that network. */
  put(record: PuppetAccountRecord): Promise<void>;
  get(owner: Address, network: string): Promise<PuppetAccountRecord | undefined>;
  /** False when there was none. */
  remove(owner: Address, network: string): Promise<boolean>;
  /** The owner's accounts, ordered by network. */
  listOf(owner: Address): Promise<PuppetAccountRecord[]>;
}

/** An account on another network proven to belong to a person (docs/bridging.md, "Linking accounts"). */
export interface IdentityLinkRecord {
  /** The person: their Switchboard (native) address. */
  readonly person: Address;
  /** Their account elsewhere: an XMPP JID, an IRC nick on a network. */
  readonly address: Address;
  readonly linkedAt: number;
  /**
   * The network's own account the address was logged in to when the link was proven (an IRC services
   * account): the link counts only while the address is logged in to it. Absent: the link is to the address alone.
   */
  readonly account?: string;
}

/** A link asked for and not yet proven: a one-time code sent to `address`, kept only as a hash. */
export interface LinkProofRecord {
  readonly person: Address;
  readonly address: Address;
  /** HMAC-SHA-256 of the code (hex), under a key that lives only in the daemon's memory. */
  readonly codeHash: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Wrong codes tried so far. */
  readonly attempts: number;
}

export interface IdentityStore {
  /** Records a proven link; false when the address is already linked (to anyone). */
  link(record: IdentityLinkRecord): Promise<boolean>;
  /** False when there was no such link. */
  unlink(person: Address, address: Address): Promise<boolean>;
  /** The person's links, by address. */
  linksOf(person: Address): Promise<IdentityLinkRecord[]>;
  /** Who an address is linked to, if anyone. */
  personOf(address: Address): Promise<IdentityLinkRecord | undefined>;
  /** Every link, for start-up. */
  allLinks(): Promise<IdentityLinkRecord[]>;
  /** Keeps a proof, replacing any earlier one for the same (person, address). */
  putProof(proof: LinkProofRecord): Promise<void>;
  /** The proofs waiting for an answer from `address`. */
  proofsFor(address: Address): Promise<LinkProofRecord[]>;
  /** How many proofs the person asked for since `since` (rate limiting), counting used and expired ones. */
  proofsAskedSince(person: Address, since: number): Promise<number>;
  /** Adds one wrong attempt; returns the new count (0, changing nothing, when there is no such proof). */
  recordAttempt(person: Address, address: Address): Promise<number>;
  /** Removes a proof (used, expired, or too many attempts); false when there was none. */
  removeProof(person: Address, address: Address): Promise<boolean>;
  /** Removes the proofs expired at `now`; returns how many. */
  removeExpiredProofs(now: number): Promise<number>;
}

/** A room of another network bridged to a native room by an admin at runtime (docs/bridging.md, "Bridges at runtime"). */
export interface BridgeRecord {
  /** The room of the other network: an IRC channel (irc://<network>/#chan), a bridge bot's MUC (xmpp://<bot>/<muc>). */
  readonly remote: Address;
  /** The native room at the hub, by name (native:#<room>). */
  readonly room: string;
  /** The bridge bot's nick in a MUC ("" on IRC). */
  readonly nick: string;
  /** The key (+k) of an IRC channel, the password of a MUC; "" for none. */
  readonly key: string;
  /** Joins and leaves in the remote room are relayed. */
  readonly membership: boolean;
  /** The admin who added it. */
  readonly createdBy: Address;
  readonly createdAt: number;
}

export interface BridgeStore {
  /** False when the remote room is bridged already. */
  add(record: BridgeRecord): Promise<boolean>;
  /** False when there was no such bridge. */
  remove(remote: Address): Promise<boolean>;
  /** Replaces a bridge's key (sealing one kept in clear), keeping its place in the order; false when there is no such bridge. */
  setKey(remote: Address, key: string): Promise<boolean>;
  /** Every bridge, in the order they were added. */
  list(): Promise<BridgeRecord[]>;
}

/**
 * A name a person goes by on a network (an IRC puppet's nick): one person per name there, kept for good. A person
 * may hold several (the nicks they chose over time, core/name-claims.ts), one of them current: the one they go by.
 */
export interface NameClaimRecord {
  readonly protocol: string;
  readonly account: string;
  readonly name: string;
  readonly person: Address;
  readonly claimedAt: number;
}

/** A claim as listed: whether it is the name its person goes by now. */
export interface HeldName extends NameClaimRecord {
  readonly current: boolean;
}

export interface NameClaimStore {
  /**
   * The person's first name on the network, made current. False when the person holds a name there already, or
   * the name (compared in lower case) is someone else's.
   */
  claim(record: NameClaimRecord): Promise<boolean>;
  /**
   * Makes the name the person's current one on the network, claiming it for them when it is new (their earlier
   * names stay theirs; one they held keeps its first claim time and takes the spelling given). False when the name
   * (compared in lower case) is someone else's: nothing changes.
   */
  choose(record: NameClaimRecord): Promise<boolean>;
  /** Forgets one name of the person's (a choice the network refused); false when they held no such name there. */
  release(protocol: string, account: string, person: Address, name: string): Promise<boolean>;
  /** Every claim, oldest first. */
  list(): Promise<HeldName[]>;
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
  readonly outbox: OutboxStore;
  readonly log: MessageLogStore;
  readonly failures: FailureNoticeStore;
  readonly linkedAccounts: LinkedAccountStore;
  readonly puppetAccounts: PuppetAccountStore;
  readonly identities: IdentityStore;
  readonly bridges: BridgeStore;
  readonly names: NameClaimStore;
  readonly buddyOffers: BuddyOfferStore;
  readonly sentRequests: SentRequestStore;
  /** Atomically appends the messages to the log and queues their deliveries in the outbox. */
  accept(batch: readonly AcceptedMessage[]): Promise<void>;
  close(): Promise<void>;
}
