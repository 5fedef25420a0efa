/**
 * A room's settings and its end, by its owner or an admin (core/room-settings.ts, core/room-destruction.ts):
 * `room.configure` changes what it is given and answers the settings as they are now (never the password, only
 * whether there is one); `room.destroy` removes the room for good, every member told by `room.destroyed`. Rooms of
 * this gateway only: a MUC joined through one's linked XMPP account is configured by its own service.
 */
import type { RoomSettingsView } from "../../../core/room-settings.js";
import type { RoomConfigureFrame, RoomDestroyFrame } from "../client-frames.js";
import type { Handler } from "../handler-environment.js";
import { self } from "./contact-handlers.js";
import { localRoom } from "./room-refs.js";

export function settingsFrameView(settings: RoomSettingsView): Record<string, unknown> {
  return { members_only: settings.membersOnly, password_protected: settings.passwordProtected, description: settings.description, public: settings.public };
}

export const roomConfigure: Handler<RoomConfigureFrame> = async (session, frame, env) => {
  const change = {
    ...(frame.members_only === undefined ? {} : { membersOnly: frame.members_only }),
    ...(frame.password === undefined ? {} : { password: frame.password }),
    ...(frame.description === undefined ? {} : { description: frame.description }),
    ...(frame.public === undefined ? {} : { public: frame.public }),
  };
  return { settings: settingsFrameView(await env.context.roomSettings.configure(localRoom(frame.room), self(session), change)) };
};

export const roomDestroy: Handler<RoomDestroyFrame> = async (session, frame, env) => {
  await env.context.roomSettings.destroy(localRoom(frame.room), self(session), frame.reason ?? "");
  return {};
};
