/**
 * account.avatar.set, account.avatar.clear and avatar.get (core/avatars.ts, docs/protocol.md "Avatars"). The session
 * user sets or clears her own avatar: the gateway checks the picture (core/model/avatar.ts), keeps it and sends her
 * presence again, carrying the new hash, to everyone allowed to see it; her sessions are told by `account.avatar`.
 * avatar.get asks anyone's, with contact.info's checks (core/contact-info.ts `avatar`).
 */
import type { AvatarRef } from "../../../core/model/avatar.js";
import type { AccountAvatarClearFrame, AccountAvatarSetFrame, AvatarGetFrame } from "../client-frames.js";
import type { Handler, HandlerEnvironment } from "../handler-environment.js";
import { personAddress } from "../native-addresses.js";
import type { NativeSession } from "../session.js";
import { avatarView, frames } from "../server-frames.js";
import { self } from "./contact-handlers.js";

/** Her other sessions learn of it (the one that asked has the answer). */
function tellSessions(env: HandlerEnvironment, session: NativeSession, avatar: AvatarRef | null): void {
  if (session.user !== undefined) env.sessions.pushTo(session.user, frames.accountAvatar(avatar), session);
}

export const accountAvatarSet: Handler<AccountAvatarSetFrame> = async (session, frame, env) => {
  const avatar = await env.services.avatars.set(self(session), frame.mime_type, frame.data);
  tellSessions(env, session, avatar);
  return { avatar: avatarView(avatar) };
};

export const accountAvatarClear: Handler<AccountAvatarClearFrame> = async (session, _frame, env) => {
  await env.services.avatars.clear(self(session));
  tellSessions(env, session, null);
  return { avatar: null };
};

export const avatarGet: Handler<AvatarGetFrame> = async (session, frame, env) => {
  const avatar = await env.context.avatars.get(self(session), personAddress(frame.address));
  return { address: frame.address, avatar: avatar === undefined ? null : { type: avatar.type, hash: avatar.hash, data: avatar.data.toString("base64") } };
};
