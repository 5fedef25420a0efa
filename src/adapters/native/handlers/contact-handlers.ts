/** Buddy list and presence frames. The owner is always the session's own user: no frame names another. */
import { GatewayError } from "../../../core/errors.js";
import { mergePersons } from "../../../core/person-contacts.js";
import type { Address } from "../../../core/model/address.js";
import type { SubscriptionAction } from "../../../core/adapter.js";
import type { Handler } from "../handler-environment.js";
import type { ContactAddFrame, ContactListFrame, ContactRemoveFrame, PresenceSetFrame, SubscriptionFrame } from "../client-frames.js";
import type { NativeSession } from "../session.js";
import { clientAddress, personAddress } from "../native-addresses.js";
import { contactView } from "../server-frames.js";

/** The session's own address; handlers behind the authentication gate always have one. */
export function self(session: NativeSession): Address {
  if (session.address === undefined) throw new GatewayError("GW_ERR_NOT_AUTHENTICATED");
  return session.address;
}

export const contactList: Handler<ContactListFrame> = async (session, _frame, env) => {
  const contacts = mergePersons(await env.services.roster.list(self(session)), (address) => env.services.identities.personOf(address));
  return { contacts: contacts.map(contactView) };
};

export const contactAdd: Handler<ContactAddFrame> = async (session, frame, env) => {
  const contact = await env.services.roster.add(self(session), personAddress(frame.address), frame.name, env.services.limits.contacts);
  return { contact: contactView(contact) };
};

export const contactRemove: Handler<ContactRemoveFrame> = async (session, frame, env) => {
  await env.services.roster.remove(self(session), clientAddress(frame.address));
  return {};
};

export const presenceSet: Handler<PresenceSetFrame> = async (session, frame, env) => {
  const address = self(session);
  session.presence = { from: address, show: frame.show, status: frame.status ?? "", priority: frame.priority ?? 0, since: Date.now() };
  env.presenceChanged(session.user ?? address.id, address);
  return {};
};

const ACTIONS: Record<SubscriptionFrame["type"], SubscriptionAction> = {
  "presence.subscribe": "request",
  "presence.approve": "approve",
  "presence.deny": "deny",
  "presence.unsubscribe": "remove",
};

export const subscription: Handler<SubscriptionFrame> = async (session, frame, env) => {
  const from = self(session);
  const to = personAddress(frame.address);
  const action = ACTIONS[frame.type];
  if (action === "request") {
    if (!(await env.context.knows(to))) throw new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", "nobody is known at that address");
    // Within the user's hourly budget of requests (native.limits), and the entry within their contacts.
    await env.services.limits.request(from, to, async () => {
      await env.services.roster.add(from, to, undefined, env.services.limits.contacts);
      await env.services.roster.handle({ from, to, action });
    });
    return {};
  }
  await env.services.roster.handle({ from, to, action });
  return {};
};
