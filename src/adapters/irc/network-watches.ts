/**
 * What the gateway's own connection watches for the core, wired to it: the status of IRC users people have as
 * contacts (contact-watch.ts), reported as presences (presence-map.ts presenceFromIrc) with offline held
 * `presence_hold_seconds`, and the services accounts of linked nicks (account-watch.ts), reported as `account` events.
 */
import type { AdapterContext } from "../../core/adapter.js";
import type { IrcNetworkConfig } from "../../config/config-types.js";
import { HoldBack } from "../../util/flap-damper.js";
import { AccountWatch } from "./account-watch.js";
import { ContactWatch } from "./contact-watch.js";
import { ircAddress } from "./irc-addresses.js";
import { presenceFromIrc, sameUserState, type IrcUserState } from "./presence-map.js";

/** Contacts' status as presences, polled every `presence_poll_seconds`. */
export function contactWatch(config: IrcNetworkConfig, context: AdapterContext): ContactWatch {
  // Offline is held presence_hold_seconds: a contact back meanwhile never flips offline (util/flap-damper.ts).
  const reportPresence = (nick: string, state: IrcUserState): void =>
    context.dispatch({ type: "presence", presence: { from: ircAddress(context.account, nick), ...presenceFromIrc(state), priority: 0, since: Date.now() } });
  const presenceHold = new HoldBack<IrcUserState>(reportPresence, sameUserState);
  return new ContactWatch(
    config.presence_poll_seconds * 1000,
    (nick, state) => presenceHold.offer(nick.toLowerCase(), state, state.kind === "offline" ? config.presence_hold_seconds * 1000 : 0),
    (error) => context.log.warn({ err: error }, "contact status request not sent"),
  );
}

/** Linked nicks' services accounts, each change an `account` event. */
export function accountWatch(context: AdapterContext): AccountWatch {
  return new AccountWatch(
    (nick, account) => context.dispatch({ type: "account", address: ircAddress(context.account, nick), ...(account === undefined ? {} : { account }) }),
    (error) => context.log.warn({ err: error }, "WHOIS for a services account not sent"),
  );
}
