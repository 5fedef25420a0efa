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
 * Started from the other account (`link alice` in a chat to the XMPP component's domain or a query to the
 * gateway's IRC nick, `requestFrom`): the code goes to alice's Switchboard sessions only (`Adapter.identityCode`)
 * and must come back from one of them (`confirm`), with the same rules. Those proofs live in memory only (the
 * key does too), and none is made while alice has no session: the requester is told to ask again later.
 *
 * Accounts (docs/bridging.md): where the other network has accounts of its own (IRC services), the link is
 * bound to the account the address is logged in to when the code comes back (`Adapter.linkAccount`, which
 * may also refuse an address that is not logged in). A bound link counts only while the adapter reports the
 * address logged in to that account (`account` events, asked for with `Adapter.watchAccount`): otherwise the
 * address is a stranger who uses the same name, so personOf and linkedTo leave it out (its messages carry no
 * person, its presence is not the person's, messages to the person never go there). A bound link starts
 * uncounted after a restart until the adapter has seen the account again.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, DEFAULT_ACCOUNT, makeAddress, sameAddress, type Address } from "./model/address.js";
import type { IdentityLinkRecord, IdentityStore } from "../store/store.js";
import { AttemptLimiter } from "../util/attempt-limiter.js";

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** `link alice` (or `link native:alice`): a Switchboard user name as the native protocol accepts it. */
const LINK_COMMAND = /^\s*link\s+(?:native:)?([A-Za-z0-9][A-Za-z0-9._-]{0,31})\s*$/i;
const CODE_LENGTH = 8;
const HOUR_MS = 60 * 60 * 1000;
/** Link codes one account may ask to be sent to someone's sessions in an hour ("link alice" from IRC or XMPP). */
const REVERSE_PER_ASKER = 3;
/** Accounts asking for codes remembered at most (anyone can write "link alice"): more, and all are forgotten early. */
const REVERSE_ASKERS_KEPT = 10_000;

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

/**
 * The codes a message may hold, as people type them: "ABCD-EFGH", "abcd efgh", "my code is abcdefgh". Case and
 * one separator in the middle do not matter.
 */
export function codeCandidates(text: string): string[] {
  const candidates = new Set<string>();
  // A lookahead at each word's start: candidates may overlap ("code 5SAU BNRX" is CODE5SAU, and 5SAUBNRX).
  for (const match of text.matchAll(/(?<![A-Za-z0-9])(?=([A-Za-z0-9]{4})[\s-]?([A-Za-z0-9]{4})(?![A-Za-z0-9]))/g)) {
    candidates.add(`${match[1] ?? ""}${match[2] ?? ""}`.toUpperCase());
  }
  return [...candidates].slice(0, 10);
}

function newCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET.charAt(randomInt(ALPHABET.length));
  return code;
}

