/**
 * People's own server passwords for IRC servers on demand (docs/irc.md "Servers on demand"), as Biboumi's users
 * give each server they reach a `pass`: the person's puppet on that server sends it as PASS at each connect (a
 * server may forward it to its services as a login, InspIRCd's passforward; a bouncer takes it as its own). Servers
 * on demand only: a configured network's server password is its operator's (irc.networks[].password).
 *
 * - Set: the server is found by its host as for any setting of a person's (AdapterRegistry.network: connected for it
 *   as at a first use, with the same checks); its adapter says whether a secret of a person's may be sent there
 *   (Adapter.checkPuppetSecrets: TLS verified, or a loopback host); the password is then sealed (credential-box.ts,
 *   with owner and server as associated data), stored, and a connected puppet connects again with it. It is not
 *   tried first: servers tell a wrong password from a right one in no one way (many take any).
 * - Remove: the row is deleted, nothing connected for it; a connected puppet comes back without it.
 * - The adapter reads it at each puppet connect (AdapterContext.puppetServerPassword): after the server's idle
 *   teardown or a restart, its puppet sends it again.
 * It knows no protocol but the registry's name for IRC.
 */
import type { Adapter } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import type { CredentialBox } from "./credential-box.js";
import { GatewayError } from "./errors.js";
import { openKeptPuppetSecret } from "./kept-puppet-secret.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address } from "./model/address.js";
import type { PuppetServerPasswordStore } from "../store/store.js";
import { AttemptLimiter } from "../util/attempt-limiter.js";
import { SerialByKey } from "../util/serial-by-key.js";

const PROTOCOL = "irc";

export interface PuppetServerPassword {
  readonly network: string;
  readonly setAt: number;
}

export interface PuppetServerPasswordsOptions {
  /** Undefined: no credential key is configured, and passwords can be removed and listed but not set. */
  readonly box: CredentialBox | undefined;
  readonly store: PuppetServerPasswordStore;
  readonly registry: AdapterRegistry;
  readonly log: Logger;
  readonly now?: () => number;
}

function sealingContext(owner: Address, network: string): string {
  return `puppet-server-password ${addressKey(owner)} ${network}`;
}

/** Sets per person and hour, kept or not: each may connect the server, and reconnect the person's puppet. */
export const CHANGES_PER_HOUR = 10;
const HOUR_MS = 60 * 60 * 1000;
/** Anyone with a native account can be an owner: the memory their counts take is bounded. */
const MAX_COUNTED_OWNERS = 10_000;

export class PuppetServerPasswords {
  private readonly changes: AttemptLimiter;
  /** A person's sets and removes, one at a time, in the order asked. */
  private readonly turns = new SerialByKey();

  constructor(private readonly options: PuppetServerPasswordsOptions) {
    this.changes = new AttemptLimiter(CHANGES_PER_HOUR, HOUR_MS, () => this.now(), MAX_COUNTED_OWNERS);
  }

  /** Whether servers on demand are served: there are server passwords to keep, list and remove. */
  offered(): boolean {
    return this.options.registry.servesOnDemand(PROTOCOL);
  }

  /** Whether they can be set: offered, and a credential key is configured to seal them with. */
  settable(): boolean {
    return this.options.box !== undefined && this.offered();
  }

  /** Keeps `password` for the owner's puppet on the server on demand `network` (its host); resolves with the server's name. */
  set(owner: Address, network: string, password: string): Promise<PuppetServerPassword> {
    return this.turns.run(addressKey(owner), () => this.setNow(owner, network, password));
  }

  /** Forgets the owner's password for the server; GW_ERR_NOT_FOUND when none was kept. */
  remove(owner: Address, network: string): Promise<void> {
    return this.turns.run(addressKey(owner), () => this.removeNow(owner, network));
  }

