/**
 * Opens a person's puppet connection: under the nick the person goes by on the network (core/name-claims.ts: the
 * template's, or the one they chose), logged in to their own services account when they keep one here
 * (puppet-logins.ts) and sending the server password they keep for it (an IRC server on demand's,
 * core/puppet-server-passwords.ts) instead of the network's, both read at each connect so that a restart changes
 * nothing for them, and sent only where a person's password may go (verified TLS, or a loopback host) as the network
 * is configured now: else the puppet does not connect (GW_ERR_FORBIDDEN) rather than send them in clear. Its user
 * name, and with the network's webirc block its host and IP, are the person's own (puppet-identity.ts).
 */
import type { AdapterContext } from "../../core/adapter.js";
import { hasErrorCode } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import type { IrcNetworkConfig } from "../../config/config-types.js";
import type { GatewayNicks } from "./gateway-nicks.js";
import { personName } from "./irc-addresses.js";
import { IrcConnection } from "./irc-connection.js";
import { networkConnectionOptions } from "./network-connection-options.js";
import type { PuppetIdentities } from "./puppet-identities.js";
import { checkPuppetAccountsAllowed, puppetSasl, refusedAccount, refusedServerPassword, type PuppetLogins } from "./puppet-logins.js";

export interface PuppetConnectParts {
  readonly config: IrcNetworkConfig;
  readonly context: AdapterContext;
  readonly nicks: GatewayNicks;
  readonly logins: PuppetLogins;
  readonly identities: PuppetIdentities;
}

export async function connectPuppet(parts: PuppetConnectParts, person: Address): Promise<IrcConnection> {
  const { config, context, nicks, logins, identities } = parts;
  const nick = await context.names.claim(person, nicks.puppetNickCandidates(person));
  const account = config.mode === "puppets" ? await context.puppetAccount(person) : undefined;
  const serverPassword = config.mode === "puppets" ? await context.puppetServerPassword(person) : undefined;
  // Checked again at each connect, not only when it was set: the network's TLS settings may have changed since (a
  // restart with other ones), and a person's password never crosses the network in clear (GW_ERR_FORBIDDEN).
  if (account !== undefined || serverPassword !== undefined) checkPuppetAccountsAllowed(config);
  if (account !== undefined) logins.checkNotRefused(person, account);
  const identity = await identities.of(person);
  const options = networkConnectionOptions(config, { nick, username: identity.username, realname: `${personName(person)} via Switchboard`, own: false }, context.log);
  const pass = serverPassword === undefined ? {} : { password: serverPassword };
  const webirc = identity.webirc === undefined ? {} : { webirc: identity.webirc };
  return IrcConnection.connect({ ...options, ...pass, ...webirc, ...puppetSasl(account) }).catch((error: unknown) => {
    identities.failed(error);
    if (account === undefined) throw serverPassword === undefined ? error : refusedServerPassword(error, context.account);
    if (hasErrorCode(error, "GW_ERR_AUTH_FAILED")) logins.markRefused(person, account);
    throw refusedAccount(error, context.account, account.account);
  });
}