/** "ABCD-EFGH": easier to read and type. */
function shown(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A proven link as kept in memory; `account`: the network account it is bound to, if any. */
export interface KnownLink {
  readonly person: Address;
  readonly address: Address;
  readonly account?: string;
}

/** Services account names compare as IRC services compare them: case-insensitively. */
export function sameAccount(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

interface ReverseProof {
  readonly address: Address;
  readonly codeHash: string;
  readonly expiresAt: number;
  attempts: number;
}

export class IdentityService {
  private readonly key = randomBytes(32);
  /** address key -> the link, for every proven link (loaded by start()). */
  private readonly byAddress = new Map<string, KnownLink>();
  /** person key -> their linked accounts: asked on every direct message and presence, so kept, not searched. */
  private readonly byPerson = new Map<string, Address[]>();
  /** Address keys of bound links whose address is logged in to the link's account now (accountSeen). */
  private readonly verified = new Set<string>();
  /** Person key -> proofs started from another account, waiting for `confirm` from the person's session. */
  private readonly reverse = new Map<string, ReverseProof[]>();
  /** Person key -> codes asked from another account and sent to their sessions (maxRequestsPerHour an hour). */
  private readonly reverseAsked: AttemptLimiter;
  /** Address key of an account that asked -> its asks (REVERSE_PER_ASKER an hour). */
  private readonly reverseAskedBy: AttemptLimiter;
  private readonly codeTtlMs: number;
  private readonly maxAttempts: number;
  private readonly maxRequestsPerHour: number;

  constructor(private readonly options: IdentityOptions) {
    this.codeTtlMs = options.codeTtlMs ?? 10 * 60 * 1000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxRequestsPerHour = options.maxRequestsPerHour ?? 5;
    const now = (): number => this.now();
    this.reverseAsked = new AttemptLimiter(this.maxRequestsPerHour, HOUR_MS, now);
    this.reverseAskedBy = new AttemptLimiter(REVERSE_PER_ASKER, HOUR_MS, now, REVERSE_ASKERS_KEPT);
  }

  async start(): Promise<void> {
    for (const link of await this.options.store.allLinks()) {
      this.remember(link);
      if (link.account !== undefined || this.counts(link)) continue;
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
    const link = this.byAddress.get(addressKey(address));
    return link && this.counts(link) ? link.person : undefined;
  }

  /** Every proven link that counts now. */
  allLinks(): KnownLink[] {
    return [...this.byAddress.values()].filter((link) => this.counts(link));
  }

  /** Every proven link, counting or not: the addresses to watch (presence, accounts). */
  storedLinks(): KnownLink[] {
    return [...this.byAddress.values()];
  }

  /** The person's linked accounts that count now (not the person's own address). */
  linkedTo(person: Address): Address[] {
    return (this.byPerson.get(addressKey(person)) ?? []).filter((address) => this.personOf(address) !== undefined);
  }

  /**
   * The adapter's report that `address` is logged in to `account` now (undefined: not logged in, or gone). A
   * bound link starts or stops counting when that changes; other addresses are not concerned.
   */
  accountSeen(address: Address, account: string | undefined): void {
    const key = addressKey(address);
    const link = this.byAddress.get(key);
    if (link?.account === undefined) return;
    const now = account !== undefined && sameAccount(account, link.account);
    if (now === this.verified.has(key)) return;
    if (now) this.verified.add(key);
    else this.verified.delete(key);
    const fields = { person: addressKey(link.person), address: key, account: link.account, seen: account ?? null };
    if (now) this.options.log.info(fields, "linked account logged in to its account: it counts as its person");
    else this.options.log.warn(fields, "linked account not logged in to its account: it does not count as its person");
    this.options.onChange?.(link.person, link.address, now);
  }

  private counts(link: KnownLink): boolean {
    if (link.account === undefined) return this.options.registry.for(link.address)?.boundLinksOnly !== true;
    return this.verified.has(addressKey(link.address));
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
    const holder = this.byAddress.get(addressKey(address))?.person; // counting or not: the address is taken
    if (holder) {
      throw new GatewayError("GW_ERR_ALREADY_LINKED", sameAddress(holder, person) ? `${addressKey(address)} is already linked to you` : `${addressKey(address)} is linked to someone else`);
    }
    const now = this.now();
    await this.checkRate(person, now);
    const code = newCode();
    const expiresAt = now + this.codeTtlMs;
    await this.options.store.putProof({ person, address, codeHash: this.hash(code), createdAt: now, expiresAt, attempts: 0 });
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
    const match = this.matching(proofs, body);
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
   * sessions, to be confirmed there. Resolves with the answer for the requester; it never says whether a user
   * exists (an unknown user and one without a session get the same answer).
   */
  async requestFrom(address: Address, user: string): Promise<string> {
    const person = makeAddress("native", DEFAULT_ACCOUNT, user);
    const adapter = this.options.registry.for(address);
    if (address.protocol === "native" || !adapter?.sendServiceMessage || adapter.owner) return "this account cannot be linked.";
    const holder = this.byAddress.get(addressKey(address))?.person; // counting or not: the address is taken
    // The requester speaks from the account itself: while the link counts (an IRC nick logged in to its services
    // account), it may know whom it is linked to and how to change that; a stranger with the nick may not.
    if (holder) {
      if (sameAddress(holder, person)) return `this account is already linked to ${addressKey(person)}.`;
      if (this.personOf(address) === undefined) return "this account is linked to someone else.";
      return `this account is linked to ${addressKey(holder)}; to link it to ${addressKey(person)} instead, ${addressKey(holder)} unlinks it first (identity.unlink).`;
    }
    const now = this.now();
    const refusal = this.reverseRateRefusal(person, address);
    if (refusal !== undefined) return refusal;
    const code = newCode();
    const expiresAt = now + this.codeTtlMs;
    const key = addressKey(person);
    const sent = await this.options.registry
      .for(person)
      ?.identityCode?.(person, address, shown(code), expiresAt)
      .catch(() => false);
    if (sent !== true) return `${addressKey(person)} has no Switchboard session now: log in there, then ask again.`;
    // A new code for the same account replaces the one before.
    const waiting = (this.reverse.get(key) ?? []).filter((proof) => proof.expiresAt > now && !sameAddress(proof.address, address));
    this.reverse.set(key, [...waiting, { address, codeHash: this.hash(code), expiresAt, attempts: 0 }]);
    this.reverseAsked.fail(key);
    this.reverseAskedBy.fail(addressKey(address));
    this.options.log.info({ person: key, address: addressKey(address) }, "link code sent to the person's sessions");
    return `a code went to ${addressKey(person)}'s Switchboard sessions: confirm it there within ${Math.round(this.codeTtlMs / 60_000)} minutes (identity.confirm).`;
  }

  /**
   * The person confirms, from their own session, a code sent there by requestFrom: the account that asked is
   * linked. Rejects with GW_ERR_NOT_FOUND when no code waits or the code is wrong (5 wrong answers void them).
   */
  async confirm(person: Address, text: string): Promise<Address> {
    const now = this.now();
    const key = addressKey(person);
    const waiting = (this.reverse.get(key) ?? []).filter((proof) => proof.expiresAt > now);
    const match = this.matching(waiting, text);
    if (!match) {
      for (const proof of waiting) proof.attempts += 1;
      this.setReverse(key, waiting.filter((proof) => proof.attempts < this.maxAttempts));
      throw new GatewayError("GW_ERR_NOT_FOUND", waiting.length === 0 ? "no link code waits for you: ask from the other account first (link <your user name>)" : "that is not the code sent to you");
    }
    // Refused for want of an account (GW_ERR_FORBIDDEN): the code stays, to confirm again once it is logged in.
    const account = await this.accountFor(match.address);
    this.setReverse(key, waiting.filter((proof) => proof !== match));
    if (!(await this.complete(person, match.address, now, account))) throw new GatewayError("GW_ERR_ALREADY_LINKED", `${addressKey(match.address)} was linked to someone else meanwhile`);
    return match.address;
  }

  /** The network account a link of `address` is to be bound to (Adapter.linkAccount); rejects when it may not be linked now. */
  private async accountFor(address: Address): Promise<string | undefined> {
    return this.options.registry.for(address)?.linkAccount?.(address);
  }

  /** A proof succeeded: the link is stored and everyone concerned is told. False when the account was taken meanwhile. */
  private async complete(person: Address, address: Address, now: number, account: string | undefined): Promise<boolean> {
    const adapter = this.options.registry.for(address);
    if (!(await this.options.store.link({ person, address, linkedAt: now, ...(account === undefined ? {} : { account }) }))) {
      await adapter?.sendServiceMessage?.(address, "Switchboard: this account was linked to someone else meanwhile.").catch(() => undefined);
      return false;
    }
    this.remember({ person, address, ...(account === undefined ? {} : { account }) });
    // The adapter has just seen the account; it reports every change from now on.
    if (account !== undefined) this.verified.add(addressKey(address));
    this.options.log.info({ person: addressKey(person), address: addressKey(address), account: account ?? null }, "accounts linked");
    const bound = account === undefined ? "" : ` It counts as ${addressKey(person)} only while you are logged in to the account ${account}.`;
    await adapter?.sendServiceMessage?.(address, `Switchboard: this account is now linked to ${addressKey(person)}.${bound}`).catch(() => undefined);
    if (account !== undefined) {
      await adapter?.watchAccount?.(address).catch((error: unknown) => this.options.log.warn({ err: error, address: addressKey(address) }, "account of a linked address not watched"));
    }
    await this.tellPerson(person, address, true);
    this.options.onChange?.(person, address, true);
    return true;
  }

  private setReverse(key: string, proofs: ReverseProof[]): void {
    if (proofs.length > 0) this.reverse.set(key, proofs);
    else this.reverse.delete(key);
  }

  /**
   * At most maxRequestsPerHour codes an hour that the person asked for. Codes asked from other accounts count
   * apart (reverseRateRefusal): anyone can write "link alice", and that must not use up alice's own.
   */
  private async checkRate(person: Address, now: number): Promise<void> {
    if ((await this.options.store.proofsAskedSince(person, now - HOUR_MS)) >= this.maxRequestsPerHour) {
      throw new GatewayError("GW_ERR_RATE_LIMITED", `at most ${this.maxRequestsPerHour} link codes an hour; try again later`, { retryable: true });
    }
  }

  /**
   * Codes asked from another account: at most maxRequestsPerHour an hour pushed to one person's sessions, and at
   * most REVERSE_PER_ASKER an hour asked by one account, so that a stranger cannot flood them with prompts.
   * The answer for the asker when refused, else undefined.
   */
  private reverseRateRefusal(person: Address, address: Address): string | undefined {
    if (this.reverseAsked.retryAfter(addressKey(person)) > 0) {
      return `${addressKey(person)} was sent ${this.maxRequestsPerHour} link codes from other accounts this hour; try again later.`;
    }
    if (this.reverseAskedBy.retryAfter(addressKey(address)) > 0) {
      return `this account asked for ${REVERSE_PER_ASKER} link codes this hour; try again later.`;
    }
    return undefined;
  }

  async unlink(person: Address, address: Address): Promise<void> {
    if (!(await this.options.store.unlink(person, address))) throw new GatewayError("GW_ERR_NOT_FOUND", `${addressKey(address)} is not linked to you`);
    this.byAddress.delete(addressKey(address));
    this.verified.delete(addressKey(address));
    const rest = (this.byPerson.get(addressKey(person)) ?? []).filter((linked) => !sameAddress(linked, address));
    if (rest.length > 0) this.byPerson.set(addressKey(person), rest);
    else this.byPerson.delete(addressKey(person));
    this.options.log.info({ person: addressKey(person), address: addressKey(address) }, "accounts unlinked");
    await this.options.registry
      .for(address)
      ?.unwatchAccount?.(address, person)
      .catch((error: unknown) => this.options.log.warn({ err: error, address: addressKey(address) }, "account of an unlinked address still watched"));
    await this.tellPerson(person, address, false);
    this.options.onChange?.(person, address, false);
  }

  private async tellPerson(person: Address, address: Address, linked: boolean): Promise<void> {
    await this.options.registry
      .for(person)
      ?.identityChanged?.(person, address, linked)
      .catch((error: unknown) => this.options.log.warn({ err: error }, "link change not told"));
  }

  private remember(link: KnownLink): void {
    this.byAddress.set(addressKey(link.address), link);
    this.byPerson.set(addressKey(link.person), [...(this.byPerson.get(addressKey(link.person)) ?? []), link.address]);
  }

  /** The proof whose code the text holds, compared in constant time (each hash against every candidate). */
  private matching<P extends { readonly codeHash: string }>(proofs: readonly P[], text: string): P | undefined {
    const answers = codeCandidates(text).map((candidate) => Buffer.from(this.hash(candidate), "hex"));
    return proofs.find((proof) => {
      const expected = Buffer.from(proof.codeHash, "hex");
      return answers.some((answer) => answer.length === expected.length && timingSafeEqual(expected, answer));
    });
  }

  private hash(code: string): string {
    return createHmac("sha256", this.key).update(code).digest("hex");
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
