/**
 * Linking a person's accounts across networks, with proof from both sides (docs/bridging.md, "Linking
 * accounts"). The person asks from their Switchboard (native) session, which proves who they are there; the
 * gateway then sends a one-time code over the other network to the other account, and the link exists only
 * once that code comes back *from that account* (a message to the gateway itself: the component's domain on
 * XMPP, the gateway's nick on IRC). So nobody can link an account they cannot receive messages at and send
 * messages from.
 *
 * Codes: 8 characters from an alphabet without look-alikes (about 40 bits), single use, expiring after
 * `codeTtlMs`, at most `maxAttempts` wrong answers per code, at most `maxRequestsPerHour` codes asked by one
 * person per hour. Only an HMAC of a code is stored, under a key that lives in this process's memory: a
 * restart voids the codes in flight. Answers are compared in constant time. Unlinking is immediate.
 *
 * Started from the other account (`link alice` to the gateway there): reverse-link-proofs.ts. The codes:
 * link-codes.ts. The proven links, and whether a link bound to a network account counts now: known-links.ts.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError } from "./errors.js";
import { KnownLinks, type KnownLink } from "./known-links.js";
import { LinkCodeHasher, newCode, shown } from "./link-codes.js";
import type { Logger } from "./logger.js";
import { addressKey, sameAddress, type Address } from "./model/address.js";
import { ReverseLinkProofs } from "./reverse-link-proofs.js";
import type { IdentityLinkRecord, IdentityStore } from "../store/store.js";

/** `link alice` (or `link native:alice`): a Switchboard user name as the native protocol accepts it. */
const LINK_COMMAND = /^\s*link\s+(?:native:)?([A-Za-z0-9][A-Za-z0-9._-]{0,31})\s*$/i;
const HOUR_MS = 60 * 60 * 1000;

export interface IdentityOptions {
  readonly store: IdentityStore;
  readonly registry: AdapterRegistry;
  readonly log: Logger;
  readonly codeTtlMs?: number;
  readonly maxAttempts?: number;
  readonly maxRequestsPerHour?: number;
  readonly now?: () => number;
  /**
   * Links that start or stop counting: proven or removed, or a bound link whose address logged in to its
   * account or out of it. The router's presence and routing follow them.
   */
  readonly onChange?: (person: Address, address: Address, linked: boolean) => void;
}

export class IdentityService {
  private readonly codes = new LinkCodeHasher();
  private readonly known: KnownLinks;
  private readonly reverse: ReverseLinkProofs;
  private readonly codeTtlMs: number;
  private readonly maxAttempts: number;
  private readonly maxRequestsPerHour: number;

  constructor(private readonly options: IdentityOptions) {
    this.codeTtlMs = options.codeTtlMs ?? 10 * 60 * 1000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxRequestsPerHour = options.maxRequestsPerHour ?? 5;
    const now = (): number => this.now();
    this.known = new KnownLinks({ registry: options.registry, log: options.log, onChange: (person, address, linked) => this.options.onChange?.(person, address, linked) });
    this.reverse = new ReverseLinkProofs({
      registry: options.registry,
      log: options.log,
      links: this.known,
      codes: this.codes,
      codeTtlMs: this.codeTtlMs,
      maxAttempts: this.maxAttempts,
      maxRequestsPerHour: this.maxRequestsPerHour,
      now,
      accountFor: (address) => this.accountFor(address),
      complete: (person, address, at, account) => this.complete(person, address, at, account),
    });
  }

  async start(): Promise<void> {
    for (const link of await this.options.store.allLinks()) {
      this.known.remember(link);
      if (link.account !== undefined || this.known.counts(link)) continue;
      const fields = { person: addressKey(link.person), address: addressKey(link.address) };
      this.options.log.warn(fields, "linked account bound to no network account, which its network requires: it does not count as its person until unlinked and linked again");
    }
    await this.options.store.removeExpiredProofs(this.now());
  }

