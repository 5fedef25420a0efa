/**
 * For core/identities.ts: the proofs of links asked for from the other account, kept until confirmed.
 *
 * Started from the other account (`link alice` in a chat to the XMPP component's domain or a query to the
 * gateway's IRC nick, `requestFrom`): the code goes to alice's Switchboard sessions only (`Adapter.identityCode`)
 * and must come back from one of them (`confirm`), with the same rules. Those proofs live in memory only (the
 * key does too), and none is made while alice has no session: the requester is told to ask again later.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError } from "./errors.js";
import type { KnownLinks } from "./known-links.js";
import { newCode, shown, type LinkCodeHasher } from "./link-codes.js";
import type { Logger } from "./logger.js";
import { addressKey, DEFAULT_ACCOUNT, makeAddress, sameAddress, type Address } from "./model/address.js";
import { AttemptLimiter } from "../util/attempt-limiter.js";

const HOUR_MS = 60 * 60 * 1000;
/** Link codes one account may ask to be sent to someone's sessions in an hour ("link alice" from IRC or XMPP). */
const REVERSE_PER_ASKER = 3;
/** Accounts asking for codes remembered at most (anyone can write "link alice"): more evict those that asked least recently. */
const REVERSE_ASKERS_KEPT = 10_000;

interface ReverseProof {
  readonly address: Address;
  readonly codeHash: string;
  readonly expiresAt: number;
  attempts: number;
}

export interface ReverseLinkOptions {
  readonly registry: AdapterRegistry;
  readonly log: Logger;
  readonly links: KnownLinks;
  readonly codes: LinkCodeHasher;
  readonly codeTtlMs: number;
  readonly maxAttempts: number;
  readonly maxRequestsPerHour: number;
  now(): number;
  /** The network account a link of `address` is to be bound to (Adapter.linkAccount); rejects when it may not be linked now. */
  accountFor(address: Address): Promise<string | undefined>;
  /** A proof succeeded: the link is stored and everyone concerned is told. False when the account was taken meanwhile. */
  complete(person: Address, address: Address, now: number, account: string | undefined): Promise<boolean>;
}

export class ReverseLinkProofs {
  /** Person key -> proofs started from another account, waiting for `confirm` from the person's session. */
  private readonly reverse = new Map<string, ReverseProof[]>();
  /** Person key -> codes asked from another account and sent to their sessions (maxRequestsPerHour an hour). */
  private readonly reverseAsked: AttemptLimiter;
  /** Address key of an account that asked -> its asks (REVERSE_PER_ASKER an hour). */
  private readonly reverseAskedBy: AttemptLimiter;

  constructor(private readonly options: ReverseLinkOptions) {
    const now = (): number => this.options.now();
    this.reverseAsked = new AttemptLimiter(this.options.maxRequestsPerHour, HOUR_MS, now);
    this.reverseAskedBy = new AttemptLimiter(REVERSE_PER_ASKER, HOUR_MS, now, REVERSE_ASKERS_KEPT);
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
    const holder = this.options.links.holder(address); // counting or not: the address is taken
    // The requester speaks from the account itself: while the link counts (an IRC nick logged in to its services
    // account), it may know whom it is linked to and how to change that; a stranger with the nick may not.
    if (holder) {
      if (sameAddress(holder, person)) return `this account is already linked to ${addressKey(person)}.`;
      if (this.options.links.personOf(address) === undefined) return "this account is linked to someone else.";
      return `this account is linked to ${addressKey(holder)}; to link it to ${addressKey(person)} instead, ${addressKey(holder)} unlinks it first (identity.unlink).`;
    }
    const now = this.options.now();
    const refusal = this.reverseRateRefusal(person, address);
    if (refusal !== undefined) return refusal;
    const code = newCode();
    const expiresAt = now + this.options.codeTtlMs;
    const key = addressKey(person);
    const sent = await this.options.registry
      .for(person)
      ?.identityCode?.(person, address, shown(code), expiresAt)
      .catch(() => false);
    if (sent !== true) return `${addressKey(person)} has no Switchboard session now: log in there, then ask again.`;
    // A new code for the same account replaces the one before.
    const waiting = (this.reverse.get(key) ?? []).filter((proof) => proof.expiresAt > now && !sameAddress(proof.address, address));
    this.reverse.set(key, [...waiting, { address, codeHash: this.options.codes.hash(code), expiresAt, attempts: 0 }]);
    this.reverseAsked.fail(key);
    this.reverseAskedBy.fail(addressKey(address));
    this.options.log.info({ person: key, address: addressKey(address) }, "link code sent to the person's sessions");
    return `a code went to ${addressKey(person)}'s Switchboard sessions: confirm it there within ${Math.round(this.options.codeTtlMs / 60_000)} minutes (identity.confirm).`;
  }

  /**
   * The person confirms, from their own session, a code sent there by requestFrom: the account that asked is
   * linked. Rejects with GW_ERR_NOT_FOUND when no code waits or the code is wrong (5 wrong answers void them).
   */
  async confirm(person: Address, text: string): Promise<Address> {
    const now = this.options.now();
    const key = addressKey(person);
    const waiting = (this.reverse.get(key) ?? []).filter((proof) => proof.expiresAt > now);
    const match = this.options.codes.matching(waiting, text);
    if (!match) {
      for (const proof of waiting) proof.attempts += 1;
      this.setReverse(key, waiting.filter((proof) => proof.attempts < this.options.maxAttempts));
      throw new GatewayError("GW_ERR_NOT_FOUND", waiting.length === 0 ? "no link code waits for you: ask from the other account first (link <your user name>)" : "that is not the code sent to you");
    }
    // Refused for want of an account (GW_ERR_FORBIDDEN): the code stays, to confirm again once it is logged in.
    const account = await this.options.accountFor(match.address);
    this.setReverse(key, waiting.filter((proof) => proof !== match));
    if (!(await this.options.complete(person, match.address, now, account))) throw new GatewayError("GW_ERR_ALREADY_LINKED", `${addressKey(match.address)} was linked to someone else meanwhile`);
    return match.address;
  }

  private setReverse(key: string, proofs: ReverseProof[]): void {
    if (proofs.length > 0) this.reverse.set(key, proofs);
    else this.reverse.delete(key);
  }

  /**
   * Codes asked from another account: at most maxRequestsPerHour an hour pushed to one person's sessions, and at
   * most REVERSE_PER_ASKER an hour asked by one account, so that a stranger cannot flood them with prompts.
   * The answer for the asker when refused, else undefined.
   */
  private reverseRateRefusal(person: Address, address: Address): string | undefined {
    if (this.reverseAsked.retryAfter(addressKey(person)) > 0) {
      return `${addressKey(person)} was sent ${this.options.maxRequestsPerHour} link codes from other accounts this hour; try again later.`;
    }
    if (this.reverseAskedBy.retryAfter(addressKey(address)) > 0) {
      return `this account asked for ${REVERSE_PER_ASKER} link codes this hour; try again later.`;
    }
    return undefined;
  }
}
