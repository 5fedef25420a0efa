/** The handler of every client frame type, and which frames need no session. */
import type { HandlerTable } from "../handler-environment.js";
import type { ClientFrameType } from "../client-frames.js";
import { hello, login, logout, ping, register } from "./session-handlers.js";
import { accountDelete, accountPassword, adminUserDelete } from "./account-handlers.js";
import { adminUserDisable, adminUserEnable, adminUserList } from "./admin-user-handlers.js";
import { adminAnnounce, adminMotdClear, adminMotdGet, adminMotdSet } from "./announcement-handlers.js";
import { contactAdd, contactList, contactRemove, presenceSet, subscription } from "./contact-handlers.js";
import { contactInfo } from "./contact-info-handlers.js";
import { contactBlock, contactBlocked, contactUnblock } from "./block-handlers.js";
import { accountAvatarClear, accountAvatarSet, avatarGet } from "./avatar-handlers.js";
import { history, messageSend, typing } from "./message-handlers.js";
import { messageRetract, roomRetract } from "./retract-handlers.js";
import { messageReact, roomReact } from "./react-handlers.js";
import { xmppLink, xmppUnlink } from "./link-handlers.js";
import { ircAccountList, ircAccountRemove, ircAccountSet } from "./puppet-account-handlers.js";
import { ircServerPasswordList, ircServerPasswordRemove, ircServerPasswordSet } from "./puppet-server-password-handlers.js";
import { ircNickList, ircNickSet } from "./puppet-nick-handlers.js";
import { roomDirectory } from "./room-directory-handlers.js";
import { bridgeAdd, bridgeList, bridgeRemove } from "./bridge-handlers.js";
import { gatewayStatus } from "./status-handlers.js";
import { identityConfirm, identityLink, identityList, identityUnlink } from "./identity-handlers.js";
import { roomBan, roomBans, roomUnban } from "./room-ban-handlers.js";
import { roomCreate, roomJoin, roomKick, roomLeave, roomList, roomMembers, roomNick, roomSend, roomSubject } from "./room-handlers.js";
import { roomDecline, roomInvite } from "./room-invitation-handlers.js";
import { roomConfigure, roomDestroy } from "./room-settings-handlers.js";

export const HANDLERS: HandlerTable = {
  hello,
  register,
  login,
  logout,
  ping,
  "account.password": accountPassword,
  "account.avatar.set": accountAvatarSet,
  "account.avatar.clear": accountAvatarClear,
  "avatar.get": avatarGet,
  "contact.list": contactList,
  "contact.add": contactAdd,
  "contact.remove": contactRemove,
  "contact.info": contactInfo,
  "contact.block": contactBlock,
  "contact.unblock": contactUnblock,
  "contact.blocked": contactBlocked,
  "presence.set": presenceSet,
  "presence.subscribe": subscription,
  "presence.approve": subscription,
  "presence.deny": subscription,
  "presence.unsubscribe": subscription,
  "message.send": messageSend,
  "message.retract": messageRetract,
  "message.react": messageReact,
  typing,
  history,
  "room.create": roomCreate,
  "room.join": roomJoin,
  "room.leave": roomLeave,
  "room.members": roomMembers,
  "room.list": roomList,
  "room.send": roomSend,
  "room.retract": roomRetract,
  "room.react": roomReact,
  "room.subject": roomSubject,
  "room.nick": roomNick,
  "room.kick": roomKick,
  "room.ban": roomBan,
  "room.unban": roomUnban,
  "room.bans": roomBans,
  "room.configure": roomConfigure,
  "room.destroy": roomDestroy,
  "room.invite": roomInvite,
  "room.decline": roomDecline,
  "xmpp.link": xmppLink,
  "xmpp.unlink": xmppUnlink,
  "irc.account.set": ircAccountSet,
  "irc.account.remove": ircAccountRemove,
  "irc.account.list": ircAccountList,
  "irc.server_password.set": ircServerPasswordSet,
  "irc.server_password.remove": ircServerPasswordRemove,
  "irc.server_password.list": ircServerPasswordList,
  "irc.nick.set": ircNickSet,
  "irc.nick.list": ircNickList,
  "room.directory": roomDirectory,
  "identity.link": identityLink,
  "identity.unlink": identityUnlink,
  "identity.list": identityList,
  "bridge.add": bridgeAdd,
  "bridge.remove": bridgeRemove,
  "bridge.list": bridgeList,
  "gateway.status": gatewayStatus,
  "identity.confirm": identityConfirm,
  "account.delete": accountDelete,
  "admin.user.delete": adminUserDelete,
  "admin.user.disable": adminUserDisable,
  "admin.user.enable": adminUserEnable,
  "admin.user.list": adminUserList,
  "admin.announce": adminAnnounce,
  "admin.motd.set": adminMotdSet,
  "admin.motd.get": adminMotdGet,
  "admin.motd.clear": adminMotdClear,
};

/** Frames allowed before login (after the hello handshake, except hello and ping themselves). */
export const WITHOUT_SESSION: ReadonlySet<ClientFrameType> = new Set(["hello", "ping", "register", "login"]);