  /**
   * The person an account is linked to, if the link counts now (synchronous: used on every presence and
   * message). A bound link whose address is not logged in to its account does not.
   */
  personOf(address: Address): Address | undefined {
    return this.known.personOf(address);
  }

  /** Every proven link that counts now. */
  allLinks(): KnownLink[] {
    return this.known.allLinks();
  }

  /** Every proven link, counting or not: the addresses to watch (presence, accounts). */
  storedLinks(): KnownLink[] {
    return this.known.storedLinks();
  }

  /** The person's linked accounts that count now (not the person's own address). */
  linkedTo(person: Address): Address[] {
    return this.known.linkedTo(person);
  }

  /**
   * The adapter's report that `address` is logged in to `account` now (undefined: not logged in, or gone). A
   * bound link starts or stops counting when that changes; other addresses are not concerned.
   */
  accountSeen(address: Address, account: string | undefined): void {
    this.known.accountSeen(address, account);
  }

  async links(person: Address): Promise<IdentityLinkRecord[]> {
    return this.options.store.linksOf(person);
  }

  /** Starts linking `address` to `person`: sends a code there. Resolves with when the code expires. */
  async request(person: Address, address: Address): Promise<{ readonly expiresAt: number }> {
    if (address.protocol === "native") throw new GatewayError("GW_ERR_BAD_ADDRESS", "link an account on another network; native accounts are people themselves");
    const adapter = this.options.registry.for(address);
    if (!adapter?.sendServiceMessage) throw new GatewayError("GW_ERR_NO_ROUTE", `no configured network can send a code to ${addressKey(address)}`);
    if (adapter.owner) throw new GatewayError("GW_ERR_FORBIDDEN", `${addressKey(address)} is reached through someone's own account: it is theirs, not an account to link`);
    const holder = this.known.holder(address); // counting or not: the address is taken
    if (holder) {
      throw new GatewayError("GW_ERR_ALREADY_LINKED", sameAddress(holder, person) ? `${addressKey(address)} is already linked to you` : `${addressKey(address)} is linked to someone else`);
    }
    const now = this.now();
    await this.checkRate(person, now);
    const code = newCode();
    const expiresAt = now + this.codeTtlMs;
    await this.options.store.putProof({ person, address, codeHash: this.codes.hash(code), createdAt: now, expiresAt, attempts: 0 });
    const minutes = Math.round(this.codeTtlMs / 60_000);
    try {
      await adapter.sendServiceMessage(
        address,
        `Switchboard: ${addressKey(person)} asks to link this account to theirs. If that is you, send this code back to me from this account within ${minutes} minutes: ${shown(code)}. If it is not you, ignore this message.`,
      );
    } catch (error: unknown) {
      // Not sent (the network is down, or the address is the gateway's own): no code may wait for an answer.
      await this.options.store.removeProof(person, address);
      throw error;
    }
    this.options.log.info({ person: addressKey(person), address: addressKey(address) }, "link code sent");
    return { expiresAt };
  }

  /**
   * A message someone sent to the gateway itself, on any network. A code that matches a proof waiting for that
   * sender links the accounts; a wrong one counts against the proofs. False when no proof waits for the sender
   * (the adapter may answer with its own help text).
   */
  async serviceMessage(from: Address, body: string): Promise<boolean> {
    const command = LINK_COMMAND.exec(body);
    if (command) {
      const answer = await this.requestFrom(from, (command[1] ?? "").toLowerCase());
      await this.options.registry.for(from)?.sendServiceMessage?.(from, `Switchboard: ${answer}`).catch(() => undefined);
      return true;
    }
    const now = this.now();
    const proofs = (await this.options.store.proofsFor(from)).filter((proof) => proof.expiresAt > now);
    if (proofs.length === 0) return false;
    const match = this.codes.matching(proofs, body);
    const adapter = this.options.registry.for(from);
    if (!match) {
      for (const proof of proofs) {
        const attempts = await this.options.store.recordAttempt(proof.person, proof.address);
        if (attempts >= this.maxAttempts) await this.options.store.removeProof(proof.person, proof.address);
      }
      this.options.log.info({ from: addressKey(from) }, "wrong link code");
      await adapter?.sendServiceMessage?.(from, "Switchboard: that is not the code I sent. Ask for a new one if it expired.").catch(() => undefined);
      return true;
    }
    let account: string | undefined;
    try {
      account = await this.accountFor(from);
    } catch (error: unknown) {
      // Not linked now; the proof stays, so the same code may come back once the account is logged in.
      this.options.log.info({ err: error, from: addressKey(from) }, "link refused: no account to bind it to");
      await adapter?.sendServiceMessage?.(from, `Switchboard: not linked: ${(error as Error).message}.`).catch(() => undefined);
      return true;
    }
    await this.options.store.removeProof(match.person, match.address);
    await this.complete(match.person, from, now, account);
    return true;
  }

