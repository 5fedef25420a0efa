/**
 * People's own services accounts on IRC networks: a native user gives the account and password their puppet
 * (adapters/irc/puppet-pool.ts) is to log in to with SASL, so that on a network whose channels let only
 * registered users speak, or that shows who is who by account, their puppet is them. Biboumi and BitlBee let
 * their users do the same.
 *
 * - Set: the network's adapter tries the credentials first on a connection of its own; only once the services
 *   took them is the password sealed (credential-box.ts, with owner, network and account as associated data) and
 *   stored, and a connected puppet logs in again with it. A refused password stores nothing.
 * - Remove: the row is deleted and a connected puppet comes back without an account.
 * - The adapter reads the credentials at each puppet connect (AdapterContext.puppetAccount), so a restart
 *   changes nothing for the person.
 * It knows no protocol: the adapter of the network is found in the registry by its name (AdapterRegistry.network),
 * an IRC server on demand's too, connected for the check as at its first use and with the same checks (the attempt
 * counted before, reached or not); what is kept for such a server is read again each time it is connected (after its
 * idle teardown, or a restart).
 */
import type { Adapter, PuppetCredentials } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import type { CredentialBox } from "./credential-box.js";
import { GatewayError } from "./errors.js";
import { openKeptPuppetSecret } from "./kept-puppet-secret.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address } from "./model/address.js";
import type { PuppetAccountStore } from "../store/store.js";
import { AttemptLimiter } from "../util/attempt-limiter.js";
import { SerialByKey } from "../util/serial-by-key.js";

/** What the network of the account is: IRC networks, by their configured name or an on-demand server's host. */
const PROTOCOL = "irc";

export interface PuppetAccount {
  readonly network: string;
  readonly account: string;
  readonly setAt: number;
}

export interface PuppetAccountsOptions {
  /** Undefined: no credential key is configured, and accounts can be removed and listed but not set. */
  readonly box: CredentialBox | undefined;
  readonly store: PuppetAccountStore;
  readonly registry: AdapterRegistry;
  readonly log: Logger;
  readonly now?: () => number;
}

function sealingContext(owner: Address, network: string, account: string): string {
  return `puppet-account ${addressKey(owner)} ${network} ${account}`;
}

/** Attempts to set an account, per person and hour, refused or taken. */
export const SETS_PER_HOUR = 10;
const HOUR_MS = 60 * 60 * 1000;
/** Anyone reaching the XMPP component can be an owner: the memory their counts take is bounded. */
const MAX_COUNTED_OWNERS = 10_000;

export class PuppetAccounts {
  private readonly attempts: AttemptLimiter;
  /** A person's sets and removes, one at a time, in the order asked. */
  private readonly changes = new SerialByKey();

  constructor(private readonly options: PuppetAccountsOptions) {
    this.attempts = new AttemptLimiter(SETS_PER_HOUR, HOUR_MS, () => this.now(), MAX_COUNTED_OWNERS);
  }

  /**
   * Whether some network has puppets that can log in to accounts, a configured one or servers on demand (whose
   * puppets log in as a configured network's do): there are accounts to list and remove.
   */
  offered(): boolean {
    const { registry } = this.options;
    return registry.servesOnDemand(PROTOCOL) || registry.all().some((adapter) => adapter.capabilities.puppets && adapter.verifyPuppetAccount !== undefined && adapter.owner === undefined);
  }

  /** Whether accounts can be set: offered, and a credential key is configured to seal passwords with. */
  settable(): boolean {
    return this.options.box !== undefined && this.offered();
  }

  /**
   * Checks the credentials against the network's services, then keeps them for the owner's puppet there. A
   * person's changes run one at a time: of two sets at once, the one asked last is the one kept.
   */
  set(owner: Address, network: string, credentials: PuppetCredentials): Promise<PuppetAccount> {
    return this.changes.run(addressKey(owner), () => this.setNow(owner, network, credentials));
  }

  /** Forgets the owner's account on the network; GW_ERR_NOT_FOUND when there was none. */
  remove(owner: Address, network: string): Promise<void> {
    return this.changes.run(addressKey(owner), () => this.removeNow(owner, network));
  }

