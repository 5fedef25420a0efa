/**
 * admin.announce: an admin (config `admins`) shows every user online now an announcement, in every session
 * (core/announcements.ts checks the right and the text, and the native adapter pushes it, to the admin's own sessions
 * too). The answer says how many users and sessions it reached. admin.motd.set, admin.motd.get and admin.motd.clear:
 * the message of the day (core/message-of-the-day.ts), shown at each login (session-handlers.ts) until cleared.
 */
import type { Announcement } from "../../../core/announcements.js";
import { formatAddress } from "../../../core/model/address.js";
import type { AdminAnnounceFrame, AdminMotdClearFrame, AdminMotdGetFrame, AdminMotdSetFrame } from "../client-frames.js";
import type { Handler } from "../handler-environment.js";
import { self } from "./contact-handlers.js";

export const adminAnnounce: Handler<AdminAnnounceFrame> = async (session, frame, env) => {
  const { users, sessions } = await env.context.userAdmin.announce(self(session), { body: frame.body, ...(frame.subject === undefined ? {} : { subject: frame.subject }) });
  return { users, sessions };
};

export const adminMotdSet: Handler<AdminMotdSetFrame> = async (session, frame, env) => {
  const text = { body: frame.body, ...(frame.subject === undefined ? {} : { subject: frame.subject }) };
  const { users, sessions } = await env.context.messageOfTheDay.set(self(session), text, { tellOnline: true });
  return { users, sessions };
};

/** The message of the day as admin.motd.get answers it: who set it and when, and its text. */
function motdPayload(motd: Announcement): Record<string, unknown> {
  return { from: formatAddress(motd.from), ...(motd.subject === undefined ? {} : { subject: motd.subject }), body: motd.body, timestamp: motd.timestamp };
}

export const adminMotdGet: Handler<AdminMotdGetFrame> = async (session, _frame, env) => {
  const motd = await env.context.messageOfTheDay.get(self(session));
  return motd === undefined ? {} : { motd: motdPayload(motd) };
};

export const adminMotdClear: Handler<AdminMotdClearFrame> = async (session, _frame, env) => {
  return { cleared: await env.context.messageOfTheDay.clear(self(session)) };
};