  /** The servers the owner keeps a password for, passwords left out. */
  async list(owner: Address): Promise<PuppetServerPassword[]> {
    return (await this.options.store.listOf(owner)).map(({ network, setAt }) => ({ network, setAt }));
  }

  /**
   * The owner's password for the server, opened; undefined when none is kept. One kept that no longer opens (the
   * credential key changed or was removed) rejects with GW_ERR_AUTH_FAILED: the puppet does not connect without it.
   */
  async password(owner: Address, network: string): Promise<string | undefined> {
    // A host configured as a network since the password was kept: that server's password is the operator's now.
    if (!this.options.registry.isOnDemand(PROTOCOL, network)) return undefined;
    const record = await this.options.store.get(owner, network);
    if (!record) return undefined;
    return openKeptPuppetSecret(this.options.box, this.options.log, {
      owner,
      network,
      sealed: record.secret,
      context: sealingContext(owner, network),
      described: `your server password for ${network}`,
      logged: "server password",
      setFrame: "irc.server_password.set",
    });
  }

  private async setNow(owner: Address, network: string, password: string): Promise<PuppetServerPassword> {
    const { box, store, registry, log } = this.options;
    if (!box) throw new GatewayError("GW_ERR_UNSUPPORTED", "this gateway keeps no passwords: its operator set no credential key (xmpp.user_accounts.credential_key)");
    if (!registry.isOnDemand(PROTOCOL, network)) {
      if (registry.findNetwork(PROTOCOL, network) !== undefined) throw new GatewayError("GW_ERR_UNSUPPORTED", `the server password of ${network} is its operator's (irc.networks[].password): people set their own for IRC servers on demand only`);
      throw new GatewayError("GW_ERR_NO_ROUTE", `no IRC server on demand is called ${network}`);
    }
    const key = addressKey(owner);
    const retryAfter = this.changes.retryAfter(key);
    if (retryAfter > 0) throw new GatewayError("GW_ERR_RATE_LIMITED", `${CHANGES_PER_HOUR} server password changes an hour at most; try again in ${Math.ceil(retryAfter / 1000)} s`);
    // Counted before the server is connected for it (when it is not): a host that cannot be reached counts too.
    this.changes.fail(key);
    const adapter = await registry.network(PROTOCOL, network, owner);
    if (!adapter) throw new GatewayError("GW_ERR_NO_ROUTE", `no IRC server on demand is called ${network}`);
    if (!adapter.checkPuppetSecrets) throw new GatewayError("GW_ERR_UNSUPPORTED", `people have no server passwords of their own on ${adapter.account}`);
    adapter.checkPuppetSecrets();
    const record = { owner, network: adapter.account, secret: box.seal(password, sealingContext(owner, adapter.account)), setAt: this.now() };
    await store.put(record);
    log.info({ owner: key, network: adapter.account }, "puppet server password set");
    await this.tellAdapter(adapter, owner);
    return { network: record.network, setAt: record.setAt };
  }

  private async removeNow(owner: Address, network: string): Promise<void> {
    const { store, registry, log } = this.options;
    // Nothing is connected for it: the name is the one the password was kept under.
    const kept = (await store.listOf(owner)).find((record) => record.network.toLowerCase() === network.toLowerCase());
    if (!kept || !(await store.remove(owner, kept.network))) throw new GatewayError("GW_ERR_NOT_FOUND", `no server password of yours is kept for ${network}`);
    log.info({ owner: addressKey(owner), network: kept.network }, "puppet server password removed");
    const adapter = registry.findNetwork(PROTOCOL, kept.network);
    if (adapter) await this.tellAdapter(adapter, owner);
  }

  private async tellAdapter(adapter: Adapter, owner: Address): Promise<void> {
    try {
      await adapter.puppetAccountChanged?.(owner);
    } catch (error: unknown) {
      // Stored is stored: the puppet takes the change at its next connect.
      this.options.log.warn({ err: error, owner: addressKey(owner), network: adapter.account }, "puppet not connected again after its server password changed");
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
