/**
 * Frames the gateway sends, built from the core model. Pure functions: the wire shape of every push lives
 * here and nowhere else (docs/protocol.md shows an example of each).
 */
import { formatAddress, type Address } from "../../core/model/address.js";
import type { PersonContactView } from "../../core/person-contacts.js";
import type { Message } from "../../core/model/message.js";
import type { Presence } from "../../core/model/presence.js";
import type { RoomInvitation, RoomMember, RoomRemoval } from "../../core/model/room.js";
import type { SubscriptionEvent, TypingEvent } from "../../core/adapter.js";
import type { Announcement } from "../../core/announcements.js";
import type { RoomSummary } from "../../core/rooms.js";
import type { IdentityLinkRecord, RoomBanRecord, RoomRecord } from "../../store/store.js";
import type { ErrorCode } from "../../core/errors.js";
import type { ContactInfo } from "../../core/model/contact-info.js";
import type { AvatarRef, HeardAvatar } from "../../core/model/avatar.js";

export type ServerFrame = Readonly<Record<string, unknown>> & { readonly type: string };

export function messageView(message: Message): Record<string, unknown> {
  return {
    id: message.id,
    scope: message.scope,
    kind: message.kind,
    from: formatAddress(message.from),
    to: formatAddress(message.to),
    sender_name: message.senderName,
    body: message.body,
    ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
    timestamp: message.timestamp,
    ...(message.sentAt === undefined ? {} : { sent_at: message.sentAt }),
    ...(message.replaces === undefined ? {} : { replaces: message.replaces }),
    ...(message.replyTo === undefined ? {} : { reply_to: { id: message.replyTo.id, ...(message.replyTo.to === undefined ? {} : { to: formatAddress(message.replyTo.to) }) } }),
    ...(message.retracts === undefined ? {} : { retracts: message.retracts }),
    ...(message.reactsTo === undefined ? {} : { reacts_to: message.reactsTo.id, reactions: message.reactions ?? [] }),
    ...(message.retracted === true ? { retracted: true } : {}),
    ...(message.moderated === undefined ? {} : { moderated: message.moderated }),
    ...(message.origin.id === undefined ? {} : { client_id: message.origin.id }),
    ...(message.person === undefined ? {} : { person: formatAddress(message.person) }),
    ...(message.sentElsewhere === true ? { carbon: "sent" } : {}),
  };
}

export function presenceView(presence: Presence): Record<string, unknown> {
  return { from: formatAddress(presence.from), show: presence.show, status: presence.status, priority: presence.priority, since: presence.since };
}

/**
 * The avatar a buddy-list entry shows: a native contact's (core/avatars.ts `refOf`), under the rule of avatar.get and of
 * her presence pushes, which carry it: only to someone who may see her own presence (`mayView`: a subscription she
 * approved, AdapterContext.probe), not to whoever sees a linked account's merged into her entry (an IRC nick's presence
 * needs nobody's approval), nor to someone she blocked. Another network's contact's (an XMPP user's) is the hash the
 * gateway last heard (`heardOf`: her XEP-0153 presence or a XEP-0084 notification), where the entry shows her presence;
 * nothing is fetched for it.
 */
export async function entryAvatar(contact: PersonContactView, refOf: (owner: Address) => AvatarRef | undefined, mayView: (owner: Address) => Promise<boolean>, heardOf: (owner: Address) => HeardAvatar | null | undefined = () => undefined): Promise<HeardAvatar | undefined> {
  if (contact.presence === undefined) return undefined;
  if (contact.address.protocol !== "native") return heardOf(contact.address) ?? undefined;
  const avatar = refOf(contact.address);
  return avatar !== undefined && (await mayView(contact.address)) ? avatar : undefined;
}

/** A buddy-list entry (contact.list, the `contact` push), with the contact's avatar where one is shown (entryAvatar). */
export function contactView(contact: PersonContactView, avatar?: HeardAvatar): Record<string, unknown> {
  return {
    address: formatAddress(contact.address),
    name: contact.name,
    subscription: contact.subscription,
    pending_out: contact.pendingOut,
    pending_in: contact.pendingIn,
    ...(contact.presence === undefined ? {} : { presence: { show: contact.presence.show, status: contact.presence.status } }),
    ...(contact.accounts === undefined ? {} : { accounts: contact.accounts.map(formatAddress) }),
    ...(avatar === undefined ? {} : { avatar: avatarView(avatar) }),
  };
}

/** An avatar as frames show it: its type and SHA-1 (null: none); an XMPP user's hash heard from XEP-0153 has no type. */
export function avatarView(avatar: HeardAvatar | null): Record<string, unknown> | null {
  return avatar === null ? null : { ...(avatar.type === undefined ? {} : { type: avatar.type }), hash: avatar.hash };
}

/** The `info` of contact.info's answer: the fields the person's network gave, snake_case (docs/protocol.md "contact.info"). */
export function contactInfoView(info: ContactInfo): Record<string, unknown> {
  const { fullName, idleSeconds, signonAt, ...same } = info;
  return {
    ...same,
    ...(fullName === undefined ? {} : { full_name: fullName }),
    ...(idleSeconds === undefined ? {} : { idle_seconds: idleSeconds }),
    ...(signonAt === undefined ? {} : { signon_at: signonAt }),
  };
}

export function memberView(member: RoomMember): Record<string, unknown> {
  return { address: formatAddress(member.address), nick: member.nick, role: member.role };
}

export function roomView(room: RoomRecord, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { address: formatAddress(room.address), name: room.name, subject: room.subject, ...extra };
}

export function roomSummaryView(room: RoomSummary): Record<string, unknown> {
  return roomView(room, { members: room.memberCount });
}

