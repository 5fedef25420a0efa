/**
 * identity.link, identity.unlink, identity.list and identity.confirm: the session user links their accounts on other networks to
 * themselves, with proof (core/identities.ts). The person is always the session's user, never a field of the
 * frame: a session can only ask for a code to be sent *for itself*, and the link exists only once that code
 * comes back from the other account. The core checks the rest (no native address, a network that can send
 * the code, not linked already) and rate-limits the codes; its errors are the answers.
 */
import { GatewayError } from "../../../core/errors.js";
import { formatAddress, type Address } from "../../../core/model/address.js";
import type { Handler } from "../handler-environment.js";
import type { IdentityConfirmFrame, IdentityLinkFrame, IdentityListFrame, IdentityUnlinkFrame } from "../client-frames.js";
import { clientAddress, personAddress } from "../native-addresses.js";
import { identityLinkView } from "../server-frames.js";
import { self } from "./contact-handlers.js";

/** What starts an IRC channel name (RFC 2812 CHANTYPES and the common ones); a nick never starts with one. */
const IRC_CHANNEL_PREFIXES = "#&+!";

/**
 * The account to send a code to: a person's address (case folded, no native room, no XMPP resource), and an
 * account rather than a place: no IRC channel (the code would be posted to everybody in it) and no XMPP JID
 * without a local part (a server or a service, such as a gateway's own domain).
 */
export function linkableAddress(text: string): Address {
  const address = personAddress(text);
  if (address.protocol === "irc" && IRC_CHANNEL_PREFIXES.includes(address.id.charAt(0))) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${text} is a channel: link a nick, such as irc://libera/bob`);
  }
  if (address.protocol === "xmpp" && !address.id.includes("@")) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${text} is a server, not an account: link a bare JID, such as xmpp:juliet@example.org`);
  }
  return address;
}

export const identityLink: Handler<IdentityLinkFrame> = async (session, frame, env) => {
  const address = linkableAddress(frame.address);
  const { expiresAt } = await env.services.identities.request(self(session), address);
  return { address: formatAddress(address), expires_at: expiresAt };
};

export const identityUnlink: Handler<IdentityUnlinkFrame> = async (session, frame, env) => {
  await env.services.identities.unlink(self(session), clientAddress(frame.address));
  return {};
};

export const identityList: Handler<IdentityListFrame> = async (session, _frame, env) => {
  const identities = env.services.identities;
  const links = await identities.links(self(session));
  // counts: whether the account is the user now (a bound link counts only while logged in to its account).
  return { links: links.map((link) => ({ ...identityLinkView(link), counts: identities.personOf(link.address) !== undefined })) };
};

/** A code that reached this user's sessions (identity.code) because an account asked to be linked to them. */
export const identityConfirm: Handler<IdentityConfirmFrame> = async (session, frame, env) => {
  const address = await env.services.identities.confirm(self(session), frame.code);
  return { address: formatAddress(address) };
};
