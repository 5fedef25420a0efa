/**
 * What the core gives each adapter: the AdapterContext an adapter is built with (submit messages, join rooms, the
 * names it may use, probes, bridges, people's own accounts...) and the options of a submit. The other half of the
 * adapter contract (adapter.ts, which re-exports these).
 */
import type { AccountPage } from "./account-listing.js";
import type { AdapterStatus, DeliveryReceipt, InboundEvent, OwnRoomBan } from "./adapter.js";
import type { Announcement, AnnouncementReach, AnnouncementText } from "./announcements.js";
import type { BridgeAdmin } from "./bridges.js";
import type { DirectLog } from "./direct-log.js";
import type { GatewayError } from "./errors.js";
import type { GatewayStatusReport } from "./gateway-status.js";
import type { Logger } from "./logger.js";
import type { MucLines } from "./muc-line-log.js";
import type { Address } from "./model/address.js";
import type { Contact } from "./model/contact.js";
import type { Message, MessageDraft } from "./model/message.js";
import type { Presence } from "./model/presence.js";
import type { ContactInfo } from "./model/contact-info.js";
import type { Avatar, AvatarRef, HeardAvatar } from "./model/avatar.js";
import type { Room, RoomInvitation, RoomMember, RoomRemoval } from "./model/room.js";
import type { NameChoice } from "./name-claims.js";
import type { PuppetAccount } from "./puppet-accounts.js";
import type { PuppetNick } from "./puppet-nicks.js";
import type { PuppetServerPassword } from "./puppet-server-passwords.js";
import type { RoomArchive } from "./room-archive.js";
import type { DirectoryAnswer } from "./room-directory.js";
import type { AdapterRoomSettings } from "./room-settings.js";
import type { DirectoryQuery } from "./model/room-directory.js";
import type { SenderHostSink } from "./sender-hosts.js";
import type { RoomBanRecord } from "../store/store.js";

export interface SubmitOptions {
  /**
   * Called once the message has its gateway id (before it is stored), or once it was refused: from then on
   * a later submit from the same source is ordered after this one, so the adapter may start it. Called once.
   */
  readonly onOrdered?: () => void;
  /**
   * Called with the message once it has its gateway id, before it is stored or delivered anywhere: its failure
   * can be reported (Adapter.reportFailure) before submit resolves, when a network refuses it at once, so an
   * adapter that must know its messages by id then (who said an IRC line) learns the id here. Not called for a
   * message refused; a throw refuses the message.
   */
  readonly onAccepted?: (message: Message) => void;
}

/** A room's bans as an adapter reaches them (AdapterContext.roomBans): `by` is always a person of its network. */
export interface AdapterRoomBans {
  ban(room: Address, by: Address, target: Address, reason: string): Promise<void>;
  unban(room: Address, by: Address, target: Address): Promise<void>;
  list(room: Address, by: Address): Promise<readonly RoomBanRecord[]>;
}