/** One ban in the answer to room.bans: whom it keeps out (a person, their linked accounts with them), who banned them, why and when. */
export function roomBanView(ban: RoomBanRecord): Record<string, unknown> {
  return { address: formatAddress(ban.person), by: formatAddress(ban.by), reason: ban.reason, banned_at: ban.at };
}

/** One linked account in the answer to identity.list. */
export function identityLinkView(link: IdentityLinkRecord): Record<string, unknown> {
  return { address: formatAddress(link.address), linked_at: link.linkedAt, ...(link.account === undefined ? {} : { account: link.account }) };
}

function invitationView(invitation: RoomInvitation): Record<string, unknown> {
  return { room: formatAddress(invitation.room), from: formatAddress(invitation.from), ...(invitation.reason === "" ? {} : { reason: invitation.reason }) };
}

export const frames = {
  ok: (requestId: string | undefined, payload: Record<string, unknown> = {}): ServerFrame => ({ type: "ok", ...(requestId === undefined ? {} : { id: requestId }), ...payload }),
  error: (requestId: string | undefined, code: ErrorCode, message: string): ServerFrame => ({
    type: "error",
    ...(requestId === undefined ? {} : { id: requestId }),
    code,
    message,
  }),
  message: (message: Message): ServerFrame => ({ type: "message", message: messageView(message) }),
  messageFailed: (message: Message, recipient: Address, code: ErrorCode, reason: string): ServerFrame => ({
    type: "message.failed",
    message_id: message.id,
    to: formatAddress(recipient),
    code,
    reason,
  }),
  /** A direct message the user sent reached its recipient (`to`, as the message named them) at `timestamp`. */
  messageDelivered: (messageId: string, to: Address, timestamp: number): ServerFrame => ({ type: "message.delivered", message_id: messageId, to: formatAddress(to), timestamp }),
  /** An entry of the user's buddy list changed: as contact.list shows it now. */
  contact: (entry: PersonContactView, avatar?: HeardAvatar): ServerFrame => ({ type: "contact", contact: contactView(entry, avatar) }),
  /** The user's buddy list shows no entry at `address` any more. */
  contactRemoved: (address: Address): ServerFrame => ({ type: "contact.removed", address: formatAddress(address) }),
  /** The user blocked or unblocked an address from another session (handlers/block-handlers.ts). */
  blockChanged: (address: Address, blocked: boolean): ServerFrame => ({ type: "contact.blocked.changed", address: formatAddress(address), blocked }),
  presence: (presence: Presence, avatar?: HeardAvatar | null): ServerFrame => ({ type: "presence", ...presenceView(presence), ...(avatar === undefined ? {} : { avatar: avatarView(avatar) }) }),
  /** The user's own avatar changed in another of her sessions (null: cleared). */
  accountAvatar: (avatar: AvatarRef | null): ServerFrame => ({ type: "account.avatar", avatar: avatarView(avatar) }),
  subscription: (event: SubscriptionEvent): ServerFrame => ({ type: "subscription", from: formatAddress(event.from), action: event.action }),
  typing: (event: TypingEvent): ServerFrame => ({ type: "typing", from: formatAddress(event.from), state: event.state }),
  /** With `removal`, the member was put out (kicked, or banned: `banned`): by whom and why. */
  roomMember: (room: Address, event: "joined" | "left", member: RoomMember, removal?: RoomRemoval): ServerFrame => ({
    type: "room.member",
    room: formatAddress(room),
    event,
    member: memberView(member),
    ...(removal === undefined ? {} : removal.refused !== undefined ? { refused: { code: removal.refused, reason: removal.reason } } : { kicked: { by: removal.by, reason: removal.reason, ...(removal.ban === true ? { banned: true } : {}) } }),
  }),
  /**
   * A member took another nick (and, for an IRC user, another address): `renamed`; else another role: `role`.
   * `member` now, `previous` before.
   */
  roomMemberChange: (room: Address, member: RoomMember, changed: RoomMember): ServerFrame => ({
    type: "room.member",
    room: formatAddress(room),
    event: member.nick === changed.nick ? "role" : "renamed",
    member: memberView(changed),
    previous: memberView(member),
  }),
  roomSubject: (room: Address, subject: string, by: Address): ServerFrame => ({ type: "room.subject", room: formatAddress(room), subject, by: formatAddress(by) }),
  /** Someone invites the user into a room (`from` invites, `reason` only when given). */
  roomDestroyed: (room: Address, reason: string): ServerFrame => ({ type: "room.destroyed", room: formatAddress(room), ...(reason === "" ? {} : { reason }) }),

  roomInvitation: (invitation: RoomInvitation): ServerFrame => ({ type: "room.invitation", ...invitationView(invitation) }),
  /** Someone the user invited declined (`from` is the one invited). */
  roomInvitationDeclined: (decline: RoomInvitation): ServerFrame => ({ type: "room.invitation.declined", ...invitationView(decline) }),
  /** One of the user's accounts elsewhere was linked (its code came back from it) or unlinked. */
  identityLinked: (address: Address, linked: boolean): ServerFrame => ({ type: "identity.linked", address: formatAddress(address), linked }),
  identityCode: (address: Address, code: string, expiresAt: number): ServerFrame => ({ type: "identity.code", address: formatAddress(address), code, expires_at: expiresAt }),
  /** An admin's announcement to everyone online, or the message of the day (`motd`; `subject` only when the admin gave one). */
  announcement: (announcement: Announcement): ServerFrame => ({
    type: "announcement",
    from: formatAddress(announcement.from),
    ...(announcement.subject === undefined ? {} : { subject: announcement.subject }),
    body: announcement.body,
    timestamp: announcement.timestamp,
    ...(announcement.motd === true ? { motd: true } : {}),
  }),
};
