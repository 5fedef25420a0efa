/**
 * Linked accounts: a person's own account on another network (their XMPP account), run by the gateway for
 * them, the BitlBee model. This service links (log in first, and only once that worked store the sealed
 * password and keep the adapter), links the same account again with new credentials (tried beside the running
 * session first, so that a wrong password changes nothing), unlinks (stop, forget the contacts, delete the
 * credentials), logs out and back in the accounts of a user disabled and enabled again (core/account-suspension.ts) and,
 * at start, brings back every stored account but a disabled user's. It knows no protocol: adapters come from a factory per network, given by
 * the composition root, so that the native adapter can offer link frames without importing another adapter.
 *
 * One account per person and network; its adapter account is `u.<native user name>` (linkedAccountName).
 * Passwords are sealed by credential-box.ts with the owner, network and login as associated data.
 */
import type { Adapter } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import type { CredentialBox } from "./credential-box.js";
import { GatewayError, toGatewayError } from "./errors.js";
import type { KeptOwnRooms, RoomToRejoin } from "./kept-own-rooms.js";
import type { Logger } from "./logger.js";
import { addressKey, DEFAULT_ACCOUNT, makeAddress, PROTOCOLS, sameAddress, type Address, type ProtocolId } from "./model/address.js";
import type { Supervisor } from "./supervisor.js";
import type { ContactStore, LinkedAccountRecord, LinkedAccountStore } from "../store/store.js";
import { SerialByKey } from "../util/serial-by-key.js";

export interface LinkRequest {
  /** Who the person is on that network (a bare JID). */
  readonly login: string;
  readonly password: string;
  /** Where to connect (xmpp://host:port, xmpps://host:port). */
  readonly service: string;
}

export interface LinkedAccount {
  readonly network: ProtocolId;
  /** The adapter account: addresses of the person's contacts there are `<network>://<account>/...`. */
  readonly account: string;
  readonly login: string;
}

/** What the native adapter may do with linked accounts: the session's own user only, which the handlers ensure. */
export interface AccountLinks {
  /** Logs in as the owner on the network; once online, keeps the account (credentials sealed in the store). */
  link(owner: Address, network: ProtocolId, request: LinkRequest): Promise<LinkedAccount>;
  /** Logs out, removes the owner's contacts on that network and deletes the credentials. */
  unlink(owner: Address, network: ProtocolId): Promise<void>;
}

export interface LinkedAdapterSpec {
  readonly owner: Address;
  readonly account: string;
  readonly login: string;
  readonly password: string;
  readonly service: string;
  /** The rooms the owner joined through the account (core/kept-own-rooms.ts): it joins them again once logged in. */
  readonly rooms?: readonly RoomToRejoin[];
}

/** Builds the adapter of one linked account (not started); `register` is done by the service. */
export type LinkedAdapterFactory = (spec: LinkedAdapterSpec) => Adapter;

export interface LinkedAccountsOptions {
  /** False: link is refused (unlink still works, so credentials can always be deleted) and nothing is restored. */
  readonly enabled: boolean;
  /** Required when enabled. */
  readonly box: CredentialBox | undefined;
  readonly store: LinkedAccountStore;
  readonly contacts: ContactStore;
  readonly registry: AdapterRegistry;
  readonly supervisor: Supervisor;
  readonly factories: Partial<Record<ProtocolId, LinkedAdapterFactory>>;
  /** Whether the owner's native account is disabled now: their accounts are not brought back at start. Absent: none is. */
  readonly disabled?: (owner: Address) => Promise<boolean>;
  /** The rooms owners joined through their accounts, joined again at start and forgotten at an unlink; absent: none. */
  readonly ownRooms?: Pick<KeptOwnRooms, "toRejoin" | "forgetAccount">;
  readonly log: Logger;
}

/** The adapter account of a person's linked account: u.<native user name> (letters, digits, ".", "_", "-"). */
export function linkedAccountName(owner: Address): string {
  return `u.${owner.id}`;
}

/**
 * Whose linked XMPP account an address is reached through, by its account name alone (u.<user>), whether that user
 * has linked one now or not: xmpp://u.bob/juliet@example.org is bob's, for bob only (the configuration keeps
 * bridge bots' names from starting with "u." while linked accounts are offered).
 */
export function linkedAccountOwner(address: Address): Address | undefined {
  if (address.protocol !== "xmpp" || !address.account.startsWith("u.") || address.account.length <= 2) return undefined;
  return makeAddress("native", DEFAULT_ACCOUNT, address.account.slice(2));
}

/** The associated data a sealed password is bound to: it opens only for the same owner, network and login. */
function sealContext(owner: Address, network: string, login: string): string {
  return `${addressKey(owner)}\n${network}\n${login}`;
}

function isProtocol(network: string): network is ProtocolId {
  return (PROTOCOLS as readonly string[]).includes(network);
}

export class LinkedAccounts implements AccountLinks {
  /** Owners (and networks) with a link or unlink in progress or waiting its turn: how many. */
  private readonly pending = new Map<string, number>();
  private readonly turns = new SerialByKey();

