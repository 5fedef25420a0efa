/**
 * xmpp.link and xmpp.unlink: the session user links or unlinks their own XMPP account. The owner is always the
 * session's user; the work is done by the core's AccountLinks service, so this adapter imports no other.
 * A failed link (a refused password, an unreachable or refused server) counts against the user like a failed
 * login: each attempt costs the gateway a real XMPP connection, to a server the user chose.
 */
import { hasErrorCode } from "../../../core/errors.js";
import type { Handler } from "../handler-environment.js";
import type { XmppLinkFrame, XmppUnlinkFrame } from "../client-frames.js";
import { self } from "./contact-handlers.js";
import { limitedAttempt } from "./limited-attempts.js";

export const xmppLink: Handler<XmppLinkFrame> = async (session, frame, env) => {
  const owner = self(session);
  // Every failed attempt counts, not only refused passwords: each makes the gateway connect where the user says.
  const counts = (error: unknown): boolean => !hasErrorCode(error, "GW_ERR_RATE_LIMITED");
  const linked = await limitedAttempt(env.loginLimiter, `xmpp-link:${owner.id}`, "too many failed links", counts, () =>
    env.services.links.link(owner, "xmpp", { login: frame.jid.normalize("NFC").toLowerCase(), password: frame.password, service: frame.service }),
  );
  return { account: linked.account, jid: linked.login, address_prefix: `${linked.network}://${linked.account}/` };
};

export const xmppUnlink: Handler<XmppUnlinkFrame> = async (session, _frame, env) => {
  await env.services.links.unlink(self(session), "xmpp");
  return {};
};
