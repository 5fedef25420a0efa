/**
 * irc.server_password.set, irc.server_password.remove and irc.server_password.list: the session user's own server
 * password for an IRC server on demand, which their puppet there sends as PASS (core/puppet-server-passwords.ts).
 * The owner is always the session's user.
 */
import type { Handler } from "../handler-environment.js";
import type { IrcServerPasswordListFrame, IrcServerPasswordRemoveFrame, IrcServerPasswordSetFrame } from "../client-frames.js";
import { self } from "./contact-handlers.js";

export const ircServerPasswordSet: Handler<IrcServerPasswordSetFrame> = async (session, frame, env) => {
  const set = await env.services.puppetServerPasswords.set(self(session), frame.network, frame.password);
  return { network: set.network };
};

export const ircServerPasswordRemove: Handler<IrcServerPasswordRemoveFrame> = async (session, frame, env) => {
  await env.services.puppetServerPasswords.remove(self(session), frame.network);
  return {};
};

export const ircServerPasswordList: Handler<IrcServerPasswordListFrame> = async (session, _frame, env) => {
  const kept = await env.services.puppetServerPasswords.list(self(session));
  return { servers: kept.map(({ network, setAt }) => ({ network, set_at: setAt })) };
};