  constructor(private readonly options: LinkedAccountsOptions) {}

  /** Registers (and supervises, not started) an adapter for every stored account; called before the adapters start. */
  async restore(): Promise<void> {
    const { log } = this.options;
    const records = await this.options.store.list();
    if (records.length === 0) return;
    if (!this.options.enabled || !this.options.box) {
      log.warn({ accounts: records.length }, "linked accounts not started: xmpp.user_accounts.enabled is false");
      return;
    }
    for (const record of records) {
      if (await this.options.disabled?.(record.owner)) continue;
      await this.bringBack(record, this.options.box);
    }
  }

  /**
   * The owner's native account was disabled: each of their linked accounts logs out (after the link, relink or unlink
   * in progress), and its credentials and contacts stay for when the account is enabled again (resume).
   */
  async suspend(owner: Address): Promise<void> {
    for (const network of PROTOCOLS) {
      if (this.options.factories[network] === undefined) continue;
      await this.exclusive(owner, network, async () => {
        const adapter = this.options.registry.get(network, linkedAccountName(owner));
        if (adapter?.owner === undefined || !sameAddress(adapter.owner, owner)) return;
        await this.dismantle(adapter, "account disabled");
        this.options.log.info({ owner: addressKey(owner), network }, "linked account logged out: its owner's account is disabled");
      }, { wait: true });
    }
  }

  /** The owner's native account was enabled again: their stored accounts log in again, as at a start (supervised). */
  async resume(owner: Address): Promise<void> {
    const { box, registry, supervisor } = this.options;
    if (!this.options.enabled || !box) return;
    for (const network of PROTOCOLS) {
      if (this.options.factories[network] === undefined) continue;
      await this.exclusive(owner, network, async () => {
        const record = await this.options.store.get(owner, network);
        if (record === undefined || registry.get(network, linkedAccountName(owner)) !== undefined) return;
        const adapter = await this.bringBack(record, box);
        if (adapter !== undefined) supervisor.startOne(adapter);
      }, { wait: true });
    }
  }

  /** Registers and supervises (not started) the adapter of a stored account; undefined, logged, when it cannot be made. */
  private async bringBack(record: LinkedAccountRecord, box: CredentialBox): Promise<Adapter | undefined> {
    try {
      const adapter = await this.create(record, box.open(record.secret, sealContext(record.owner, record.network, record.login)));
      this.options.registry.register(adapter);
      this.options.supervisor.add(adapter, { critical: false });
      return adapter;
    } catch (error: unknown) {
      // A key that cannot open it (changed or lost), or a network without a factory: that account only.
      this.options.log.error({ err: toGatewayError(error), owner: addressKey(record.owner), network: record.network, login: record.login }, "linked account skipped");
      return undefined;
    }
  }

  async link(owner: Address, network: ProtocolId, request: LinkRequest): Promise<LinkedAccount> {
    const { box, registry, supervisor, store, log } = this.options;
    if (!this.options.enabled || !box) throw new GatewayError("GW_ERR_FORBIDDEN", "linking accounts is disabled on this gateway");
    const account = linkedAccountName(owner);
    return this.exclusive(owner, network, async () => {
      const existing = await store.get(owner, network);
      if (existing?.login === request.login) return this.relink(existing, network, request, box);
      if (existing || registry.get(network, account)) {
        throw new GatewayError("GW_ERR_FORBIDDEN", `a ${network} account (${existing?.login ?? account}) is already linked; unlink it first`);
      }
      // Two gateway sessions of one account would take each other's resource, each reconnect ending the other's.
      if ((await store.list()).some((record) => record.network === network && record.login === request.login)) {
        throw new GatewayError("GW_ERR_FORBIDDEN", `${request.login} is linked by another user of this gateway`);
      }
      const record: LinkedAccountRecord = { owner, network, login: request.login, service: request.service, secret: box.seal(request.password, sealContext(owner, network, request.login)), linkedAt: Date.now() };
      const adapter = await this.create(record, request.password);
      // Registered before it starts, so that what it reports while logging in (its contacts, "reachable") finds it.
      registry.register(adapter);
      try {
        await adapter.start();
      } catch (error: unknown) {
        registry.unregister(adapter);
        await adapter.stop("link failed").catch(() => undefined);
        log.info({ owner: addressKey(owner), network, login: request.login, err: toGatewayError(error) }, "account not linked");
        throw toGatewayError(error);
      }
      supervisor.add(adapter, { critical: false, running: true });
      try {
        await store.put(record);
      } catch (error: unknown) {
        await this.dismantle(adapter);
        throw error;
      }
      log.info({ owner: addressKey(owner), network, login: request.login, account }, "account linked");
      return { network, account, login: request.login };
    });
  }

