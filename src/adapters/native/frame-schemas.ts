/**
 * JSON Schemas (draft-07) of every client frame: the published contract of the native protocol.
 * docs/protocol.schema.json is generated from this file (`npm run schema`) and a unit test keeps the two equal.
 * Every frame is an object with `type`, an optional request `id` echoed in the answer, and no other keys than
 * its schema lists, so a client can never slip in a `from` or an `owner` and act as someone else.
 */
import { DISABLED_REASON_MAX_LENGTH } from "../../core/model/account-rules.js";
import type { ClientFrameType } from "./client-frames.js";
import { ACCOUNT_PAGE_MAX } from "../../core/account-listing.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../core/model/room-directory.js";
import { MAX_ROOM_DESCRIPTION } from "../../core/room-settings.js";
import { AVATAR_TYPES, MAX_AVATAR_BYTES } from "../../core/model/avatar.js";
import {
  address,
  announcementText,
  attachments,
  body,
  bodyOrAttachments,
  frame,
  kind,
  messageId,
  reactions,
  password,
  replyTo,
  room,
  roomNick,
  roomPassword,
  UNSAFE,
  UNSAFE_BUT_LINE_BREAKS,
  userName,
  type Schema,
} from "./frame-schema-parts.js";
import { BLOCK_FRAME_SCHEMAS } from "./block-frame-schemas.js";

/** The longest base64 text of an avatar of MAX_AVATAR_BYTES (without line breaks). */
const MAX_AVATAR_BASE64 = Math.ceil(MAX_AVATAR_BYTES / 3) * 4;

export const PROTOCOL_VERSION = 1;

