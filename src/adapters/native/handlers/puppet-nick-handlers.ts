/**
 * irc.nick.set and irc.nick.list: the nick of the session user's own puppet on an IRC network, of their choosing
 * (core/puppet-nicks.ts; docs/irc.md "Your puppet's nick"). The person is always the session's user.
 */
import type { Handler } from "../handler-environment.js";
import type { IrcNickListFrame, IrcNickSetFrame } from "../client-frames.js";
import { self } from "./contact-handlers.js";

export const ircNickSet: Handler<IrcNickSetFrame> = async (session, frame, env) => {
  const set = await env.services.puppetNicks.set(self(session), frame.network, frame.name);
  return { network: set.network, nick: set.nick };
};

export const ircNickList: Handler<IrcNickListFrame> = async (session, _frame, env) => {
  return { nicks: env.services.puppetNicks.list(self(session)) };
};
