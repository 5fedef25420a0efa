/**
 * Puppets logged in to their person's own services account (core/puppet-accounts.ts, docs/irc.md "Your own IRC
 * account"): what SASL a puppet's connection uses, and the check of new credentials before they are kept.
 *
 * - Only in puppet mode (relay mode has no puppets: GW_ERR_UNSUPPORTED).
 * - Only where the password does not cross the network in clear: TLS, or a loopback host (a local TLS tunnel),
 *   the rule the configuration applies to the gateway's own SASL (config/cross-checks.ts): else GW_ERR_FORBIDDEN.
 * - The check is a connection of its own, registered with SASL PLAIN and quit at once: the services' answer
 *   (903, or 904 and the like: GW_ERR_AUTH_FAILED) is the proof; a server offering no SASL is GW_ERR_UNSUPPORTED.
 */
import type { PuppetCredentials } from "../../core/adapter.js";
import { GatewayError, hasErrorCode } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { IrcNetworkConfig } from "../../config/config-types.js";
import { isLoopbackHost } from "../../util/loopback.js";
import { IrcConnection } from "./irc-connection.js";
import type { IrcConnectionOptions } from "./irc-connection.js";
import { networkConnectionOptions } from "./network-connection-options.js";

/** The SASL options of a puppet whose person keeps an account here; none without one. */
export function puppetSasl(credentials: PuppetCredentials | undefined): Pick<IrcConnectionOptions, "sasl"> {
  return credentials === undefined ? {} : { sasl: { mechanism: "PLAIN", username: credentials.account, password: credentials.password } };
}

/**
 * A puppet's connect refused by the services (the password changed since it was kept): told to the person in
 * words they can act on, with the same code; any other error as it is.
 */
export function refusedAccount(error: unknown, network: string, account: string): unknown {
  if (!hasErrorCode(error, "GW_ERR_AUTH_FAILED")) return error;
  return new GatewayError("GW_ERR_AUTH_FAILED", `the services of ${network} refused your account ${account}: set it again with irc.account.set, or remove it`, { cause: error });
}

/** Throws when puppets of this network cannot log in to accounts of their own. */
export function checkPuppetAccountsAllowed(config: IrcNetworkConfig): void {
  if (config.mode !== "puppets") throw new GatewayError("GW_ERR_UNSUPPORTED", `${config.name} is bridged in relay mode: there are no puppets to log in`);
  if (!config.tls.enabled && !isLoopbackHost(config.host)) {
    throw new GatewayError("GW_ERR_FORBIDDEN", `the gateway reaches ${config.name} without TLS: your password would cross the network in clear`);
  }
}

/** Resolves once the network's services took the credentials; rejects with the coded reason otherwise. */
export async function verifyPuppetAccount(config: IrcNetworkConfig, nick: string, credentials: PuppetCredentials, log: Logger): Promise<void> {
  checkPuppetAccountsAllowed(config);
  const options = networkConnectionOptions(config, { nick, username: config.username, realname: "Switchboard account check", own: false }, log);
  let connection: IrcConnection;
  try {
    connection = await IrcConnection.connect({ ...options, ...puppetSasl(credentials) });
  } catch (error: unknown) {
    if (error instanceof GatewayError && error.condition === "SASL_UNAVAILABLE") {
      throw new GatewayError("GW_ERR_UNSUPPORTED", `${config.name} offers no SASL login now`, { cause: error });
    }
    // A credential the connection cannot even carry (NUL) is the user's, not the configuration's.
    if (hasErrorCode(error, "GW_ERR_CONFIG")) throw new GatewayError("GW_ERR_AUTH_FAILED", "that account or password cannot be sent to an IRC server", { cause: error });
    throw error;
  }
  await connection.quit("account checked").catch(() => undefined);
}
