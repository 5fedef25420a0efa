/**
 * Puppets logged in to their person's own services account (core/puppet-accounts.ts, docs/irc.md "Your own IRC
 * account"): what SASL a puppet's connection uses, and the check of new credentials before they are kept.
 *
 * - Only in puppet mode (relay mode has no puppets: GW_ERR_UNSUPPORTED).
 * - Only where the password does not cross the network in clear: TLS with the server's certificate verified, or
 *   a loopback host (a local TLS tunnel); else GW_ERR_FORBIDDEN. (The operator may run the gateway's own SASL over
 *   unverified TLS; people's passwords are not the operator's to risk.)
 * - The check is a connection of its own, registered with SASL PLAIN and quit at once: the services' answer
 *   (903, or 904 and the like: GW_ERR_AUTH_FAILED) is the proof; a server offering no SASL is GW_ERR_UNSUPPORTED.
 *   Checks take the puppets' connect turn (spaced like their connects) and at most ACCOUNT_CHECKS_PER_HOUR a
 *   network, whoever asks: however many people (or minted JIDs) ask, the network never sees a connection flood.
 * - A kept account the services refused at a puppet's connect is not tried again (it would fail the same way, each
 *   time a failed login from the gateway's address) until its person sets or removes it, or the gateway restarts.
 */
import { createHash } from "node:crypto";
import type { PuppetCredentials } from "../../core/adapter.js";
import { GatewayError, hasErrorCode } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { addressKey, type Address } from "../../core/model/address.js";
import { AttemptLimiter } from "../../util/attempt-limiter.js";
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

/**
 * A puppet's connect refused for the server password its person keeps (464, or ERROR before 001): told in words they
 * can act on, with the same code; any other error as it is.
 */
export function refusedServerPassword(error: unknown, network: string): unknown {
  if (!hasErrorCode(error, "GW_ERR_AUTH_FAILED")) return error;
  return new GatewayError("GW_ERR_AUTH_FAILED", `${network} refused your server password: set it again with irc.server_password.set, or remove it`, { cause: error });
}

/** Throws when puppets of this network cannot log in to accounts of their own. */
export function checkPuppetAccountsAllowed(config: IrcNetworkConfig): void {
  if (config.mode !== "puppets") throw new GatewayError("GW_ERR_UNSUPPORTED", `${config.name} is bridged in relay mode: there are no puppets to log in`);
  if (isLoopbackHost(config.host)) return;
  if (!config.tls.enabled) throw new GatewayError("GW_ERR_FORBIDDEN", `the gateway reaches ${config.name} without TLS: your password would cross the network in clear`);
  if (!config.tls.verify) throw new GatewayError("GW_ERR_FORBIDDEN", `the gateway does not verify ${config.name}'s certificate: your password could go to whoever stands between`);
}

export const ACCOUNT_CHECKS_PER_HOUR = 30;
const HOUR_MS = 60 * 60 * 1000;
/** Refused accounts remembered, at most: past it the memory starts again (each is then tried once more). */
const MAX_REFUSED = 10_000;

/** One network's account checks and the accounts its services refused at a puppet's connect. */
export class PuppetLogins {
  private readonly checks = new AttemptLimiter(ACCOUNT_CHECKS_PER_HOUR, HOUR_MS);
  /** Person key -> digest of the credentials the services refused. */
  private readonly refused = new Map<string, string>();

  constructor(
    private readonly config: IrcNetworkConfig,
    private readonly log: Logger,
  ) {}

  /** Checks new credentials on a connection of its own, run by `inTurn` (the puppets' connect turn). */
  async verify(nick: string, credentials: PuppetCredentials, inTurn: (run: () => Promise<void>) => Promise<void>): Promise<void> {
    checkPuppetAccountsAllowed(this.config);
    const retryAfter = this.checks.retryAfter("all");
    if (retryAfter > 0) throw new GatewayError("GW_ERR_RATE_LIMITED", `${this.config.name} has had ${ACCOUNT_CHECKS_PER_HOUR} account checks this hour; try again in ${Math.ceil(retryAfter / 1000)} s`, { retryable: true });
    this.checks.fail("all");
    await inTurn(() => verifyPuppetAccount(this.config, nick, credentials, this.log));
  }

  /** Throws, without connecting, when the services refused these very credentials of the person before. */
  checkNotRefused(person: Address, credentials: PuppetCredentials): void {
    if (this.refused.get(addressKey(person)) === digest(credentials)) {
      throw refusedAccount(new GatewayError("GW_ERR_AUTH_FAILED", "refused before"), this.config.name, credentials.account);
    }
  }

  /** The services refused the person's credentials at a puppet's connect. */
  markRefused(person: Address, credentials: PuppetCredentials): void {
    if (this.refused.size >= MAX_REFUSED) this.refused.clear();
    this.refused.set(addressKey(person), digest(credentials));
  }

  /** The person set or removed their account: whatever they keep now is tried. */
  forget(person: Address): void {
    this.refused.delete(addressKey(person));
  }
}

/** Remembers which credentials were refused without keeping the password itself. */
function digest(credentials: PuppetCredentials): string {
  return createHash("sha256").update(`${credentials.account}\0${credentials.password}`).digest("base64");
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
