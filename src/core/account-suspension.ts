/**
 * Disabling a native account and enabling it again, as ejabberd's ban_account and XEP-0133's disable-user do: an
 * abusive or compromised account stops at once and keeps everything of its own. Asked by an admin (native
 * admin.user.disable / admin.user.enable, XEP-0133 disable-user / reenable-user) or by the operator with the gateway
 * stopped (`switchboard user disable|enable`, cli/user-suspension.ts); docs/protocol.md, "Disabling an account", says
 * what everyone sees.
 *
 * Disabling: the store marks the account first (AccountStore.setDisabled), so that no login passes from then on
 * (core/accounts.ts refuseDisabled); then every adapter lets go of the person (Adapter.personDisabled, or personDeleted
 * where it has no other way: their sessions close with 4001, their IRC puppets quit; the offline presence reaches their
 * contacts), and their linked XMPP accounts log out. Their buddy list, rooms, links, IRC accounts, nicks and credentials
 * all stay; messages to them wait as for someone offline, and their senders are told nothing.
 *
 * Enabling: the mark goes, and what was stopped may come back: a puppet may connect for them again, their linked
 * accounts log in again as at a start. Nothing else is done: their next login is what brings them back online.
 */
import type { Adapter } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import { userOf } from "./account-deletion.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { disabledReasonProblem } from "./model/account-rules.js";
import { addressKey, type Address } from "./model/address.js";
import { SerialByKey } from "../util/serial-by-key.js";
import type { AccountRecord, AccountSuspension } from "../store/store.js";

/** What a disabled user's sessions are closed with, and what their puppets quit saying. */
export const ACCOUNT_DISABLED_REASON = "account disabled";

export interface AccountSuspensionDeps {
  readonly accounts: {
    get(name: string): Promise<AccountRecord | undefined>;
    setDisabled(name: string, suspension: AccountSuspension | undefined): Promise<boolean>;
  };
  readonly registry: AdapterRegistry;
  /** Admins (config `admins`) are never disabled: the operator takes them out of admins first, as for a deletion. */
  readonly isAdmin: (address: Address) => boolean;
  readonly linkedAccounts: { suspend(owner: Address): Promise<void>; resume(owner: Address): Promise<void> };
  readonly log: Logger;
  readonly now?: () => number;
}

/**
 * Why the account of `target` may not be disabled, or undefined when it may: an admin's never is, and a reason must
 * be short plain text. Pure.
 */
export function disableRefusal(target: Address, reason: string, isAdmin: (address: Address) => boolean): GatewayError | undefined {
  if (isAdmin(target)) {
    return new GatewayError("GW_ERR_FORBIDDEN", `${addressKey(target)} is an admin of this gateway: the operator takes it out of admins (and reloads) before it can be disabled`);
  }
  const problem = disabledReasonProblem(reason);
  return problem === undefined ? undefined : new GatewayError("GW_ERR_BAD_FRAME", problem);
}

export class AccountSuspensions {
  private readonly running = new SerialByKey();

  constructor(private readonly deps: AccountSuspensionDeps) {}

  /**
   * Disables the account `name` (lower case) at the request of `by`: resolves once its sessions are closed and its
   * puppets and linked accounts gone. GW_ERR_FORBIDDEN for an admin's account, GW_ERR_NOT_FOUND for no such account.
   * Disabling a disabled account keeps its first time and reason, and lets go of anything of theirs again.
   */
  async disable(name: string, by: Address, reason = ""): Promise<void> {
    const person = userOf(name);
    const refusal = disableRefusal(person, reason, this.deps.isAdmin);
    if (refusal !== undefined) throw refusal;
    await this.running.run(name, async () => {
      if (!(await this.deps.accounts.setDisabled(name, { at: this.now(), reason }))) throw new GatewayError("GW_ERR_NOT_FOUND", `no user ${name}`);
      this.deps.log.info({ user: name, by: addressKey(by), reason }, "account disabled: it can no longer log in");
      // Their own network last, as for a deletion: a puppet quits saying why before the offline presence reaches it.
      const own = this.deps.registry.for(person);
      for (const adapter of [...this.deps.registry.all().filter((other) => other !== own), ...(own === undefined ? [] : [own])]) {
        await this.tried(`${adapter.protocol}/${adapter.account} let go`, () => letGo(adapter, person));
      }
      await this.tried("linked accounts logged out", () => this.deps.linkedAccounts.suspend(person));
    });
  }

  /** Enables the account `name` again; GW_ERR_NOT_FOUND for no such account. An account not disabled is left as it is. */
  async enable(name: string, by: Address): Promise<void> {
    const person = userOf(name);
    await this.running.run(name, async () => {
      const account = await this.deps.accounts.get(name);
      if (account === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `no user ${name}`);
      if (account.disabled === undefined) return;
      if (!(await this.deps.accounts.setDisabled(name, undefined))) throw new GatewayError("GW_ERR_NOT_FOUND", `no user ${name}`);
      this.deps.log.info({ user: name, by: addressKey(by) }, "account enabled again");
      for (const adapter of this.deps.registry.all()) adapter.personRegistered?.(person);
      await this.tried("linked accounts logged in", () => this.deps.linkedAccounts.resume(person));
    });
  }

  /** One best-effort step: the store's mark is what must happen; a network that fails to let go is logged. */
  private async tried(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error: unknown) {
      this.deps.log.warn({ err: error }, `account suspension: ${what} failed; going on`);
    }
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

async function letGo(adapter: Adapter, person: Address): Promise<void> {
  if (adapter.personDisabled) await adapter.personDisabled(person, ACCOUNT_DISABLED_REASON);
  else await adapter.personDeleted?.(person, ACCOUNT_DISABLED_REASON);
}
