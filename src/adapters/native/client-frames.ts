/**
 * The frames a native client sends, as TypeScript types. Their JSON Schemas (frame-schemas.ts) are the
 * contract; these types describe what a frame looks like once it passed validation.
 * Field names are snake_case on the wire.
 */
export type ShowValue = "online" | "chat" | "away" | "xa" | "dnd";
export type KindValue = "text" | "action" | "notice";
/** A link to a file or image a message carries (core/model/attachments.ts). */
export interface AttachmentValue { readonly url: string; readonly description?: string }

interface Base {
  readonly id?: string;
}

export interface HelloFrame extends Base { readonly type: "hello"; readonly version: number; readonly client?: string; readonly features?: readonly string[] }
export interface RegisterFrame extends Base { readonly type: "register"; readonly user: string; readonly password: string; readonly display_name?: string }
export interface LoginFrame extends Base { readonly type: "login"; readonly user: string; readonly password: string }
export interface LogoutFrame extends Base { readonly type: "logout" }
export interface PingFrame extends Base { readonly type: "ping" }
export interface AccountPasswordFrame extends Base { readonly type: "account.password"; readonly old_password: string; readonly new_password: string }
export interface ContactListFrame extends Base { readonly type: "contact.list" }
export interface ContactAddFrame extends Base { readonly type: "contact.add"; readonly address: string; readonly name?: string }
export interface ContactRemoveFrame extends Base { readonly type: "contact.remove"; readonly address: string }
export interface ContactInfoFrame extends Base { readonly type: "contact.info"; readonly address: string }
export interface PresenceSetFrame extends Base { readonly type: "presence.set"; readonly show: ShowValue; readonly status?: string; readonly priority?: number }
export interface SubscriptionFrame extends Base {
  readonly type: "presence.subscribe" | "presence.approve" | "presence.deny" | "presence.unsubscribe";
  readonly address: string;
}
export interface MessageSendFrame extends Base {
  readonly type: "message.send";
  readonly to: string;
  readonly body: string;
  readonly attachments?: readonly AttachmentValue[];
  readonly kind?: KindValue;
  readonly replaces?: string;
  /** The gateway id of the message this one answers. */
  readonly reply_to?: string;
  readonly client_id?: string;
}
/** message.retract and room.retract: the sender unsays one of her messages of that conversation (XEP-0424's "unsend"). */
export interface MessageRetractFrame extends Base { readonly type: "message.retract"; readonly to: string; readonly message_id: string }
/** room.retract of another's message (or with a `reason`) is a moderator's: the room's owner or an admin. */
export interface RoomRetractFrame extends Base { readonly type: "room.retract"; readonly room: string; readonly message_id: string; readonly reason?: string }
/** message.react and room.react: the sender's whole set of reactions to one message of that conversation (XEP-0444). */
export interface MessageReactFrame extends Base { readonly type: "message.react"; readonly to: string; readonly message_id: string; readonly reactions: readonly string[] }
export interface RoomReactFrame extends Base { readonly type: "room.react"; readonly room: string; readonly message_id: string; readonly reactions: readonly string[] }
export interface TypingFrame extends Base { readonly type: "typing"; readonly to: string; readonly state: "composing" | "paused" | "active" }
export interface HistoryFrame extends Base { readonly type: "history"; readonly with?: string; readonly room?: string; readonly before?: string; readonly after?: string; readonly limit?: number }
export interface RoomCreateFrame extends Base { readonly type: "room.create"; readonly name: string; readonly subject?: string }
export interface RoomRefFrame extends Base {
  readonly type: "room.join" | "room.leave" | "room.members";
  readonly room: string;
  readonly nick?: string;
  /** room.join of an IRC channel bridged on demand: its key (+k). */
  readonly key?: string;
  /** room.join of a password-protected room of this gateway. */
  readonly password?: string;
}
export interface RoomConfigureFrame extends Base {
  readonly type: "room.configure";
  readonly room: string;
  readonly members_only?: boolean;
  readonly password?: string | null;
  readonly description?: string;
  readonly public?: boolean;
}
export interface RoomDestroyFrame extends Base { readonly type: "room.destroy"; readonly room: string; readonly reason?: string }
export interface RoomListFrame extends Base { readonly type: "room.list" }
export interface RoomDirectoryFrame extends Base { readonly type: "room.directory"; readonly network: string; readonly filter?: string; readonly after?: string; readonly max?: number }
export interface RoomSendFrame extends Base {
  readonly type: "room.send";
  readonly room: string;
  readonly body: string;
  readonly attachments?: readonly AttachmentValue[];
  readonly kind?: KindValue;
  readonly replaces?: string;
  /** The gateway id of the message this one answers. */
  readonly reply_to?: string;
  readonly client_id?: string;
}
export interface RoomNickFrame extends Base { readonly type: "room.nick"; readonly room: string; readonly nick: string }
export interface RoomKickFrame extends Base { readonly type: "room.kick"; readonly room: string; readonly member: string; readonly reason?: string }
export interface RoomBanFrame extends Base { readonly type: "room.ban"; readonly room: string; readonly member: string; readonly reason?: string }
export interface RoomUnbanFrame extends Base { readonly type: "room.unban"; readonly room: string; readonly member: string }
export interface RoomBansFrame extends Base { readonly type: "room.bans"; readonly room: string }
export interface RoomInviteFrame extends Base { readonly type: "room.invite"; readonly room: string; readonly to: string; readonly reason?: string }
export interface RoomDeclineFrame extends Base { readonly type: "room.decline"; readonly room: string; readonly inviter: string; readonly reason?: string }
export interface RoomSubjectFrame extends Base { readonly type: "room.subject"; readonly room: string; readonly subject: string }
export interface XmppLinkFrame extends Base { readonly type: "xmpp.link"; readonly jid: string; readonly password: string; readonly service: string }
export interface XmppUnlinkFrame extends Base { readonly type: "xmpp.unlink" }
export interface IrcAccountSetFrame extends Base { readonly type: "irc.account.set"; readonly network: string; readonly account: string; readonly password: string }
export interface IrcAccountRemoveFrame extends Base { readonly type: "irc.account.remove"; readonly network: string }
export interface IrcAccountListFrame extends Base { readonly type: "irc.account.list" }
export interface IrcServerPasswordSetFrame extends Base { readonly type: "irc.server_password.set"; readonly network: string; readonly password: string }
export interface IrcServerPasswordRemoveFrame extends Base { readonly type: "irc.server_password.remove"; readonly network: string }
export interface IrcServerPasswordListFrame extends Base { readonly type: "irc.server_password.list" }
export interface IrcNickSetFrame extends Base { readonly type: "irc.nick.set"; readonly network: string; readonly name: string }
export interface IrcNickListFrame extends Base { readonly type: "irc.nick.list" }
export interface IdentityLinkFrame extends Base { readonly type: "identity.link"; readonly address: string }
export interface IdentityUnlinkFrame extends Base { readonly type: "identity.unlink"; readonly address: string }
export interface IdentityListFrame extends Base { readonly type: "identity.list" }
export interface BridgeAddFrame extends Base {
  readonly type: "bridge.add";
  readonly room: string;
  readonly with: string;
  readonly nick?: string;
  readonly key?: string;
  readonly membership?: boolean;
}
export interface BridgeRemoveFrame extends Base { readonly type: "bridge.remove"; readonly with: string }
export interface BridgeListFrame extends Base { readonly type: "bridge.list" }
export interface GatewayStatusFrame extends Base { readonly type: "gateway.status" }
export interface IdentityConfirmFrame extends Base { readonly type: "identity.confirm"; readonly code: string }
export interface AccountAvatarSetFrame extends Base { readonly type: "account.avatar.set"; readonly mime_type: string; readonly data: string }
export interface AccountAvatarClearFrame extends Base { readonly type: "account.avatar.clear" }
export interface AvatarGetFrame extends Base { readonly type: "avatar.get"; readonly address: string }
export interface ContactBlockFrame extends Base { readonly type: "contact.block"; readonly address: string }
export interface ContactUnblockFrame extends Base { readonly type: "contact.unblock"; readonly address: string }
export interface ContactBlockedFrame extends Base { readonly type: "contact.blocked" }
export interface AccountDeleteFrame extends Base { readonly type: "account.delete"; readonly password: string }
export interface AdminUserDeleteFrame extends Base { readonly type: "admin.user.delete"; readonly name: string }
export interface AdminUserDisableFrame extends Base { readonly type: "admin.user.disable"; readonly name: string; readonly reason?: string }
export interface AdminUserEnableFrame extends Base { readonly type: "admin.user.enable"; readonly name: string }
export interface AdminUserListFrame extends Base { readonly type: "admin.user.list"; readonly after?: string }
export interface AdminAnnounceFrame extends Base { readonly type: "admin.announce"; readonly body: string; readonly subject?: string }
export interface AdminMotdSetFrame extends Base { readonly type: "admin.motd.set"; readonly body: string; readonly subject?: string }
export interface AdminMotdGetFrame extends Base { readonly type: "admin.motd.get" }
export interface AdminMotdClearFrame extends Base { readonly type: "admin.motd.clear" }

