/**
 * Deleting a native account, as an XMPP server removes one (XEP-0077 section 3.2, RFC 6121 section 3.6 for the
 * subscriptions): the user themself (native `account.delete`) or an admin (`admin.user.delete`) asks; docs/protocol.md,
 * "Deleting an account", says what the people around them see.
 *
 * 1. The store begins the deletion (AccountRemovalStore.begin): in one statement the password is wiped and the account
 *    is found no more, so it can no longer log in, nor be written to, while its name stays taken.
 * 2. Every adapter lets go of the person (Adapter.personDeleted): their sessions are closed, their IRC puppets quit.
 * 3. What waits for them is reported failed to its senders (GW_ERR_UNKNOWN_RECIPIENT), also a direct message queued for
 *    one of their linked accounts.
 * 4. Their own XMPP account is unlinked and logged out (after a link or relink of it in progress), their identity links
 *    and IRC services accounts removed.
 * 5. They leave every room (its members see them leave); their buddy list goes as a contact.remove of each entry would
 *    go (each contact told: unsubscribe, unsubscribed, unavailable), and so do the entries others keep of them.
 * 6. The store removes what is left in one transaction, the account's row last (AccountRemovalStore.finish): what they
 *    sent that still waits is withdrawn, their direct messages go, their room messages stay (a MUC's history), their
 *    rooms stay for the others with nobody as owner, and their IRC nicks stay taken by nobody (DELETED_HOLDER).
 *
 * Steps 2 to 5 are done as well as they can be: a network that is down misses its notices (an XMPP contact's server
 * learns at its next probe, answered `unsubscribed`), and a failure is logged, not fatal. A crash after step 1 leaves a
 * deletion the next start finishes (`resume`). The name is free again once step 6 is done.
 */
import type { Adapter } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError } from "./errors.js";
import { linkedAccountName } from "./linked-accounts.js";
import type { Logger } from "./logger.js";
import { addressKey, DEFAULT_ACCOUNT, makeAddress, sameAddress, type Address } from "./model/address.js";
import type { Contact } from "./model/contact.js";
import type { Message } from "./model/message.js";
import { SerialByKey } from "../util/serial-by-key.js";
import type { AccountRemoval, AccountRemovalStore, IdentityLinkRecord } from "../store/store.js";

/** The native address of user `name`. */
export function userOf(name: string): Address {
  return makeAddress("native", DEFAULT_ACCOUNT, name);
}

/**
 * Who holds a deleted user's names on other networks (IRC puppets' nicks): an address nobody can have, since no user
 * name starts with "~" and no room's id does either.
 */
export function deletedHolder(name: string): Address {
  return makeAddress("native", DEFAULT_ACCOUNT, `~deleted~${name}`);
}

/** What the store removes, and what it tells the senders of what waited for the person (AccountRemovalStore.finish). */
export function accountRemoval(name: string, at: number): AccountRemoval {
  const person = userOf(name);
  return {
    person,
    ownNetworks: [{ protocol: "xmpp", account: linkedAccountName(person) }],
    namesHeldBy: deletedHolder(name),
    failure: { code: "GW_ERR_UNKNOWN_RECIPIENT", reason: `${addressKey(person)} was deleted` },
    at,
  };
}

export interface AccountDeletionDeps {
  readonly removals: AccountRemovalStore;
  readonly registry: AdapterRegistry;
  /** Admins (config `admins`) cannot be deleted: a name freed while the file still names it would make its next holder an admin. */
  readonly isAdmin: (address: Address) => boolean;
  readonly outbox: { failQueued(recipient: Address, error: GatewayError, which?: (message: Message) => boolean): Promise<void> };
  /** Unlinks every linked account of the owner, after the link or unlink of theirs in progress (LinkedAccounts.release). */
  readonly linkedAccounts: { release(owner: Address): Promise<void> };
  readonly identities: { links(person: Address): Promise<IdentityLinkRecord[]>; unlink(person: Address, address: Address): Promise<void> };
  readonly puppetAccounts: { list(owner: Address): Promise<readonly { readonly network: string }[]>; remove(owner: Address, network: string): Promise<void> };
  readonly rooms: { roomsOf(member: Address): Promise<Address[]>; leave(room: Address, member: Address): Promise<void> };
  readonly contacts: { list(owner: Address): Promise<Contact[]>; listByAddress(address: Address): Promise<Contact[]> };
  readonly roster: { remove(owner: Address, address: Address): Promise<void> };
  /** The store removed the rest: what the gateway keeps in memory of it is dropped, and the name is free again. */
  readonly removed: (name: string) => Promise<void>;
  readonly log: Logger;
  readonly now?: () => number;
}

