/**
 * The store's interfaces for people's accounts and names on other networks: linked accounts (a person's own XMPP
 * account) and the rooms joined through them, puppets' IRC accounts, identity links and their proofs, bridges and the names people go by on a network.
 * and the removal of a deleted account. Part of store.ts, which re-exports them (split to keep each file short).
 */
import type { Address, ProtocolId } from "../core/model/address.js";

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
  /**
   * Inserts or replaces the owner's account on that network (one per owner and network). GW_ERR_NOT_FOUND, writing
   * nothing, when the owner's native account is missing or being deleted.
   */
  put(record: LinkedAccountRecord): Promise<void>;
  get(owner: Address, network: string): Promise<LinkedAccountRecord | undefined>;
  /** False when there was none. */
  remove(owner: Address, network: string): Promise<boolean>;
  /** Every linked account, ordered by owner and network. */
  list(): Promise<LinkedAccountRecord[]>;
}

/**
 * A person's own server password for an IRC server on demand (docs/irc.md, "Servers on demand"): their puppet there
 * sends it as PASS, as Biboumi's users configure theirs. One per person and server.
 */
export interface PuppetServerPasswordRecord {
  /** The person (a native user). */
  readonly owner: Address;
  /** The server's host, its network's name. */
  readonly network: string;
  /** The password, sealed by core/credential-box.ts: never stored in clear. */
  readonly secret: Buffer;
  readonly setAt: number;
}

/**
 * A sealed secret a person keeps for their puppet on one IRC network (their services account, their server
 * password): one record per owner and network.
 */
export interface PuppetSecretStore<R extends { readonly owner: Address; readonly network: string }> {
  /** Inserts or replaces the owner's record for that network. GW_ERR_NOT_FOUND for a native owner whose account is missing or being deleted. */
  put(record: R): Promise<void>;
  get(owner: Address, network: string): Promise<R | undefined>;
  /** False when there was none. */
  remove(owner: Address, network: string): Promise<boolean>;
  /** The owner's records, ordered by network. */
  listOf(owner: Address): Promise<R[]>;
}

export type PuppetServerPasswordStore = PuppetSecretStore<PuppetServerPasswordRecord>;

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

export type PuppetAccountStore = PuppetSecretStore<PuppetAccountRecord>;

/**
 * A room a person joined through their own linked account (core/kept-own-rooms.ts: a MUC, docs/xmpp.md "Group chats
 * through the account"), joined again when the daemon starts. One per person and room.
 */
export interface OwnRoomRecord {
  /** The person (a native user). */
  readonly owner: Address;
  /** The room as reached through their account: xmpp://u.alice/room@conference.example.org. */
  readonly room: Address;
  /** The nick they asked for. */
  readonly nick: string;
  /** The room's password, sealed by core/credential-box.ts; absent for a room without one. */
  readonly secret?: Buffer;
  readonly joinedAt: number;
  /** The room's id (XEP-0359) of the last line she was given there, "" for none in an empty archive; absent: none yet. */
  readonly archiveMark?: string;
}

export interface OwnRoomStore {
  /** Inserts or replaces the owner's row for that room. GW_ERR_NOT_FOUND for a native owner whose account is missing or being deleted. */
  put(record: OwnRoomRecord): Promise<void>;
  /** False when there was none. */
  remove(owner: Address, room: Address): Promise<boolean>;
  /** The owner's rooms reached through their account `protocol`/`account`, ordered by room. */
  listOn(owner: Address, protocol: ProtocolId, account: string): Promise<OwnRoomRecord[]>;
  /** Removes the owner's rooms reached through that account (it was unlinked); how many there were. */
  removeOn(owner: Address, protocol: ProtocolId, account: string): Promise<number>;
  /** Sets the room's archive mark in the owner's row (put keeps it as it is); false when there is no row. */
  mark(owner: Address, room: Address, archiveMark: string): Promise<boolean>;
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
  /**
   * Records a proven link; false when the address is already linked (to anyone). GW_ERR_NOT_FOUND, writing nothing,
   * when the person's native account is missing or being deleted.
   */
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
 * What becomes of a deleted account's traces (core/account-deletion.ts decides; docs/store.md, "Deleted accounts",
 * lists what goes and what stays).
 */
export interface AccountRemoval {
  /** The account's address, native:<name>. */
  readonly person: Address;
  /**
   * Its own accounts' adapters on other networks (a linked XMPP account, xmpp://u.<name>/...): their contacts, who reach
   * nobody but the person, are told nothing of the person's messages that wait, and their own failure reports go.
   */
  readonly ownNetworks: readonly { readonly protocol: ProtocolId; readonly account: string }[];
  /** Who holds the names the person went by on other networks from now on (an IRC puppet's nicks): an address nobody has. */
  readonly namesHeldBy: Address;
  /** What the sender of each message still waiting for the person is told: a failure notice with this code and reason. */
  readonly failure: { readonly code: string; readonly reason: string };
  readonly at: number;
}

export interface AccountRemovalStore {
  /**
   * Starts deleting an account, in one statement: its password is wiped and it is found no more (AccountStore.get),
   * while its name stays taken. False when there is no such account, or its deletion began already.
   */
  begin(name: string, at: number): Promise<boolean>;
  /** The accounts whose deletion began and did not finish (a crash), oldest first: finished at the next start. */
  unfinished(): Promise<string[]>;
  /**
   * Removes everything of the account but what `removal` keeps, and the account itself last, in one transaction:
   * the senders of messages still waiting for the person get failure notices, what the person sent that still waits
   * is withdrawn. False, changing nothing, when no deletion of that account began.
   */
  finish(name: string, removal: AccountRemoval): Promise<boolean>;
}

/** A native user's avatar as kept (migration 27): the picture, its type and SHA-1, and when it was set. */
export interface AvatarRecord {
  readonly owner: Address;
  readonly type: string;
  readonly data: Buffer;
  /** SHA-1 of `data`, lower-case hex. */
  readonly hash: string;
  readonly setAt: number;
}

/** Native users' avatars (core/avatars.ts), one per user; removed with the account (AccountRemovalStore). */
export interface AvatarStore {
  /** Keeps the owner's avatar in place of any before. GW_ERR_NOT_FOUND, writing nothing, when the owner's account is missing or being deleted. */
  put(record: AvatarRecord): Promise<void>;
  get(owner: Address): Promise<AvatarRecord | undefined>;
  /** False when there was none. */
  remove(owner: Address): Promise<boolean>;
  /** The type and hash of every avatar kept, by owner (read once at start: presence carries the hash). */
  refs(): Promise<Array<{ readonly owner: Address; readonly type: string; readonly hash: string }>>;
}

/** The addresses native users blocked (core/blocklist.ts), in their compared form; removed with the account (AccountRemovalStore). */
export interface BlockStore {
  /** True when added, false when it was there already. GW_ERR_NOT_FOUND, writing nothing, when the owner's account is missing or being deleted. */
  add(owner: Address, address: Address, at: number): Promise<boolean>;
  /** False when there was none. */
  remove(owner: Address, address: Address): Promise<boolean>;
  /** Every block kept, by owner in the order they were made (read once at start: every direct message is checked). */
  all(): Promise<Array<{ readonly owner: Address; readonly address: Address }>>;
}
