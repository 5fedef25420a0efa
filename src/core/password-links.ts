/**
 * Linking an account of another network to a native account with the native account's password, asked from that
 * other account: XMPP in-band registration with the gateway's domain (XEP-0077, adapters/xmpp/registration.ts;
 * docs/bridging.md "Linking accounts", the third way). Proof from both sides as with a code: the other network vouches
 * for the asker (the XMPP server stamps a stanza's sender, and the adapter speaks for its own network's people only),
 * and the password proves the native side.
 *
 * The password is checked as a native login checks it (core/accounts.ts), in the gateway's one limiter of failed
 * logins (core/login-limits.ts): per user name and asker, per remote over all names, and per user name over everyone
 * (the limit native logins count in too), so this is no faster a way to guess a password than a login. The remote of
 * an XMPP JID is its server's domain: a server can mint JIDs without end, as one address can try many names. A
 * disabled account is refused after the password, as at login. No account is made here: native accounts are made on
 * the native protocol or by the operator.
 */
import { checkPassword, refuseDisabled } from "./accounts.js";
import { GatewayError } from "./errors.js";
import type { IdentityService } from "./identities.js";
import type { Logger } from "./logger.js";
import { passwordAttempt } from "./login-limits.js";
import { canonicalUserName } from "./model/account-rules.js";
import { addressKey, DEFAULT_ACCOUNT, makeAddress, type Address } from "./model/address.js";
import type { AccountStore } from "../store/store.js";
import type { AttemptLimiter } from "../util/attempt-limiter.js";

export interface PasswordLinksOptions {
  readonly accounts: AccountStore;
  readonly identities: Pick<IdentityService, "linkProven" | "holder" | "unlink">;
  readonly limiter: AttemptLimiter;
  readonly log: Logger;
}

export class PasswordLinks {
  constructor(private readonly options: PasswordLinksOptions) {}

  /** The native user `address` is linked to (counting or not), or undefined. */
  linkedUser(address: Address): string | undefined {
    const holder = this.options.identities.holder(address);
    return holder?.protocol === "native" ? holder.id : undefined;
  }

  /**
   * Links `address`, asking from `remote` (the place its network says it speaks from: an XMPP server's domain), to
   * the native user `user` whose password is `password`. Resolves with the user's name (lower case) and whether the
   * link is new (false when the address was linked to them already: nothing changes). GW_ERR_RATE_LIMITED while a limit is reached (a right password too),
   * GW_ERR_AUTH_FAILED for a wrong name or password (counted), GW_ERR_ACCOUNT_DISABLED, and the refusals of
   * IdentityService.linkProven (GW_ERR_ALREADY_LINKED: the address is someone else's).
   */
  async link(address: Address, remote: string, user: string, password: string): Promise<{ readonly user: string; readonly linked: boolean }> {
    const name = canonicalUserName(user);
    const attempt = passwordAttempt(this.options.limiter, remote, name, addressKey(address));
    attempt.check();
    // Counted before the check, not after: a client may send many registrations at once (see PasswordAttempt.begin).
    attempt.begin();
    const account = await checkPassword(this.options.accounts, name, password);
    if (!account) {
      this.options.log.info({ address: addressKey(address), user: name }, "link by password refused: wrong user name or password");
      throw new GatewayError("GW_ERR_AUTH_FAILED");
    }
    attempt.passed();
    refuseDisabled(account);
    const linked = await this.options.identities.linkProven(makeAddress("native", DEFAULT_ACCOUNT, account.name), address);
    if (linked) this.options.log.info({ address: addressKey(address), user: account.name }, "linked by password");
    return { user: account.name, linked };
  }

  /** Unlinks `address` from whoever it is linked to, at once: resolves with their name; GW_ERR_NOT_FOUND when linked to nobody. */
  async unlink(address: Address): Promise<string> {
    const holder = this.options.identities.holder(address);
    if (holder === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `${addressKey(address)} is linked to nobody`);
    await this.options.identities.unlink(holder, address);
    return holder.id;
  }
}