  /**
   * The same account linked again (a changed password, another service): the new credentials are tried beside the
   * running session (Adapter.checkCredentials), which a refusal leaves alone. Once they log in they replace the
   * stored ones, and a new adapter with them replaces the running one; the contacts stay (they are the account's
   * roster either way), so nobody on the network sees anything but the session reconnect.
   */
  private async relink(existing: LinkedAccountRecord, network: ProtocolId, request: LinkRequest, box: CredentialBox): Promise<LinkedAccount> {
    const { registry, supervisor, store, log } = this.options;
    const { owner, login } = existing;
    const record: LinkedAccountRecord = { ...existing, service: request.service, secret: box.seal(request.password, sealContext(owner, network, login)), linkedAt: Date.now() };
    const replacement = await this.create(record, request.password);
    if (!replacement.checkCredentials) throw new GatewayError("GW_ERR_FORBIDDEN", `a ${network} account (${login}) is already linked; unlink it first`);
    try {
      await replacement.checkCredentials();
    } catch (error: unknown) {
      log.info({ owner: addressKey(owner), network, login, err: toGatewayError(error) }, "account not linked again");
      throw toGatewayError(error);
    }
    await store.put(record);
    const running = registry.get(network, replacement.account);
    if (running) await this.dismantle(running);
    registry.register(replacement);
    try {
      await replacement.start();
      supervisor.add(replacement, { critical: false, running: true });
    } catch (error: unknown) {
      // The credentials logged in a moment ago: the supervisor keeps trying, as after a restart.
      supervisor.add(replacement, { critical: false });
      supervisor.report(replacement, "failed", toGatewayError(error));
    }
    log.info({ owner: addressKey(owner), network, login, account: replacement.account }, "account linked again");
    return { network, account: replacement.account, login };
  }

  async unlink(owner: Address, network: ProtocolId): Promise<void> {
    await this.exclusive(owner, network, async () => {
      if (!(await this.unlinkNow(owner, network))) throw new GatewayError("GW_ERR_NOT_FOUND", `no ${network} account is linked`);
    });
  }

  /**
   * Unlinks every account of the owner (their native account is being deleted), each once the link, relink or unlink
   * in progress for it is done: waiting its turn, not refused, so that no session of theirs is left running, and a
   * link that was logging in is unlinked too if it was kept. Nothing linked on a network is no error.
   */
  async release(owner: Address): Promise<void> {
    for (const network of PROTOCOLS) {
      if (this.options.factories[network] === undefined) continue;
      await this.exclusive(owner, network, () => this.unlinkNow(owner, network), { wait: true });
    }
  }

  /** Stops the owner's adapter on the network, deletes the credentials and its contacts; false when there was nothing. */
  private async unlinkNow(owner: Address, network: ProtocolId): Promise<boolean> {
    const { registry, store, contacts, log } = this.options;
    const account = linkedAccountName(owner);
    const adapter = registry.get(network, account);
    const own = adapter?.owner !== undefined && sameAddress(adapter.owner, owner) ? adapter : undefined;
    const existing = await store.get(owner, network);
    if (!existing && !own) return false;
    if (own) await this.dismantle(own);
    await store.remove(owner, network);
    const removed = await contacts.removeOnNetwork(network, account);
    const rooms = isProtocol(network) ? await this.options.ownRooms?.forgetAccount(owner, network, account) : undefined;
    log.info({ owner: addressKey(owner), network, login: existing?.login, contacts: removed, rooms }, "account unlinked");
    return true;
  }

  private async create(record: LinkedAccountRecord, password: string): Promise<Adapter> {
    const network = record.network;
    const factory = isProtocol(network) ? this.options.factories[network] : undefined;
    if (!factory || !isProtocol(network)) throw new GatewayError("GW_ERR_NO_ROUTE", `accounts on ${network} cannot be linked`);
    const account = linkedAccountName(record.owner);
    const rooms = (await this.options.ownRooms?.toRejoin(record.owner, network, account)) ?? [];
    return factory({ owner: record.owner, account, login: record.login, password, service: record.service, rooms });
  }

  /** Stops supervising, unregisters and stops an adapter. */
  private async dismantle(adapter: Adapter, reason = "unlinked"): Promise<void> {
    this.options.supervisor.remove(adapter);
    this.options.registry.unregister(adapter);
    await adapter.stop(reason).catch((error: unknown) => this.options.log.warn({ err: error }, "linked account did not stop cleanly"));
  }

  /**
   * One link, relink or unlink of an owner's account at a time. The person's own, asked while another is running or
   * waiting, is refused (GW_ERR_RATE_LIMITED); with `wait` (release) it runs once those before it are done.
   */
  private async exclusive<T>(owner: Address, network: string, work: () => Promise<T>, options: { readonly wait?: boolean } = {}): Promise<T> {
    const key = `${addressKey(owner)} ${network}`;
    const pending = this.pending.get(key) ?? 0;
    if (pending > 0 && options.wait !== true) throw new GatewayError("GW_ERR_RATE_LIMITED", `a link or unlink of your ${network} account is in progress`);
    this.pending.set(key, pending + 1);
    try {
      return await this.turns.run(key, work);
    } finally {
      const left = (this.pending.get(key) ?? 1) - 1;
      if (left > 0) this.pending.set(key, left);
      else this.pending.delete(key);
    }
  }
}