export class AccountDeletion {
  private readonly running = new SerialByKey();

  constructor(private readonly deps: AccountDeletionDeps) {}

  /**
   * Deletes the account `name` (lower case) at the request of `by` (the user, or an admin): resolves once it is gone.
   * GW_ERR_FORBIDDEN for an admin's account, GW_ERR_NOT_FOUND when there is no such account (or it is being deleted).
   */
  async delete(name: string, by: Address): Promise<void> {
    const person = userOf(name);
    if (this.deps.isAdmin(person)) {
      throw new GatewayError("GW_ERR_FORBIDDEN", `${addressKey(person)} is an admin of this gateway: the operator takes it out of admins (and reloads) before it can be deleted`);
    }
    await this.running.run(name, async () => {
      if (!(await this.deps.removals.begin(name, this.now()))) throw new GatewayError("GW_ERR_NOT_FOUND", `no user ${name}`);
      this.deps.log.info({ user: name, by: addressKey(by) }, "account deletion begun: it can no longer log in");
      await this.complete(name, sameAddress(by, person) ? "account deleted" : "account deleted by an admin");
    });
  }

  /** Finishes the deletions a crash or a stop cut short (and those `switchboard user delete` began): at start. */
  async resume(): Promise<void> {
    for (const name of await this.deps.removals.unfinished()) {
      this.deps.log.info({ user: name }, "finishing an account deletion begun before the restart");
      await this.running.run(name, () => this.complete(name, "account deleted"));
    }
  }

  private async complete(name: string, reason: string): Promise<void> {
    const person = userOf(name);
    const { deps } = this;
    // Their own network last: other networks let go first (an IRC puppet quits saying why), before their sessions close
    // and their presence, offline, reaches those networks as a presence change.
    const own = deps.registry.for(person);
    for (const adapter of [...deps.registry.all().filter((other) => other !== own), ...(own === undefined ? [] : [own])]) {
      await this.tried(`${adapter.protocol}/${adapter.account} let go`, () => letGo(adapter, person, reason));
    }
    const gone = new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", `${addressKey(person)} was deleted`);
    await this.tried("waiting messages reported", () => deps.outbox.failQueued(person, gone));
    for (const link of await deps.identities.links(person)) {
      // A direct message to the person queued for this account of theirs: failed now, before the link goes.
      await this.tried("waiting messages reported", () => deps.outbox.failQueued(link.address, gone, (message) => message.scope === "direct" && sameAddress(message.to, person)));
      await this.tried("identity unlinked", () => deps.identities.unlink(person, link.address));
    }
    // Before the buddy list: a linked account's contacts are its own network's, never told anything by the gateway, so
    // its session must be gone first (a relink or link in progress is waited for, not skipped).
    await this.tried("linked accounts unlinked", () => deps.linkedAccounts.release(person));
    for (const account of await deps.puppetAccounts.list(person)) await this.tried("IRC account removed", () => deps.puppetAccounts.remove(person, account.network));
    for (const room of await deps.rooms.roomsOf(person)) await this.tried("room left", () => deps.rooms.leave(room, person));
    for (const entry of await deps.contacts.list(person)) await this.tried("contact removed", () => deps.roster.remove(person, entry.address));
    for (const entry of await deps.contacts.listByAddress(person)) await this.tried("entry of theirs removed", () => deps.roster.remove(entry.owner, person));
    if (!(await deps.removals.finish(name, accountRemoval(name, this.now())))) return;
    await deps.removed(name);
    deps.log.info({ user: name }, "account deleted");
  }

  /** One best-effort step: a failure is logged, and the deletion goes on (the store's removal is what must happen). */
  private async tried(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error: unknown) {
      this.deps.log.warn({ err: error }, `account deletion: ${what} failed; going on`);
    }
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

async function letGo(adapter: Adapter, person: Address, reason: string): Promise<void> {
  await adapter.personDeleted?.(person, reason);
}
