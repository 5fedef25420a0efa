/**
 * admin.announce: an admin (config `admins`) shows every user online now an announcement, in every session
 * (core/announcements.ts checks the right and the text, and the native adapter pushes it, to the admin's own sessions
 * too). The answer says how many users and sessions it reached.
 */
import type { AdminAnnounceFrame } from "../client-frames.js";
import type { Handler } from "../handler-environment.js";
import { self } from "./contact-handlers.js";

export const adminAnnounce: Handler<AdminAnnounceFrame> = async (session, frame, env) => {
  const { users, sessions } = await env.context.userAdmin.announce(self(session), { body: frame.body, ...(frame.subject === undefined ? {} : { subject: frame.subject }) });
  return { users, sessions };
};