  private async setNow(owner: Address, network: string, credentials: PuppetCredentials): Promise<PuppetAccount> {
    const { box, store, log } = this.options;
    if (!box) throw new GatewayError("GW_ERR_UNSUPPORTED", "this gateway keeps no passwords: its operator set no credential key (xmpp.user_accounts.credential_key)");
    // Every attempt is a connection to the network from the gateway's address (and a taken one a reconnect of the
    // puppet): counted, taken or not, so that nobody can make the gateway look like a connection flood to a network.
    const key = addressKey(owner);
    const retryAfter = this.attempts.retryAfter(key);
    if (retryAfter > 0) throw new GatewayError("GW_ERR_RATE_LIMITED", `${SETS_PER_HOUR} account changes an hour at most; try again in ${Math.ceil(retryAfter / 1000)} s`);
    // A server on demand not connected yet is connected for it: counted before, so that a host that cannot be reached counts too.
    const connects = this.find(network) === undefined && this.options.registry.isOnDemand(PROTOCOL, network);
    if (connects) this.attempts.fail(key);
    const adapter = await this.adapterOf(network, owner);
    if (!adapter.verifyPuppetAccount) throw new GatewayError("GW_ERR_UNSUPPORTED", `people have no accounts of their own on ${adapter.account}`);
    if (!connects) this.attempts.fail(key);
    await adapter.verifyPuppetAccount(owner, credentials);
    const record = { owner, network: adapter.account, account: credentials.account, secret: box.seal(credentials.password, sealingContext(owner, adapter.account, credentials.account)), setAt: this.now() };
    await store.put(record);
    log.info({ owner: addressKey(owner), network: adapter.account, account: credentials.account }, "puppet account set");
    await this.tellAdapter(adapter.account, owner);
    return { network: record.network, account: record.account, setAt: record.setAt };
  }

  private async removeNow(owner: Address, network: string): Promise<void> {
    // A server on demand that is not connected is not connected for this: the name is the one it was kept under.
    const kept = (await this.options.store.listOf(owner)).find((record) => record.network.toLowerCase() === network.toLowerCase());
    const name = this.find(network)?.account ?? kept?.network ?? network;
    if (!(await this.options.store.remove(owner, name))) throw new GatewayError("GW_ERR_NOT_FOUND", `no account of yours is kept for ${network}`);
    this.options.log.info({ owner: addressKey(owner), network: name }, "puppet account removed");
    await this.tellAdapter(name, owner);
  }

  /** The owner's accounts, passwords left out. */
  async list(owner: Address): Promise<PuppetAccount[]> {
    return (await this.options.store.listOf(owner)).map(({ network, account, setAt }) => ({ network, account, setAt }));
  }

  /**
   * The owner's credentials on the network, opened; undefined when none are kept. One that is kept and no longer
   * opens (the credential key was changed or removed) rejects with GW_ERR_AUTH_FAILED: the puppet must not speak
   * without the account its person asked for, and the person is told what to do.
   */
  async credentials(owner: Address, network: string): Promise<PuppetCredentials | undefined> {
    const record = await this.options.store.get(owner, network);
    if (!record) return undefined;
    const password = openKeptPuppetSecret(this.options.box, this.options.log, {
      owner,
      network,
      sealed: record.secret,
      context: sealingContext(owner, network, record.account),
      described: `your IRC account on ${network}`,
      logged: "puppet account",
      setFrame: "irc.account.set",
    });
    return { account: record.account, password };
  }

  /** The network's adapter if it is registered (AdapterRegistry.findNetwork). */
  private find(network: string): Adapter | undefined {
    return this.options.registry.findNetwork(PROTOCOL, network);
  }

  /** The network's adapter, a server on demand's connected now for `owner` (AdapterRegistry.network). */
  private async adapterOf(network: string, owner: Address): Promise<Adapter> {
    const adapter = await this.options.registry.network(PROTOCOL, network, owner);
    if (!adapter) throw new GatewayError("GW_ERR_NO_ROUTE", `no IRC network is called ${network}`);
    return adapter;
  }

  private async tellAdapter(network: string, owner: Address): Promise<void> {
    try {
      await this.find(network)?.puppetAccountChanged?.(owner);
    } catch (error: unknown) {
      // Stored is stored: the puppet takes the change at its next connect.
      this.options.log.warn({ err: error, owner: addressKey(owner), network }, "puppet not logged in again after its account changed");
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
