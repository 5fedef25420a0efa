/**
 * contact.block, contact.unblock and contact.blocked (core/blocklist.ts, docs/protocol.md "Blocking"). The session
 * user's own list only; a change is pushed to her other sessions (`contact.blocked.changed`), as contact.add's are.
 */
import { formatAddress, type Address } from "../../../core/model/address.js";
import type { ContactBlockedFrame, ContactBlockFrame, ContactUnblockFrame } from "../client-frames.js";
import type { Handler, HandlerEnvironment } from "../handler-environment.js";
import { clientAddress } from "../native-addresses.js";
import type { NativeSession } from "../session.js";
import { frames } from "../server-frames.js";
import { self } from "./contact-handlers.js";

/** Her other sessions learn of it (the one that asked has the answer). */
function tellSessions(env: HandlerEnvironment, session: NativeSession, address: Address, blocked: boolean): void {
  if (session.user !== undefined) env.sessions.pushTo(session.user, frames.blockChanged(address, blocked), session);
}

export const contactBlock: Handler<ContactBlockFrame> = async (session, frame, env) => {
  const { address, added } = await env.services.blocklist.block(self(session), clientAddress(frame.address));
  if (added) tellSessions(env, session, address, true);
  return { address: formatAddress(address) };
};

export const contactUnblock: Handler<ContactUnblockFrame> = async (session, frame, env) => {
  const { address, removed } = await env.services.blocklist.unblock(self(session), clientAddress(frame.address));
  if (removed) tellSessions(env, session, address, false);
  return { address: formatAddress(address), removed };
};

export const contactBlocked: Handler<ContactBlockedFrame> = async (session, _frame, env) => ({
  blocked: env.services.blocklist.list(self(session)).map((address) => formatAddress(address)),
});