export interface AdapterContext {
  readonly account: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /**
   * Offers a message to the gateway. Resolves with the accepted message (gateway id assigned, stored durably)
   * or rejects with a GatewayError (unknown recipient, no route, bad input) and then nothing was accepted.
   */
  submit(draft: MessageDraft, options?: SubmitOptions): Promise<Message>;
  /**
   * Joins `member` (a person of this adapter's network) to a room anywhere; rejects with GW_ERR_NICK_IN_USE etc.
   * `key`: the room's key or password the joiner gave (a MUC join's password), used when the room is bridged on
   * demand for them (an IRC channel's key).
   */
  joinRoom(room: Address, member: RoomMember, options?: { readonly key?: string }): Promise<Room>;
  /**
   * `member` leaves a room; with `removal`, they were put out of it from this adapter's network (their IRC puppet
   * kicked from a bridged channel): everyone is told who did it and why, the member too.
   */
  leaveRoom(room: Address, member: Address, removal?: RoomRemoval): Promise<void>;
  /**
   * `member` (of this adapter's network) takes another nick in a room they joined (by the same address): stored,
   * and everyone in the room is told (Adapter.sendMemberChange, to this adapter too). Rejects with GW_ERR_NICK_IN_USE
   * (someone in the room or in a room bridged to it has the nick) or GW_ERR_NOT_MEMBER.
   */
  renameInRoom(room: Address, member: Address, nick: string): Promise<RoomMember>;
  /**
   * `by` (a person of this adapter's network) puts `target` out of a room (core/room-joins.ts kick): the room's owner
   * or an admin of the gateway only. GW_ERR_FORBIDDEN, GW_ERR_NOT_MEMBER, GW_ERR_NOT_FOUND otherwise.
   */
  kickFromRoom(room: Address, by: Address, target: Address, reason: string): Promise<void>;
  /**
   * Bans in the gateway's rooms (core/room-bans.ts), by a person of this adapter's network with the rights of a kick
   * (the room's owner or an admin of the gateway): `ban` keeps `target`'s person (their linked accounts with them)
   * out and puts them out if they are in; `unban` lifts it (GW_ERR_NOT_FOUND when there was none); `list` gives the
   * room's bans. GW_ERR_FORBIDDEN for the owner, an admin or someone of a bridged room as the target.
   */
  readonly roomBans: AdapterRoomBans;
  /** Rooms' settings and their destruction by their owners and the admins (core/room-settings.ts, core/room-destruction.ts). */
  readonly roomSettings: AdapterRoomSettings;
  /**
   * `invitation.from` (a person of this adapter's network, a member of the room) invites `invitation.to` (anyone, on
   * any network) into a gateway room, or a bridged room's hub given by the bridged room's own address
   * (core/room-invitations.ts): resolves once the invitation went out. Rejects with GW_ERR_NOT_FOUND (no such room),
   * GW_ERR_NOT_MEMBER, GW_ERR_RATE_LIMITED (too many invitations this hour), GW_ERR_BAD_ADDRESS, GW_ERR_NO_ROUTE,
   * GW_ERR_UNKNOWN_RECIPIENT, GW_ERR_UNSUPPORTED (the invitee's network cannot bring them into the room).
   */
  inviteToRoom(invitation: RoomInvitation): Promise<void>;
  /**
   * `decline.from` (a person of this adapter's network) declines the invitation of `decline.to` into `decline.room`:
   * the inviter is told (Adapter.sendDecline) when such an invitation was made in the last hour, once; resolves false
   * when there was none (nothing is told).
   */
  declineInvitation(decline: RoomInvitation): Promise<boolean>;
  /**
   * Names people go by on this adapter's network, one person per name for good (core/name-claims.ts: an IRC
   * puppet's nick): `claim` gives the person's name, else claims the first of `candidates` nobody has; `peek`
   * tells what `claim` would give, claiming nothing; `isClaimed` whether anybody has the name (any a person ever
   * went by: they stay theirs); `choose` makes the first candidate nobody else holds the person's name now
   * (GW_ERR_NICK_IN_USE when none is; GW_ERR_FORBIDDEN for a new one when they hold MAX_NAMES_HELD already), and
   * `undo` takes that back when the network refused it.
   */
  readonly names: {
    claim(person: Address, candidates: Iterable<string>): Promise<string>;
    peek(person: Address, candidates: Iterable<string>): string | undefined;
    isClaimed(name: string): boolean;
    choose(person: Address, candidates: Iterable<string>): Promise<NameChoice>;
    undo(person: Address, choice: NameChoice): Promise<void>;
  };
  /** Whether the gateway can reach anybody at this address (a network serves it and knows it). */
  knows(address: Address): Promise<boolean>;
  /**
   * Whether the network serving `address` takes direct messages (its adapter's capabilities.directMessages): an IRC
   * network in relay mode does not, and the router refuses them. False when no network serves it. Cheap, no I/O.
   */
  takesDirectMessages(address: Address): boolean;
  /** A room's last `limit` messages from the message log, oldest first (none when the log is off). */
  roomHistory(room: Address, limit: number): Promise<Message[]>;
  /** Rooms' archives (the message log), to page through by query; undefined when the log is off (store.message_log). */
  readonly roomArchive: RoomArchive | undefined;
  /** Direct messages in the message log that came in through this adapter, by origin id (core/direct-log.ts); undefined when the log is off. */
  readonly directLog: DirectLog | undefined;
  /** The rooms' own ids of lines carried in this network's rooms, kept across restarts (core/muc-line-log.ts); undefined when the log is off. */
  readonly mucLines: MucLines | undefined;
  /** An IRC adapter tells who its network's senders are (nick!user@host, NICK, QUIT) for the block lists (core/sender-hosts.ts). */
  readonly senderHosts?: SenderHostSink;
  /** The addresses a native user blocked (core/blocklist.ts), in the order she blocked them: her own account's server is told them at login. */
  readonly blockedBy?: (owner: Address) => readonly Address[];
  /**
   * Rooms reached through someone's own account (core/own-rooms.ts: a linked XMPP account's MUCs), for that person
   * alone: `ownerOf` tells whose own account a room would be reached through (undefined for any other room); `join`,
   * `leave` and `get` (the room as the account is in it) act for `member`, a person of this adapter's network, who
   * must be that owner (GW_ERR_FORBIDDEN otherwise).
   */
  readonly ownRooms: {
    ownerOf(room: Address): Address | undefined;
    join(room: Address, member: RoomMember, key?: string): Promise<Room>;
    leave(room: Address, member: Address): Promise<void>;
    get(room: Address, member: Address): Room;
    /** As get, undefined when she is not in it (or her join is under way). */
    find(room: Address, member: Address): Room | undefined;
    /** The rooms `member` is in through their own accounts now. */
    listOf(member: Address): Room[];
    /** Its owner was given the lines of `room` (one reached through this adapter's account) up to `archiveMark` (the room's own id of the last, XEP-0359): kept for a catch-up after a restart. */
    marked(room: Address, archiveMark: string): Promise<void>;
    /** Another nick there (kept for the next start too); resolves with the member now. */
    rename(room: Address, member: Address, nick: string): Promise<RoomMember>;
    setSubject(room: Address, member: Address, subject: string): Promise<void>;
    /** Counted among `member`'s invitations of the hour (`rooms.invitations_per_hour`) once it went out: a refused one is not. */
    invite(room: Address, member: Address, to: Address, reason: string): Promise<void>;
    kick(room: Address, member: Address, occupant: Address, reason: string): Promise<void>;
    ban(room: Address, member: Address, person: Address, reason: string): Promise<void>;
    unban(room: Address, member: Address, person: Address): Promise<void>;
    bans(room: Address, member: Address): Promise<OwnRoomBan[]>;
    /** GW_ERR_NOT_FOUND when the room gave line `messageId` no id the account knows, to `verb` it by there. */
    checkLine(room: Address, member: Address, messageId: string, verb: string): Promise<void>;
  };
  /** The people in the rooms of other networks bridged to `room` (an IRC channel's), as their adapters see them now. */
  bridgedPeople(room: Address): Promise<readonly RoomMember[]>;
  /**
   * The presence of `subject` as `viewer` may see it: undefined when the viewer is not allowed to (no
   * subscription), else the current presence (offline when unknown). Answers XMPP presence probes.
   */
  probe(subject: Address, viewer: Address): Promise<Presence | undefined>;
  /**
   * What `subject`'s network tells `viewer` (a person of this adapter's network) about them (core/contact-info.ts):
   * rate-limited per asker, bounded in time, every string cleaned. GW_ERR_NOT_FOUND, GW_ERR_RATE_LIMITED,
   * GW_ERR_UNAVAILABLE (condition "timeout" when the network did not answer), GW_ERR_UNSUPPORTED, GW_ERR_NO_ROUTE.
   */
  contactInfo(viewer: Address, subject: Address): Promise<ContactInfo>;
  /** `subject`'s avatar as `viewer` may see it (core/contact-info.ts `avatar`, contactInfo's checks), and a native user's type and hash now (core/avatars.ts). */
  readonly avatars: {
    get(viewer: Address, subject: Address): Promise<Avatar | undefined>;
    refOf(owner: Address): AvatarRef | undefined;
    /** What was last heard of another network's person's avatar (core/heard-avatars.ts): null none, undefined nothing. */
    heardOf(owner: Address): HeardAvatar | null | undefined;
    /** Her network said her avatar is `avatar` (null: none) apart from any presence; a change is told to native clients with her current presence. */
    heard(owner: Address, avatar: HeardAvatar | null): Promise<void>;
    /** Her presence said her avatar is `avatar`: kept, not told; true when it changed (dispatch that presence with `avatarChanged`, which tells it). */
    heardInPresence(owner: Address, avatar: HeardAvatar | null): boolean;
  };
  /**
   * Whether two people know each other: a presence subscription either way, a linked account counting as its
   * person (a message policy of contacts only: juliet, alice's linked JID, may answer carol, who watches alice).
   */
  related(a: Address, b: Address): Promise<boolean>;
  /** The native person `address` is a linked account of, while the link counts (core/identities.ts), or undefined. */
  linkedPerson(address: Address): Address | undefined;
  /**
   * Whether `requester` asked `subject` (a person of this adapter's network) to share her presence and no answer
   * was heard: a subscription request still pending, a linked account's request to share (core/link-requests.ts) or
   * a buddy offer (core/buddy-offers.ts) still `offered`. An XMPP adapter that gets her presence at the requester's
   * JID learns from it that she approved while it could not hear her (adapters/xmpp/unheard-approvals.ts).
   */
  awaitsAnswer(subject: Address, requester: Address): Promise<boolean>;
  /**
   * Throws GW_ERR_FORBIDDEN when one of the two is reached through someone else's own account (a contact of another
   * person's linked account, xmpp://u.<other>/...): such an address converses with its owner only, so nobody else
   * may read a conversation with it either.
   */
  checkOwnership(a: Address, b: Address): void;
  /**
   * Throws GW_ERR_BAD_ADDRESS when `to` is no person to write to where it is (a typing notification's recipient, as
   * submit checks a direct message's): a room of its network, or a JID of the gateway's own XMPP domain that only
   * stands for someone the gateway reaches directly (core/peer-checks.ts). Pure, no I/O.
   */
  checkChatPeer(to: Address): void;
  /**
   * Throws GW_ERR_BAD_ADDRESS when `address` only stands for someone the gateway reaches directly (a JID of its own
   * XMPP domain, core/peer-checks.ts): no contact to add or subscribe to, nor to approve. Pure, no I/O.
   */
  checkNotStandIn(address: Address): void;
  /**
   * For an adapter that is one person's own account (Adapter.owner): the complete buddy list that the network
   * keeps for `owner`. Replaces the owner's entries on this adapter's network (adding, updating, removing);
   * resolves once stored.
   */
  syncContacts(owner: Address, contacts: readonly Contact[]): Promise<void>;
  /**
   * For an adapter that is one person's own account (Adapter.owner): the owner sent `draft` (from the owner, to one
   * of this account's contacts) from another client of that account, and the network delivered it already (an
   * XMPP sent carbon, XEP-0280). Resolves with the message as kept in the conversation's log (sentElsewhere) and
   * shown to the owner's sessions; delivered to nobody. Rejects with GW_ERR_FORBIDDEN for any other sender or
   * recipient, and as submit does for a body too long or a correction of no message of the owner's.
   */
  recordSentElsewhere(draft: MessageDraft): Promise<Message>;
  /**
   * The network bounced a message the gateway delivered to `recipient` (an XMPP error reply; an adapter that
   * learns of a refusal before confirming a delivery rejects SendResult.confirmed instead, as IRC does): its
   * sender is told, as for any failed delivery. Ignored unless
   * `recipient` is the message's own recipient, or for a room message a member of the room (a room relay such
   * as an IRC channel), so nobody can fail someone else's message.
   */
  bounced(messageId: string, recipient: Address, error: GatewayError): void;
  /**
   * Whether the sender of a direct message wants to hear that its recipient's client has it (Adapter.wantsReceipts
   * of the sender's adapter): an adapter asks the recipient's client for a receipt (XEP-0184), and remembers the
   * request, only then. Cheap, asked per message.
   */
  wantsReceipts(sender: Address): boolean;
  /**
   * The recipient's own client said it has a direct message the adapter asked a receipt for: its sender is told
   * (Adapter.reportReceived). The adapter vouches that the receipt came from the address the message went to.
   */
  received(receipt: DeliveryReceipt): void;
  /** Traffic other than messages. */
  dispatch(event: InboundEvent): void;
  /**
   * A message to the gateway itself (the XMPP component's domain, the gateway's IRC nick), such as a link code
   * sent back. Resolves false when the gateway had nothing waiting from `from` (the adapter may answer with help).
   */
  serviceMessage(from: Address, body: string): Promise<boolean>;
  /**
   * Links by password, asked from this adapter's network (core/password-links.ts; XMPP in-band registration): `address`
   * is the asker, a person of this network (GW_ERR_FORBIDDEN otherwise). `linkedUser`: the native user it is linked to;
   * `link` links it to the native user whose password is given, checked in the gateway's one login limiter with
   * `remote` as the place it asks from; `unlink` undoes its link at once (GW_ERR_NOT_FOUND when there is none).
   */
  readonly passwordLinks: {
    linkedUser(address: Address): string | undefined;
    link(address: Address, remote: string, user: string, password: string): Promise<{ readonly user: string; readonly linked: boolean }>;
    unlink(address: Address): Promise<string>;
  };
  /** Bridges at runtime, for adapters through which admins speak (native bridge.* frames, XMPP ad-hoc commands). */
  readonly bridges: BridgeAdmin;
  /** The gateway's status, for admins only (GW_ERR_FORBIDDEN for anyone else): core/gateway-status.ts. */
  gatewayStatus(by: Address): Promise<GatewayStatusReport>;
  /**
   * The gateway's native accounts, for admins who speak through this adapter (XMPP XEP-0133 commands), `by` being the
   * admin: GW_ERR_FORBIDDEN for anyone else. `delete` as native admin.user.delete (core/account-deletion.ts):
   * GW_ERR_FORBIDDEN for an admin's account, GW_ERR_NOT_FOUND for no such account. `disable` and `enable` as native
   * admin.user.disable and admin.user.enable (core/account-suspension.ts), by the same rules. `counts`: the accounts
   * there are, and the users with a native session now. `list`: a page of the accounts by name, as native
   * admin.user.list (core/account-listing.ts). `announce` as native admin.announce, GW_ERR_BAD_FRAME for a text it
   * refuses.
   */
  readonly userAdmin: {
    delete(by: Address, name: string): Promise<void>;
    disable(by: Address, name: string, reason: string): Promise<void>;
    enable(by: Address, name: string): Promise<void>;
    counts(by: Address): Promise<{ readonly registered: number; readonly online: number }>;
    list(by: Address, query: { readonly limit?: number; readonly disabledOnly?: boolean }): Promise<AccountPage>;
    /** Shows every native user online now an announcement from `by` (core/announcements.ts): whom it reached. */
    announce(by: Address, text: AnnouncementText): Promise<AnnouncementReach>;
  };
  /**
   * The message of the day (core/message-of-the-day.ts): `current` is what each native login is shown now; `get`,
   * `set` and `clear` are for admins only (GW_ERR_FORBIDDEN for anyone else, `by` being the admin), as native
   * admin.motd.get, admin.motd.set (`tellOnline`: shown at once to the users online too) and admin.motd.clear.
   */
  readonly messageOfTheDay: {
    current(): Announcement | undefined;
    get(by: Address): Promise<Announcement | undefined>;
    set(by: Address, text: AnnouncementText, options: { readonly tellOnline: boolean }): Promise<AnnouncementReach>;
    clear(by: Address): Promise<boolean>;
  };
  /**
   * People of this adapter's network keep their own services accounts on IRC networks through it (XMPP ad-hoc
   * commands; core/puppet-accounts.ts): `person` is the one asking, and the account is kept for the person they
   * are (a linked JID's native user), since that person's puppet is the one that logs in.
   */
  readonly puppetAccounts: {
    /** Some network's puppets log in to accounts: there are accounts to list and remove. */
    offered(): boolean;
    /** Accounts can be set: offered, and the gateway has a key to seal passwords with. */
    settable(): boolean;
    set(person: Address, network: string, credentials: PuppetCredentials): Promise<PuppetAccount>;
    remove(person: Address, network: string): Promise<void>;
    list(person: Address): Promise<PuppetAccount[]>;
  };
  /**
   * People of this adapter's network keep their own server passwords for IRC servers on demand through it (XMPP
   * ad-hoc commands; core/puppet-server-passwords.ts), kept for the person they are, as puppetAccounts are.
   */
  readonly puppetServerPasswords: {
    /** Servers on demand are served: there are server passwords to list and remove. */
    offered(): boolean;
    /** They can be set: offered, and the gateway has a key to seal them with. */
    settable(): boolean;
    set(person: Address, network: string, password: string): Promise<PuppetServerPassword>;
    remove(person: Address, network: string): Promise<void>;
    list(person: Address): Promise<PuppetServerPassword[]>;
  };
  /**
   * People of this adapter's network choose their puppets' nicks on IRC networks through it (XMPP ad-hoc commands;
   * core/puppet-nicks.ts): `person` is the one asking, and the nick is chosen for the person they are (a linked
   * JID's native user), whose puppet it names.
   */
  readonly puppetNicks: {
    /** Some network has puppets whose nicks people may choose. */
    offered(): boolean;
    set(person: Address, network: string, name: string): Promise<PuppetNick>;
    list(person: Address): PuppetNick[];
  };
  /**
   * Networks' room directories (core/room-directory.ts: an IRC network's channels by LIST, kept a minute, shared):
   * `person` is the one asking, whose fresh listings are counted (those of the person they are, when linked).
   */
  readonly roomDirectory: {
    /** The configured networks that have one. */
    networks(): string[];
    /** Whether `network` names a network that has one, configured or on demand (told without connecting). */
    offers(network: string): boolean;
    page(person: Address, network: string, query: DirectoryQuery): Promise<DirectoryAnswer>;
  };
  /**
   * The services account `person` set for their puppet on this adapter's network (core/puppet-accounts.ts),
   * opened; undefined when they set none. Rejects with GW_ERR_AUTH_FAILED when one is kept that the gateway can no
   * longer open (its key changed): the puppet then does not connect.
   */
  puppetAccount(person: Address): Promise<PuppetCredentials | undefined>;
  /**
   * The server password `person` set for their puppet on this adapter's network, an IRC server on demand
   * (core/puppet-server-passwords.ts), opened; undefined when they set none. Rejects with GW_ERR_AUTH_FAILED as
   * puppetAccount does.
   */
  puppetServerPassword(person: Address): Promise<string | undefined>;
  /**
   * When the native account `person` was made, as the store says now (an account made by `switchboard user add` while
   * the gateway runs too); undefined for an address of another network, or no such account (one being deleted too).
   */
  accountCreatedAt(person: Address): Promise<number | undefined>;
  /**
   * Whether the native account `person` is disabled now, as the store says (core/account-suspension.ts), so also after
   * a restart; false for an address of another network, or no such account.
   */
  accountDisabled(person: Address): Promise<boolean>;
  /** Lifecycle, never mixed with traffic. */
  setStatus(status: AdapterStatus, error?: Error): void;
}

/** A person's services account on a network, opened (core/puppet-accounts.ts): their puppet logs in with it. */
export interface PuppetCredentials {
  readonly account: string;
  readonly password: string;
}
