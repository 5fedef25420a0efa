/**
 * irc.account.set, irc.account.remove and irc.account.list: the session user's own services account on an IRC
 * network, which their puppet there logs in to (core/puppet-accounts.ts). The owner is always the session's user.
 * A refused set counts against the user like a failed login: each attempt is a password tried against the
 * network's services from the gateway's address, and unlimited tries would make the gateway a guessing proxy.
 */
import { hasErrorCode } from "../../../core/errors.js";
import type { Handler } from "../handler-environment.js";
import type { IrcAccountListFrame, IrcAccountRemoveFrame, IrcAccountSetFrame } from "../client-frames.js";
import { self } from "./contact-handlers.js";
import { limitedAttempt } from "./limited-attempts.js";

export const ircAccountSet: Handler<IrcAccountSetFrame> = async (session, frame, env) => {
  const owner = self(session);
  // Only a password the services refused counts: a network that is down or unknown says nothing about guessing.
  const counts = (error: unknown): boolean => hasErrorCode(error, "GW_ERR_AUTH_FAILED");
  const set = await limitedAttempt(env.loginLimiter, `irc-account:${owner.id}`, "too many refused accounts", counts, () =>
    env.services.puppetAccounts.set(owner, frame.network, { account: frame.account, password: frame.password }),
  );
  return { network: set.network, account: set.account };
};

export const ircAccountRemove: Handler<IrcAccountRemoveFrame> = async (session, frame, env) => {
  await env.services.puppetAccounts.remove(self(session), frame.network);
  return {};
};

export const ircAccountList: Handler<IrcAccountListFrame> = async (session, _frame, env) => {
  const accounts = await env.services.puppetAccounts.list(self(session));
  return { accounts: accounts.map(({ network, account, setAt }) => ({ network, account, set_at: setAt })) };
};
