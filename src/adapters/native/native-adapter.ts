/**
 * The native adapter: Switchboard's own protocol, JSON text frames over WebSocket (docs/protocol.md).
 * It serves the gateway's own users and rooms: sessions log in here, and messages, presence and
 * subscription notices for native addresses are pushed to their sessions.
 */
import type { Adapter, AdapterCapabilities, AdapterContext, DeliveryReceipt, SubscriptionEvent, TypingEvent } from "../../core/adapter.js";
import type { Announcement, AnnouncementReach } from "../../core/announcements.js";
import type { BuddyListChange } from "../../core/buddy-list-changes.js";
import { GatewayError } from "../../core/errors.js";
import { sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { Presence } from "../../core/model/presence.js";
import type { ContactInfo } from "../../core/model/contact-info.js";
import type { Avatar, AvatarRef, HeardAvatar } from "../../core/model/avatar.js";
import type { Room, RoomInvitation, RoomMember, RoomRemoval } from "../../core/model/room.js";
import { AttemptLimiter } from "../../util/attempt-limiter.js";
import { FrameIntake } from "./frame-intake.js";
import type { HandlerEnvironment, NativeServices } from "./handler-environment.js";
import { predates } from "./account-epoch.js";
import { shownTo } from "./blocked-room-lines.js";
import { pushToMembers } from "./handlers/room-handlers.js";
import { isNative, isRoomId } from "./native-addresses.js";
import type { NativeConfig } from "./native-config.js";
import { NativeServer, type NativeAdapterOptions } from "./native-server.js";
import { entryAvatar, frames } from "./server-frames.js";
import { presenceSeenBy } from "./presence-viewers.js";
import { SessionDirectory } from "./session-directory.js";
import { showOwnMessage } from "./own-messages.js";
import { ACCOUNT_DELETED_CLOSE_CODE, type NativeSession } from "./session.js";

export type { NativeAdapterOptions } from "./native-server.js";

export class NativeAdapter implements Adapter {
  readonly protocol = "native" as const;
  readonly capabilities: AdapterCapabilities = {
    directMessages: true,
    rooms: true,
    presence: true,
    subscriptions: true,
    typing: true,
    actions: true,
    notices: true,
    corrections: true,
    retractions: true,
    relaysRooms: false,
    puppets: false,
  };
  private readonly sessions = new SessionDirectory();
  private readonly knownUsers = new Set<string>();
  /** Buddy-list changes being shown, one batch after another (showBuddyListChanges). */
  private buddyListPushes: Promise<void> = Promise.resolve();
  private readonly env: HandlerEnvironment;
  private readonly server: NativeServer;

  constructor(
    config: NativeConfig,
    private readonly services: NativeServices,
    private readonly context: AdapterContext,
    options: NativeAdapterOptions = { drainTimeoutMs: 3000 },
  ) {
    this.env = {
      config,
      services,
      context,
      sessions: this.sessions,
      // The gateway's one limiter (core/login-limits.ts): XMPP in-band registration checks passwords in it too.
      loginLimiter: services.loginLimiter,
      registrationLimiter: new AttemptLimiter(Math.max(1, config.registrations_per_hour), 60 * 60 * 1000),
      rememberUser: (name) => this.knownUsers.add(name),
      presenceChanged: (user, address) => this.announcePresence(user, address),
      reachable: (address) => context.dispatch({ type: "reachable", address }),
    };
    this.server = new NativeServer(config, context, options, this.sessions, new FrameIntake(config, context, this.env), this.env.presenceChanged);
  }

  stats(): Readonly<Record<string, number>> {
    return this.sessions.counts();
  }

  get account(): string {
    return this.context.account;
  }

  /** The address the server listens on (useful with port 0). */
  get listeningPort(): number | undefined {
    return this.server.listeningPort;
  }

  /** Listens for connections; stop() lets the frames already received finish (native-server.ts). */
  start(): Promise<void> {
    return this.server.start();
  }

  stop(reason?: string): Promise<void> {
    return this.server.stop(reason);
  }

  async knows(address: Address): Promise<boolean> {
    if (!isNative(address)) return false;
    if (isRoomId(address.id)) return this.services.rooms.exists(address);
    if (this.knownUsers.has(address.id)) return true;
    const known = (await this.services.accounts.get(address.id)) !== undefined;
    if (known) this.knownUsers.add(address.id);
    return known;
  }

  /**
   * "Who is this?" about a native user: her name, and her presence only as a contact of hers sees it (the rule of
   * XMPP probes, AdapterContext.probe: a subscription she approved), never more than contact.list would show.
   */
  async contactInfo(subject: Address, viewer: Address): Promise<ContactInfo> {
    if (!isNative(subject) || isRoomId(subject.id)) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${subject.id} is a room, not a person`);
    if ((await this.services.accounts.get(subject.id)) === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `there is no user ${subject.id} here`);
    // Someone she blocked sees her offline, as her probes answer him (core/blocklist.ts), and no avatar (presence-viewers.ts).
    const seen = await this.context.probe(subject, viewer);
    const pictured = sameAddress(subject, viewer) || (await presenceSeenBy(this.context, this.services.blocklist, subject, viewer)) !== undefined;
    const avatar = pictured ? this.context.avatars.refOf(subject) : undefined;
    return { nick: subject.id, ...(seen === undefined ? {} : { show: seen.show, status: seen.status }), ...(avatar === undefined ? {} : { avatar }) };
  }

  /** A native user's avatar, to herself and to those who may see her presence (contactInfo's rule); GW_ERR_FORBIDDEN to others. */
  async avatar(subject: Address, viewer: Address): Promise<Avatar | undefined> {
    if (!isNative(subject) || isRoomId(subject.id)) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${subject.id} is a room, not a person`);
    if ((await this.services.accounts.get(subject.id)) === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `there is no user ${subject.id} here`);
    if (!sameAddress(subject, viewer) && (await presenceSeenBy(this.context, this.services.blocklist, subject, viewer)) === undefined) {
      throw new GatewayError("GW_ERR_FORBIDDEN", `only ${subject.id}'s contacts see her avatar`);
    }
    return this.services.avatars.get(subject);
  }

  async send(message: Message): Promise<{ delivered: true }> {
    if (message.scope === "room") {
      // Not to a member who blocked its sender (blocked-room-lines.ts).
      const hiddenFrom = (member: Address): boolean => !shownTo(this.services.blocklist, member, message);
      await pushToMembers(this.env, message.to, frames.message(message), { member: message.from, hiddenFrom });
      return { delivered: true };
    }
    const user = message.to.id;
    const since = this.sessions.accountCreatedAt(user);
    if (since !== undefined && predates(message.id, since)) throw notTheirs(message.to);
    if (!this.sessions.pushTo(user, frames.message(message))) {
      // Nobody to wait for: a deleted account's, or one of the name before this account (account-epoch.ts).
      const account = await this.services.accounts.get(user);
      if (account === undefined || predates(message.id, account.createdAt)) throw notTheirs(message.to);
      throw new GatewayError("GW_ERR_UNAVAILABLE", `${user} is not connected`, { retryable: true });
    }
    return { delivered: true };
  }

  /** The user's own message, sent from their linked account's other client: to their sessions connected now (`carbon: "sent"`). */
  async showSentElsewhere(message: Message): Promise<void> {
    showOwnMessage(this.sessions, message);
  }

  followsBuddyList(owner: Address): boolean {
    return isNative(owner) && this.sessions.isOnline(owner.id);
  }

  /** Every session of the owner is shown the entries as contact.list would show them now (`contact`, `contact.removed`). */
  showBuddyListChanges(owner: Address, changes: readonly BuddyListChange[]): void {
    if (!isNative(owner) || isRoomId(owner.id)) return;
    const refOf = (person: Address): AvatarRef | undefined => this.context.avatars.refOf(person);
    const heardOf = (person: Address): HeardAvatar | null | undefined => this.context.avatars.heardOf(person);
    const mayView = async (person: Address): Promise<boolean> => (await presenceSeenBy(this.context, this.services.blocklist, person, owner)) !== undefined;
    const shown = async (): Promise<void> => {
      const pushed = await Promise.all(changes.map(async (change) => ("entry" in change ? frames.contact(change.entry, await entryAvatar(change.entry, refOf, mayView, heardOf)) : frames.contactRemoved(change.removed))));
      for (const frame of pushed) this.sessions.pushTo(owner.id, frame);
    };
    // In the order the changes came, though each entry's avatar waits for a look at who may see it (entryAvatar).
    this.buddyListPushes = this.buddyListPushes.then(shown).catch((error: unknown) => this.context.log.warn({ err: error }, "buddy list change not shown"));
  }

  async sendPresence(presence: Presence, to: Address): Promise<void> {
    // A native user's presence carries her avatar's hash (null: none), as XEP-0153 presence does on XMPP.
    // Another network's person's carries the hash last heard of hers (core/heard-avatars.ts), where one was.
    if (isNative(to)) this.sessions.pushTo(to.id, frames.presence(presence, isNative(presence.from) ? (this.context.avatars.refOf(presence.from) ?? null) : this.context.avatars.heardOf(presence.from)));
  }

  async watchPresence(_subject: Address, _watcher: Address): Promise<void> {
    // Native presence is pushed by the gateway itself on every change; nothing to start.
  }

  async setPresence(_presence: Presence): Promise<void> {
    // A native person's presence is what their own sessions set; nothing to do on this network.
  }

  async sendSubscription(event: SubscriptionEvent): Promise<void> {
    if (isNative(event.to)) this.sessions.pushTo(event.to.id, frames.subscription(event));
  }

  async sendTyping(event: TypingEvent): Promise<void> {
    if (isNative(event.to)) this.sessions.pushTo(event.to.id, frames.typing(event));
  }

  async reportFailure(message: Message, recipient: Address, error: GatewayError): Promise<void> {
    if (!isNative(message.from)) throw new GatewayError("GW_ERR_NO_ROUTE", "the sender is not a native user");
    // Sent by an account deleted since (and maybe a new one of the name): nobody is told, and the report is done with.
    const account = await this.services.accounts.get(message.from.id);
    if (account === undefined || predates(message.id, account.createdAt)) return;
    if (!this.sessions.pushTo(message.from.id, frames.messageFailed(message, recipient, error.code, error.message))) {
      throw new GatewayError("GW_ERR_UNAVAILABLE", `${message.from.id} is not connected`, { retryable: true });
    }
  }

  /**
   * A receipt (message.delivered) to the sender's sessions that asked for one, when one of the recipient's own
   * sessions took the message. Handed to another network, it is that network's server that has it, not the
   * recipient: a receipt comes from the recipient's client, if ever (reportReceived). A retraction gets none: it is
   * no message the user wrote but a request about one, and its `ok` is all she waits for (as XMPP asks no receipt of it).
   */
  async reportDelivered(message: Message, recipient: Address): Promise<void> {
    if (message.retracts !== undefined || message.reactsTo !== undefined || !isNative(recipient) || !isNative(message.from) || !this.wantsReceiptOf(message.from.id, message.id)) return;
    this.sessions.pushReceipt(message.from.id, frames.messageDelivered(message.id, message.to, Date.now()));
  }

  /** Whether a session of the native user asked for receipts (the hello feature `receipts`). */
  wantsReceipts(sender: Address): boolean {
    return isNative(sender) && this.sessions.wantsReceipts(sender.id);
  }

  /** The recipient's client on another network has the message (an XMPP receipt): the sender's sessions that asked are told. */
  async reportReceived(receipt: DeliveryReceipt): Promise<void> {
    if (isNative(receipt.sender) && this.wantsReceiptOf(receipt.sender.id, receipt.messageId)) {
      this.sessions.pushReceipt(receipt.sender.id, frames.messageDelivered(receipt.messageId, receipt.to, Date.now()));
    }
  }

  /** Whether a session of `user` asked for receipts, and the message is their account's, not a deleted namesake's. */
  private wantsReceiptOf(user: string, messageId: string): boolean {
    const since = this.sessions.accountCreatedAt(user);
    return this.sessions.wantsReceipts(user) && (since === undefined || !predates(messageId, since));
  }

  /** `options.key`: the room's password the joiner gave (an XMPP occupant's join). */
  async joinRoom(room: Address, member: Address, options?: { nick?: string; key?: string }): Promise<Room> {
    const entry = { address: member, nick: options?.nick ?? member.id, role: "member" as const };
    if (await this.services.rooms.join(room, entry, options?.key === undefined ? {} : { password: options.key })) await pushToMembers(this.env, room, frames.roomMember(room, "joined", entry));
    const record = await this.services.rooms.get(room);
    return { address: room, name: record.name, subject: record.subject, members: await this.services.rooms.members(room) };
  }

  async leaveRoom(room: Address, member: Address, removal?: RoomRemoval): Promise<void> {
    const entry = (await this.services.rooms.members(room)).find((candidate) => sameAddress(candidate.address, member));
    await this.services.rooms.leave(room, member);
    if (!entry) return;
    const frame = frames.roomMember(room, "left", entry, removal);
    await pushToMembers(this.env, room, frame);
    // Put out by someone else: the member's own sessions learn it too (no longer a member, so not reached above).
    if (removal !== undefined && isNative(member)) this.sessions.pushTo(member.id, frame);
  }

  async sendTopic(room: Address, topic: string, by?: RoomMember): Promise<void> {
    await pushToMembers(this.env, room, frames.roomSubject(room, topic, by?.address ?? room));
  }

  async sendMembership(room: Address, member: RoomMember, event: "joined" | "left", removal?: RoomRemoval): Promise<void> {
    const frame = frames.roomMember(room, event, member, removal);
    await pushToMembers(this.env, room, frame, { member: member.address });
    // She is told of her own removal; and of her own join of a room reached through her account, which is her account
    // joining it again after a restart (core/kept-own-rooms.ts): her sessions learn the room is hers again.
    const own = this.env.context.ownRooms.ownerOf(room) !== undefined;
    if ((removal !== undefined || own) && isNative(member.address)) this.sessions.pushTo(member.address.id, frame);
  }

  /** A room was destroyed: each native member's sessions are told (room.destroyed), before the room and its members are gone. */
  async roomDestroyed(room: Address, members: readonly RoomMember[], reason: string): Promise<void> {
    const frame = frames.roomDestroyed(room, reason);
    for (const member of members) if (isNative(member.address)) this.sessions.pushTo(member.address.id, frame);
  }

  async sendMemberChange(room: Address, member: RoomMember, changed: RoomMember): Promise<void> {
    await pushToMembers(this.env, room, frames.roomMemberChange(room, member, changed));
  }

  /**
   * An invitation into a room, pushed to the invitee's sessions (room.invitation). Not stored: with no session open
   * it reaches nobody, and the inviter hears GW_ERR_UNAVAILABLE rather than an `ok` for an invitation dropped.
   */
  async sendInvitation(invitation: RoomInvitation): Promise<void> {
    if (!isNative(invitation.to) || isRoomId(invitation.to.id)) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${invitation.to.id} is a room, not someone to invite`);
    if (!this.sessions.pushTo(invitation.to.id, frames.roomInvitation(invitation))) {
      throw new GatewayError("GW_ERR_UNAVAILABLE", `${invitation.to.id} is not connected: invitations are not kept`);
    }
  }

  /** Someone the user invited declined: their sessions are told now (room.invitation.declined), if any is open. */
  async sendDecline(decline: RoomInvitation): Promise<void> {
    if (isNative(decline.to) && !isRoomId(decline.to.id)) this.sessions.pushTo(decline.to.id, frames.roomInvitationDeclined(decline));
  }

  /** A code for `person` only: pushed to their own sessions (identity.code), never to anyone else's. */
  async identityCode(person: Address, address: Address, code: string, expiresAt: number): Promise<boolean> {
    if (!isNative(person) || isRoomId(person.id)) return false;
    return this.sessions.pushTo(person.id, frames.identityCode(address, code, expiresAt));
  }

  /** One of a user's accounts elsewhere was linked (its code came back) or unlinked: every session of theirs is told. */
  async identityChanged(person: Address, address: Address, linked: boolean): Promise<void> {
    if (isNative(person) && !isRoomId(person.id)) this.sessions.pushTo(person.id, frames.identityLinked(address, linked));
  }

  /** An admin's announcement: pushed now to every session logged in (`announcement`), kept for nobody. */
  announce(announcement: Announcement): AnnouncementReach {
    return this.sessions.pushToEveryone(frames.announcement(announcement));
  }

  /**
   * The user's account was deleted (core/account-deletion.ts): every session of theirs is logged out at once (frames
   * it sent that wait are refused) and closed with ACCOUNT_DELETED_CLOSE_CODE once its answers are out (the answer to
   * the deletion among them); their presence is offline, and messages to them are no longer accepted.
   */
  async personDeleted(person: Address, reason: string): Promise<void> {
    if (!isNative(person) || isRoomId(person.id)) return;
    this.knownUsers.delete(person.id);
    this.endSessionsOf(person, reason);
  }

  /**
   * The user's account was disabled (core/account-suspension.ts): every session of theirs ends as for a deletion
   * (ACCOUNT_DELETED_CLOSE_CODE, 4001, with `reason`) and their presence is offline, but they stay known: messages to
   * them wait, as for anyone offline.
   */
  async personDisabled(person: Address, reason: string): Promise<void> {
    if (!isNative(person) || isRoomId(person.id)) return;
    this.endSessionsOf(person, reason);
    // A login that read the account just before it was disabled attaches its session within this turn of the event
    // loop (nothing is awaited between its last read of the account and the attach): a second sweep ends that one too.
    setImmediate(() => this.endSessionsOf(person, reason));
  }

  private endSessionsOf(person: Address, reason: string): void {
    const sessions = [...this.sessions.of(person.id)];
    for (const session of sessions) this.endSession(session, reason);
    if (sessions.length > 0) this.announcePresence(person.id, person);
  }

  private endSession(session: NativeSession, reason: string): void {
    this.sessions.detach(session);
    session.signOut();
    session.closedByGateway = true;
    void session.idle().then(() => session.socket.close(ACCOUNT_DELETED_CLOSE_CODE, reason));
  }

  private announcePresence(user: string, address: Address): void {
    const presence = this.sessions.presenceOf(user, address);
    this.context.dispatch({ type: "presence", presence: presence.show === "offline" ? { ...presence, since: Date.now() } : presence });
  }
}

function notTheirs(to: Address): GatewayError {
  return new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", `${to.id} was deleted`);
}

export function createNativeAdapter(config: NativeConfig, services: NativeServices, context: AdapterContext, options?: NativeAdapterOptions): NativeAdapter {
  return new NativeAdapter(config, services, context, options);
}
