/** Buddy list and presence frames. The owner is always the session's own user: no frame names another. */
import { GatewayError } from "../../../core/errors.js";
import { mergePersons } from "../../../core/person-contacts.js";
import { sameAddress, type Address } from "../../../core/model/address.js";
import { receivesPresence, type Contact } from "../../../core/model/contact.js";
import type { SubscriptionAction } from "../../../core/adapter.js";
import type { Handler, HandlerEnvironment } from "../handler-environment.js";
import type { ContactAddFrame, ContactListFrame, ContactRemoveFrame, PresenceSetFrame, SubscriptionFrame } from "../client-frames.js";
import type { NativeSession } from "../session.js";
import { clientAddress, personAddress } from "../native-addresses.js";
import { contactView, entryAvatar } from "../server-frames.js";
import { presenceSeenBy } from "../presence-viewers.js";
import type { PersonContactView } from "../../../core/person-contacts.js";

/** The session's own address; handlers behind the authentication gate always have one. */
export function self(session: NativeSession): Address {
  if (session.address === undefined) throw new GatewayError("GW_ERR_NOT_AUTHENTICATED");
  return session.address;
}

/** An entry of `owner`'s list with its contact's avatar where she sees it: a client knows every picture at login, not only at a change. */
async function entryView(owner: Address, entry: PersonContactView, env: HandlerEnvironment): Promise<Record<string, unknown>> {
  const mayView = async (person: Address): Promise<boolean> => (await presenceSeenBy(env.context, env.services.blocklist, person, owner)) !== undefined;
  return contactView(entry, await entryAvatar(entry, (person) => env.context.avatars.refOf(person), mayView, (person) => env.context.avatars.heardOf(person)));
}

export const contactList: Handler<ContactListFrame> = async (session, _frame, env) => {
  const contacts = mergePersons(await env.services.roster.list(self(session)), (address) => env.services.identities.personOf(address));
  return { contacts: await Promise.all(contacts.map((entry) => entryView(self(session), entry, env))) };
};

/**
 * An XMPP address is added through the user's own linked account when they have one (Roster.routeFor), and the
 * answer names the entry so made. There, as on the network itself (RFC 6121 section 3.1, BitlBee's `add`), adding
 * someone also asks for their presence, unless the user sees it or asked already: a request like presence.subscribe's,
 * counted in the same hourly budget.
 */
export const contactAdd: Handler<ContactAddFrame> = async (session, frame, env) => {
  const owner = self(session);
  const { roster, limits } = env.services;
  const address = roster.routeFor(owner, personAddress(frame.address));
  // A JID of the gateway's own XMPP domain would be asked for presence through the XMPP server, and answer as a stranger.
  env.context.checkNotStandIn(address);
  const add = (): Promise<Contact> => roster.add(owner, address, frame.name, limits.contacts);
  const existing = await roster.entryOf(owner, address);
  const asks = roster.keptOnNetwork(owner, address) && !(existing?.pendingOut === true || receivesPresence(existing?.subscription ?? "none"));
  if (!asks) return { contact: await entryView(owner, await add(), env) };
  let added: Contact | undefined;
  // One change of the list, shown to the user's sessions once (core/buddy-list-changes.ts).
  await limits.request(owner, address, () =>
    roster.together([owner, address], async () => {
      added = await add();
      await roster.handle({ from: owner, to: address, action: "request" });
    }),
  );
  const contact = (await roster.entryOf(owner, address)) ?? added;
  if (!contact) throw new GatewayError("GW_ERR_INTERNAL", "the contact was added but is not in the list");
  return { contact: await entryView(owner, contact, env) };
};

/** The entry at the address as written (one made before the user linked an account); else the one contact.add made. */
export const contactRemove: Handler<ContactRemoveFrame> = async (session, frame, env) => {
  const owner = self(session);
  const { roster } = env.services;
  const written = clientAddress(frame.address);
  const routed = roster.routeFor(owner, written);
  const address = !sameAddress(routed, written) && (await roster.entryOf(owner, written)) === undefined ? routed : written;
  await roster.remove(owner, address);
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
  const action = ACTIONS[frame.type];
  // A request adds the address to the list, as contact.add does: through the user's own account when they have one.
  const to = action === "request" ? env.services.roster.routeFor(from, personAddress(frame.address)) : personAddress(frame.address);
  // What grants or asks for presence is refused for a stand-in, as contact.add is. What ends a subscription is taken:
  // it clears an entry made before that (and the other side's mirror of it, where the XMPP server hands it back).
  if (action === "request" || action === "approve") env.context.checkNotStandIn(to);
  if (action === "request") {
    if (!(await env.context.knows(to))) throw new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", "nobody is known at that address");
    // Within the user's hourly budget of requests (native.limits), and the entry within their contacts.
    await env.services.limits.request(from, to, () =>
      env.services.roster.together([from, to], async () => {
        await env.services.roster.add(from, to, undefined, env.services.limits.contacts);
        await env.services.roster.handle({ from, to, action });
      }),
    );
    return {};
  }
  await env.services.roster.handle({ from, to, action });
  return {};
};