  /**
   * `address` asks, on its own network, to be linked to the Switchboard user `user`: a code goes to that user's
   * sessions, to be confirmed there (reverse-link-proofs.ts).
   */
  async requestFrom(address: Address, user: string): Promise<string> {
    return this.reverse.requestFrom(address, user);
  }

  /**
   * The person confirms, from their own session, a code sent there by requestFrom: the account that asked is
   * linked. Rejects with GW_ERR_NOT_FOUND when no code waits or the code is wrong (5 wrong answers void them).
   */
  async confirm(person: Address, text: string): Promise<Address> {
    return this.reverse.confirm(person, text);
  }

  /** The network account a link of `address` is to be bound to (Adapter.linkAccount); rejects when it may not be linked now. */
  private async accountFor(address: Address): Promise<string | undefined> {
    return this.options.registry.for(address)?.linkAccount?.(address);
  }

  /**
   * Links `address` to `person` with both proofs given by the caller (core/password-links.ts): the address's network
   * vouched that the request came from the address (the XMPP server stamps a stanza's sender), and the person's
   * password was checked. The same checks and the same outcome as a link proven by a code. Resolves false when the
   * address is linked to `person` already (nothing changes); GW_ERR_ALREADY_LINKED when it is someone else's,
   * GW_ERR_NOT_FOUND when the person's account is no more (deleted, or being deleted), GW_ERR_FORBIDDEN for an address
   * that is someone's own account's contact.
   */
  async linkProven(person: Address, address: Address): Promise<boolean> {
    if (address.protocol === "native") throw new GatewayError("GW_ERR_BAD_ADDRESS", "link an account on another network; native accounts are people themselves");
    if (this.options.registry.for(address)?.owner) throw new GatewayError("GW_ERR_FORBIDDEN", `${addressKey(address)} is reached through someone's own account: it is theirs, not an account to link`);
    const holder = this.known.holder(address); // counting or not: the address is taken
    if (holder && sameAddress(holder, person)) return false;
    if (holder) throw new GatewayError("GW_ERR_ALREADY_LINKED", `${addressKey(address)} is linked to someone else`);
    await this.record(person, address, this.now(), await this.accountFor(address));
    return true;
  }

  /** The person `address` is linked to, counting or not (the address is taken), or undefined. */
  holder(address: Address): Address | undefined {
    return this.known.holder(address);
  }

  /** A proof succeeded: the link is stored and everyone concerned is told. False when the account was taken meanwhile. */
  private async complete(person: Address, address: Address, now: number, account: string | undefined): Promise<boolean> {
    const adapter = this.options.registry.for(address);
    try {
      await this.record(person, address, now, account);
    } catch (error: unknown) {
      if (!(error instanceof GatewayError) || (error.code !== "GW_ERR_NOT_FOUND" && error.code !== "GW_ERR_ALREADY_LINKED")) throw error;
      const why = error.code === "GW_ERR_NOT_FOUND" ? `not linked: ${addressKey(person)} is no longer a user of this gateway.` : "this account was linked to someone else meanwhile.";
      await adapter?.sendServiceMessage?.(address, `Switchboard: ${why}`).catch(() => undefined);
      return false;
    }
    const bound = account === undefined ? "" : ` It counts as ${addressKey(person)} only while you are logged in to the account ${account}.`;
    await adapter?.sendServiceMessage?.(address, `Switchboard: this account is now linked to ${addressKey(person)}.${bound}`).catch(() => undefined);
    return true;
  }