export type ClientFrame =
  | HelloFrame
  | RegisterFrame
  | LoginFrame
  | LogoutFrame
  | PingFrame
  | AccountPasswordFrame
  | AccountAvatarSetFrame
  | AccountAvatarClearFrame
  | AvatarGetFrame
  | ContactListFrame
  | ContactAddFrame
  | ContactRemoveFrame
  | ContactBlockFrame
  | ContactUnblockFrame
  | ContactBlockedFrame
  | ContactInfoFrame
  | PresenceSetFrame
  | SubscriptionFrame
  | MessageSendFrame
  | TypingFrame
  | HistoryFrame
  | RoomCreateFrame
  | RoomRefFrame
  | RoomKickFrame
  | RoomConfigureFrame
  | RoomDestroyFrame
  | RoomBanFrame
  | RoomUnbanFrame
  | RoomBansFrame
  | RoomInviteFrame
  | RoomDeclineFrame
  | RoomListFrame
  | RoomDirectoryFrame
  | RoomSendFrame
  | MessageRetractFrame
  | RoomRetractFrame
  | MessageReactFrame
  | RoomReactFrame
  | RoomSubjectFrame
  | RoomNickFrame
  | XmppLinkFrame
  | XmppUnlinkFrame
  | IrcAccountSetFrame
  | IrcAccountRemoveFrame
  | IrcAccountListFrame
  | IrcServerPasswordSetFrame
  | IrcServerPasswordRemoveFrame
  | IrcServerPasswordListFrame
  | IrcNickSetFrame
  | IrcNickListFrame
  | IdentityLinkFrame
  | IdentityUnlinkFrame
  | IdentityListFrame
  | BridgeAddFrame
  | BridgeRemoveFrame
  | BridgeListFrame
  | GatewayStatusFrame
  | IdentityConfirmFrame
  | AccountDeleteFrame
  | AdminUserDeleteFrame
  | AdminUserDisableFrame
  | AdminUserEnableFrame
  | AdminUserListFrame
  | AdminAnnounceFrame
  | AdminMotdSetFrame
  | AdminMotdGetFrame
  | AdminMotdClearFrame;

export type ClientFrameType = ClientFrame["type"];