export const CLIENT_FRAME_SCHEMAS: Readonly<Record<ClientFrameType, Schema>> = {
  hello: frame(
    "hello",
    {
      version: { type: "integer", minimum: 1 },
      client: { type: "string", maxLength: 128 },
      features: {
        type: "array",
        maxItems: 16,
        items: { type: "string", minLength: 1, maxLength: 64 },
        description: "Optional features the client asks for (receipts); the answer lists those granted, unknown names are left out",
      },
    },
    ["version"],
    "Version handshake; must be the first frame. Answered with the protocol version, the server's name, whether registration is open, and the limits in force now: max_frame_bytes, frames_per_second, burst, the per-user contacts, rooms_created and contact_requests_per_hour, invitations_per_hour (room invitations a user may make in an hour), and max_room_members",
  ),
  register: frame("register", { user: userName, password, display_name: { type: "string", minLength: 1, maxLength: 128 } }, ["user", "password"], "Creates an account"),
  login: frame("login", { user: userName, password }, ["user", "password"], "Starts a session as that user"),
  logout: frame("logout", {}, [], "Ends the session; the connection stays open"),
  ping: frame("ping", {}, [], "Keepalive; answered by pong"),
  "account.password": frame(
    "account.password",
    { old_password: { ...password, description: "The password the session user has now" }, new_password: { ...password, description: "The password from now on" } },
    ["old_password", "new_password"],
    "Changes the session user's password; their other sessions are closed (4001)",
  ),
  "account.avatar.set": frame(
    "account.avatar.set",
    {
      mime_type: { enum: [...AVATAR_TYPES], description: "The picture's MIME type (not `type`, which names the frame): its first bytes must be of this type" },
      data: { type: "string", minLength: 1, maxLength: MAX_AVATAR_BASE64, description: `The picture, base64: at most ${MAX_AVATAR_BYTES} bytes decoded` },
    },
    ["mime_type", "data"],
    "Sets the session user's avatar; answered with its type and SHA-1",
  ),
  "account.avatar.clear": frame("account.avatar.clear", {}, [], "Removes the session user's avatar"),
  "avatar.get": frame("avatar.get", { address }, ["address"], "A person's avatar, as far as the asker may see it (a native user's contacts; an XMPP user's XEP-0084 avatar, else her vCard PHOTO)"),
  "contact.list": frame("contact.list", {}, [], "The session user's buddy list with presence"),
  "contact.add": frame("contact.add", { address, name: { type: "string", minLength: 1, maxLength: 256 } }, ["address"], "Adds or renames a contact"),
  "contact.remove": frame("contact.remove", { address }, ["address"], "Removes a contact and every subscription with it"),
  "contact.info": frame("contact.info", { address }, ["address"], "What the person's network tells about them (an IRC WHOIS, an XMPP vCard)"),
  "presence.set": frame(
    "presence.set",
    { show: { enum: ["online", "chat", "away", "xa", "dnd"] }, status: { type: "string", maxLength: 1024 }, priority: { type: "integer", minimum: -128, maximum: 127 } },
    ["show"],
    "Sets the session's presence",
  ),
  "presence.subscribe": frame("presence.subscribe", { address }, ["address"], "Subscription by mutual consent"),
  "presence.approve": frame("presence.approve", { address }, ["address"]),
  "presence.deny": frame("presence.deny", { address }, ["address"]),
  "presence.unsubscribe": frame("presence.unsubscribe", { address }, ["address"]),
  "message.send": { ...frame("message.send", { to: address, body, attachments, kind, replaces: messageId, reply_to: replyTo, client_id: messageId }, ["to", "body"], "A direct message"), ...bodyOrAttachments },
  "message.retract": frame(
    "message.retract",
    { to: address, message_id: { ...messageId, description: "The gateway id of the sender's own message to retract" } },
    ["to", "message_id"],
    "Retracts (unsends) one of the user's own direct messages to `to`",
  ),
  "message.react": frame(
    "message.react",
    { to: address, message_id: { ...messageId, description: "The gateway id of the direct message with `to` reacted to" }, reactions },
    ["to", "message_id", "reactions"],
    "Sets the user's reactions (XEP-0444) to a direct message of the conversation with `to`: the whole set, which replaces the one before",
  ),
  typing: frame("typing", { to: address, state: { enum: ["composing", "paused", "active"] } }, ["to", "state"], "Typing notification"),
  history: frame(
    "history",
    { with: address, room, before: messageId, after: messageId, limit: { type: "integer", minimum: 1, maximum: 500, default: 50 } },
    [],
    "Stored messages with one person (with) or in one room (room)",
  ),
  "room.create": frame("room.create", { name: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" }, subject: { type: "string", maxLength: 1024 } }, ["name"]),
  "room.join": frame(
    "room.join",
    {
      room,
      nick: roomNick,
      key: { type: "string", minLength: 1, maxLength: 256, pattern: "^[^\\s,]+$", description: "The key (+k) of an IRC channel joined on demand, or the password of a MUC joined through the user's linked XMPP account" },
      password: { ...roomPassword, description: "The password of a password-protected room of this gateway (room.configure)" },
    },
    ["room"],
  ),
  "room.configure": frame(
    "room.configure",
    {
      room,
      members_only: { type: "boolean", description: "Only people allowed (invited by the owner or an admin, or members when it was set) may join" },
      password: { anyOf: [roomPassword, { type: "null" }], description: "A password asked at each join; null takes it away" },
      description: { type: "string", maxLength: MAX_ROOM_DESCRIPTION, pattern: `^[^${UNSAFE_BUT_LINE_BREAKS}]*$`, description: "One line (line breaks become spaces) saying what the room is for" },
      public: { type: "boolean", description: "Listed in room.list and on the XMPP domain (true), or hidden from everyone not in it (false)" },
    },
    ["room"],
    "The room's owner (or an admin) changes its settings; without any, reads them",
  ),
  "room.destroy": frame(
    "room.destroy",
    { room, reason: { type: "string", maxLength: 300, pattern: `^[^${UNSAFE}]*$`, description: "Why, shown to everyone in the room" } },
    ["room"],
    "The room's owner (or an admin) removes the room for good, with its members and its history",
  ),
  "room.leave": frame("room.leave", { room }, ["room"]),
  "room.members": frame("room.members", { room }, ["room"]),
  "room.nick": frame("room.nick", { room, nick: roomNick }, ["room", "nick"], "Another nick in a room the user is in"),
  "room.kick": frame(
    "room.kick",
    { room, member: address, reason: { type: "string", maxLength: 300, pattern: `^[^${UNSAFE}]*$`, description: "Why, shown to everyone in the room" } },
    ["room", "member"],
    "The room's owner (or an admin) puts a member out of the room",
  ),
  "room.ban": frame(
    "room.ban",
    { room, member: address, reason: { type: "string", maxLength: 300, pattern: `^[^${UNSAFE}]*$`, description: "Why, shown to everyone in the room and in room.bans" } },
    ["room", "member"],
    "The room's owner (or an admin) keeps a person out of the room, with their linked accounts, and puts them out if they are in",
  ),
  "room.unban": frame("room.unban", { room, member: address }, ["room", "member"], "The room's owner (or an admin) lets a banned person join again"),
  "room.bans": frame("room.bans", { room }, ["room"], "The people banned from a room, for its owner and the admins"),
  "room.invite": frame(
    "room.invite",
    {
      room,
      to: { ...address, description: "Whom to invite: native:bob, xmpp:juliet@example.org, irc://libera/bob" },
      reason: { type: "string", maxLength: 300, pattern: `^[^${UNSAFE}]*$`, description: "Why, shown to the one invited" },
    },
    ["room", "to"],
    "Invites someone of any network into a room the user is in (at most rooms.invitations_per_hour, 30 by default, an hour)",
  ),
  "room.decline": frame(
    "room.decline",
    {
      room,
      inviter: { ...address, description: "Who invited the user (the room.invitation's from)" },
      reason: { type: "string", maxLength: 300, pattern: `^[^${UNSAFE}]*$`, description: "Why, shown to the inviter" },
    },
    ["room", "inviter"],
    "Declines an invitation into a room of the last hour: the inviter is told, once",
  ),
  "room.list": frame("room.list"),
  "room.send": { ...frame("room.send", { room, body, attachments, kind, replaces: messageId, reply_to: replyTo, client_id: messageId }, ["room", "body"], "A message to a room"), ...bodyOrAttachments },
  "room.retract": frame(
    "room.retract",
    {
      room,
      message_id: { ...messageId, description: "The gateway id of the message to retract: the user's own, or anyone's for the room's owner or an admin" },
      reason: { type: "string", maxLength: 300, pattern: `^[^${UNSAFE}]*$`, description: "A moderator's reason, shown to everyone in the room; makes the retraction a moderation" },
    },
    ["room", "message_id"],
    "Retracts (unsends) one of the user's own messages in a room, or, by the room's owner or an admin of the gateway, anyone's (moderation)",
  ),
  "room.react": frame(
    "room.react",
    { room, message_id: { ...messageId, description: "The gateway id of the room's message reacted to" }, reactions },
    ["room", "message_id", "reactions"],
    "Sets the user's reactions (XEP-0444) to a message of a room she is in: the whole set, which replaces the one before",
  ),
  "room.subject": frame("room.subject", { room, subject: { type: "string", maxLength: 1024 } }, ["room", "subject"]),
  "xmpp.link": frame(
    "xmpp.link",
    {
      jid: { type: "string", minLength: 3, maxLength: 2047, pattern: "^[^\\s@/]+@[^\\s@/]+$", description: "The user's own bare JID, e.g. juliet@example.org" },
      password: { type: "string", minLength: 1, maxLength: 1024, description: "The XMPP account's password; stored encrypted" },
      service: { type: "string", maxLength: 1100, pattern: "^xmpps?://[^\\s/]+$", description: "xmpps://host:port (direct TLS) or xmpp://host:port (STARTTLS; plaintext only to loopback)" },
    },
    ["jid", "password", "service"],
    "Links the session user's own XMPP account: the gateway logs in as them and imports their roster",
  ),
  "xmpp.unlink": frame("xmpp.unlink", {}, [], "Unlinks the session user's XMPP account: logs out, removes its contacts, deletes the credentials"),
  "irc.account.set": frame(
    "irc.account.set",
    {
      network: { type: "string", minLength: 1, maxLength: 64, description: "A configured IRC network, by name (irc://<network>/...), or an IRC server on demand, by host" },
      account: { type: "string", minLength: 1, maxLength: 64, pattern: "^[^\\s\\u0000]+$", description: "The session user's services account there (the SASL authentication identity)" },
      password: { type: "string", minLength: 1, maxLength: 300, description: "The account's password; tried with the network's services first, then stored encrypted" },
    },
    ["network", "account", "password"],
    "The session user's own services account on an IRC network: their puppet there logs in to it (SASL PLAIN)",
  ),
  "irc.account.remove": frame(
    "irc.account.remove",
    { network: { type: "string", minLength: 1, maxLength: 64, description: "A network whose account irc.account.list shows" } },
    ["network"],
    "Forgets the session user's services account on an IRC network: their puppet there logs in to none",
  ),
  "irc.account.list": frame("irc.account.list", {}, [], "The session user's services accounts on IRC networks, without passwords"),
  "irc.server_password.set": frame(
    "irc.server_password.set",
    {
      network: { type: "string", minLength: 1, maxLength: 64, description: "An IRC server on demand, by host (irc://<host>/...)" },
      password: { type: "string", minLength: 1, maxLength: 300, pattern: "^[^\\u0000\\r\\n]+$", description: "The server password the session user's puppet sends there as PASS; stored encrypted" },
    },
    ["network", "password"],
    "The session user's own server password for an IRC server on demand: their puppet there sends it as PASS",
  ),
  "irc.server_password.remove": frame(
    "irc.server_password.remove",
    { network: { type: "string", minLength: 1, maxLength: 64, description: "A server whose password irc.server_password.list shows" } },
    ["network"],
    "Forgets the session user's server password for an IRC server on demand: their puppet there sends none",
  ),
  "irc.server_password.list": frame("irc.server_password.list", {}, [], "The IRC servers on demand the session user keeps a server password for, without the passwords"),
  "irc.nick.set": frame(
    "irc.nick.set",
    {
      network: { type: "string", minLength: 1, maxLength: 64, description: "A configured IRC network with puppets, by name (irc://<network>/...), or an IRC server on demand, by host" },
      name: {
        type: "string",
        maxLength: 64,
        description: "The {name} part of the session user's puppet nick there (the network's nick template makes the nick of it); \"\" returns to the default nick",
      },
    },
    ["network", "name"],
    "The nick of the session user's puppet on an IRC network, of their choosing: answered once a connected puppet has it on the network",
  ),
  "room.directory": frame(
    "room.directory",
    {
      network: { type: "string", minLength: 1, maxLength: 64, description: "A configured IRC network, by name (irc://<network>/...), or an IRC server on demand, by host" },
      filter: { type: "string", maxLength: 64, pattern: `^[^${UNSAFE}]*$`, description: "Only channels whose name contains this, compared without case" },
      after: { type: "string", minLength: 1, maxLength: 512, pattern: `^[^${UNSAFE}]+$`, description: "The `last` of the page before: the channels after it, by name" },
      max: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: "The most channels in the answer" },
    },
    ["network"],
    "The channels an IRC network lists (LIST), by name, a page at a time, with their members and topics; kept a minute by the gateway",
  ),
  "irc.nick.list": frame("irc.nick.list", {}, [], "The nick the session user's puppet has, or would be given, on each IRC network with puppets"),
  "identity.link": frame(
    "identity.link",
    { address: { ...address, description: "The session user's account on another network, e.g. xmpp:juliet@example.org or irc://libera/bob" } },
    ["address"],
    "Asks to link an account on another network to the session user: the gateway sends a one-time code there, to be sent back from that account",
  ),
  "identity.unlink": frame("identity.unlink", { address: { ...address, description: "A linked account, as identity.list gives it" } }, ["address"], "Unlinks one of the session user's linked accounts, at once"),
  "identity.list": frame("identity.list", {}, [], "The session user's linked accounts"),
  "bridge.add": frame(
    "bridge.add",
    {
      room: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description: "The native room at the hub (created when missing), by name" },
      with: { ...address, description: "The room of another network: irc://<network>/%23channel or xmpp://<bridge bot>/<MUC JID>" },
      nick: { type: "string", minLength: 1, maxLength: 64, pattern: `^[^\\s/${UNSAFE}]+$`, description: "The bridge bot's nick in the MUC (default switchboard); ignored on IRC" },
      // A MUC password may hold spaces; an IRC network refuses a key with a space or a comma itself.
      key: { type: "string", minLength: 1, maxLength: 256, pattern: `^[^${UNSAFE}]+$`, description: "The IRC channel's key (mode +k), or the MUC's password" },
      membership: { type: "boolean", description: "Relay joins and leaves in the remote room (default true, where its network relays them at all)" },
    },
    ["room", "with"],
    "Admins only: bridges a room of another network to a native room, now and after every restart",
  ),
  "bridge.remove": frame("bridge.remove", { with: { ...address, description: "The bridged room of the other network, as bridge.list gives it" } }, ["with"], "Admins only: removes a bridge added at runtime"),
  "bridge.list": frame("bridge.list", {}, [], "Admins only: every bridge, from the configuration file and added at runtime"),
  "gateway.status": frame("gateway.status", {}, [], "Admins only: each network's state, counts, and what waits in the outbox"),
  "identity.confirm": frame(
    "identity.confirm",
    { code: { type: "string", minLength: 1, maxLength: 64, description: "The code of an identity.code push, e.g. ABCD-EFGH (case and the dash do not matter)" } },
    ["code"],
    "Confirms a link asked for from the other account: links the account named in the identity.code push that carried this code",
  ),
  "account.delete": frame(
    "account.delete",
    { password: { ...password, description: "The account's password, asked again" } },
    ["password"],
    "Deletes the session user's account for good: every session of theirs is closed, contacts and rooms see them go, the name is free again",
  ),
  "admin.user.delete": frame(
    "admin.user.delete",
    { name: { ...userName, description: "The user whose account is deleted (not the admin's own, not another admin's)" } },
    ["name"],
    "Admins only: deletes another user's account, as account.delete does",
  ),
  "admin.user.disable": frame(
    "admin.user.disable",
    {
      name: { ...userName, description: "The user whose account is disabled (not the admin's own, not another admin's)" },
      reason: { type: "string", maxLength: DISABLED_REASON_MAX_LENGTH, pattern: `^[^${UNSAFE}]*$`, description: "The operators' note of why, kept with the account; never shown to the user" },
    },
    ["name"],
    "Admins only: disables another user's account: its sessions close, it cannot log in, and everything of it is kept",
  ),
  "admin.user.enable": frame(
    "admin.user.enable",
    { name: { ...userName, description: "The user whose disabled account may log in again" } },
    ["name"],
    "Admins only: enables a disabled account again",
  ),
  "admin.user.list": frame(
    "admin.user.list",
    { after: { ...userName, description: "The last name of the page before (its answer was truncated): the accounts after it, by name" } },
    [],
    `Admins only: the accounts by name, at most ${ACCOUNT_PAGE_MAX} at once, each with when it was made, whether it is online, and since when and why it is disabled`,
  ),
  "admin.announce": frame("admin.announce", announcementText, ["body"], "Admins only: shows an announcement at once to every user online now, in every session; nothing is kept for those offline"),
  "admin.motd.set": frame(
    "admin.motd.set",
    announcementText,
    ["body"],
    "Admins only: makes this the message of the day, kept across restarts: shown at once to every user online now, and to every user at each login until cleared",
  ),
  "admin.motd.get": frame("admin.motd.get", {}, [], "Admins only: the message of the day, if there is one"),
  "admin.motd.clear": frame("admin.motd.clear", {}, [], "Admins only: no message of the day from now on"),
  ...BLOCK_FRAME_SCHEMAS,
};

/** The whole protocol as one published JSON Schema document. */
export function protocolSchemaDocument(): Schema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://switchboard.invalid/schemas/native-protocol-v1.json",
    title: `Switchboard native protocol, version ${PROTOCOL_VERSION}: client frames`,
    definitions: CLIENT_FRAME_SCHEMAS,
    oneOf: Object.keys(CLIENT_FRAME_SCHEMAS).map((type) => ({ $ref: `#/definitions/${type}` })),
  };
}