  /**
   * Stores a proven link and tells everyone concerned but the address itself: GW_ERR_NOT_FOUND when the person's
   * account is no more, GW_ERR_ALREADY_LINKED when the address was linked meanwhile (nothing stored either way).
   */
  private async record(person: Address, address: Address, now: number, account: string | undefined): Promise<void> {
    let stored: boolean;
    try {
      stored = await this.options.store.link({ person, address, linkedAt: now, ...(account === undefined ? {} : { account }) });
    } catch (error: unknown) {
      // The person's account was deleted (or is being deleted) since the proof began: there is nobody to link to.
      if (!(error instanceof GatewayError) || error.code !== "GW_ERR_NOT_FOUND") throw error;
      this.options.log.info({ person: addressKey(person), address: addressKey(address) }, "link refused: the person's account is no more");
      throw new GatewayError("GW_ERR_NOT_FOUND", `${addressKey(person)} is no longer a user of this gateway`);
    }
    if (!stored) throw new GatewayError("GW_ERR_ALREADY_LINKED", `${addressKey(address)} was linked to someone else meanwhile`);
    this.known.remember({ person, address, ...(account === undefined ? {} : { account }) });
    // The adapter has just seen the account; it reports every change from now on.
    if (account !== undefined) this.known.verify(address);
    this.options.log.info({ person: addressKey(person), address: addressKey(address), account: account ?? null }, "accounts linked");
    if (account !== undefined) {
      await this.options.registry
        .for(address)
        ?.watchAccount?.(address)
        .catch((error: unknown) => this.options.log.warn({ err: error, address: addressKey(address) }, "account of a linked address not watched"));
    }
    await this.tellPerson(person, address, true);
    this.options.onChange?.(person, address, true);
  }

  /**
   * At most maxRequestsPerHour codes an hour that the person asked for. Codes asked from other accounts count
   * apart (reverse-link-proofs.ts): anyone can write "link alice", and that must not use up alice's own.
   */
  private async checkRate(person: Address, now: number): Promise<void> {
    if ((await this.options.store.proofsAskedSince(person, now - HOUR_MS)) >= this.maxRequestsPerHour) {
      throw new GatewayError("GW_ERR_RATE_LIMITED", `at most ${this.maxRequestsPerHour} link codes an hour; try again later`, { retryable: true });
    }
  }

  async unlink(person: Address, address: Address): Promise<void> {
    if (!(await this.options.store.unlink(person, address))) throw new GatewayError("GW_ERR_NOT_FOUND", `${addressKey(address)} is not linked to you`);
    this.known.forget(person, address);
    this.options.log.info({ person: addressKey(person), address: addressKey(address) }, "accounts unlinked");
    await this.options.registry
      .for(address)
      ?.unwatchAccount?.(address, person)
      .catch((error: unknown) => this.options.log.warn({ err: error, address: addressKey(address) }, "account of an unlinked address still watched"));
    await this.tellPerson(person, address, false);
    this.options.onChange?.(person, address, false);
  }

  /**
   * The store removed the person's links (their account was deleted): what memory still keeps of them goes too, such
   * as a link proven while the deletion ran, remembered after the deletion's own step had read the links.
   */
  async personRemoved(person: Address): Promise<void> {
    const kept = new Set((await this.options.store.linksOf(person)).map((link) => addressKey(link.address)));
    for (const link of this.known.storedLinks()) {
      if (!sameAddress(link.person, person) || kept.has(addressKey(link.address))) continue;
      this.known.forget(person, link.address);
      this.options.onChange?.(person, link.address, false);
    }
  }

  private async tellPerson(person: Address, address: Address, linked: boolean): Promise<void> {
    await this.options.registry
      .for(person)
      ?.identityChanged?.(person, address, linked)
      .catch((error: unknown) => this.options.log.warn({ err: error }, "link change not told"));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
