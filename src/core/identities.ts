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
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, sameAddress, type Address } from "./model/address.js";
import type { IdentityLinkRecord, IdentityStore } from "../store/store.js";

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 8;
const HOUR_MS = 60 * 60 * 1000;

export interface IdentityOptions {
  readonly store: IdentityStore;
  readonly registry: AdapterRegistry;
  readonly log: Logger;
  readonly codeTtlMs?: number;
  readonly maxAttempts?: number;
  readonly maxRequestsPerHour?: number;
  readonly now?: () => number;
  /** Links proven or removed: the router's presence and routing follow them. */
  readonly onChange?: (person: Address, address: Address, linked: boolean) => void;
}

/**
 * The codes a message may hold, as people type them: "ABCD-EFGH", "abcd efgh", "my code is abcdefgh". Case and
 * one separator in the middle do not matter.
 */
export function codeCandidates(text: string): string[] {
  const candidates = new Set<string>();
  for (const match of text.matchAll(/(?<![A-Za-z0-9])([A-Za-z0-9]{4})[\s-]?([A-Za-z0-9]{4})(?![A-Za-z0-9])/g)) {
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

export class IdentityService {
  private readonly key = randomBytes(32);
  /** address key -> the link, for every proven link (loaded by start()). */
  private readonly byAddress = new Map<string, { readonly person: Address; readonly address: Address }>();
  /** person key -> their linked accounts: asked on every direct message and presence, so kept, not searched. */
  private readonly byPerson = new Map<string, Address[]>();
  private readonly codeTtlMs: number;
  private readonly maxAttempts: number;
  private readonly maxRequestsPerHour: number;

  constructor(private readonly options: IdentityOptions) {
    this.codeTtlMs = options.codeTtlMs ?? 10 * 60 * 1000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxRequestsPerHour = options.maxRequestsPerHour ?? 5;
  }

  async start(): Promise<void> {
    for (const link of await this.options.store.allLinks()) this.remember(link.person, link.address);
    await this.options.store.removeExpiredProofs(this.now());
  }

  /** The person an account is linked to, if any (synchronous: used on every presence and message). */
  personOf(address: Address): Address | undefined {
    return this.byAddress.get(addressKey(address))?.person;
  }

  /** Every proven link. */
  allLinks(): Array<{ readonly person: Address; readonly address: Address }> {
    return [...this.byAddress.values()];
  }

  /** The person's linked accounts (not the person's own address). */
  linkedTo(person: Address): Address[] {
    return this.byPerson.get(addressKey(person)) ?? [];
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
    const holder = this.personOf(address);
    if (holder) {
      throw new GatewayError("GW_ERR_ALREADY_LINKED", sameAddress(holder, person) ? `${addressKey(address)} is already linked to you` : `${addressKey(address)} is linked to someone else`);
    }
    const now = this.now();
    if ((await this.options.store.proofsAskedSince(person, now - HOUR_MS)) >= this.maxRequestsPerHour) {
      throw new GatewayError("GW_ERR_RATE_LIMITED", `at most ${this.maxRequestsPerHour} link codes an hour; try again later`, { retryable: true });
    }
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
    const now = this.now();
    const proofs = (await this.options.store.proofsFor(from)).filter((proof) => proof.expiresAt > now);
    if (proofs.length === 0) return false;
    const answers = codeCandidates(body).map((candidate) => Buffer.from(this.hash(candidate), "hex"));
    const match = proofs.find((proof) => {
      const expected = Buffer.from(proof.codeHash, "hex");
      return answers.some((answer) => answer.length === expected.length && timingSafeEqual(expected, answer));
    });
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
    await this.options.store.removeProof(match.person, match.address);
    if (!(await this.options.store.link({ person: match.person, address: from, linkedAt: now }))) {
      await adapter?.sendServiceMessage?.(from, "Switchboard: this account was linked to someone else meanwhile.").catch(() => undefined);
      return true;
    }
    this.remember(match.person, from);
    this.options.log.info({ person: addressKey(match.person), address: addressKey(from) }, "accounts linked");
    await adapter?.sendServiceMessage?.(from, `Switchboard: this account is now linked to ${addressKey(match.person)}.`).catch(() => undefined);
    await this.tellPerson(match.person, from, true);
    this.options.onChange?.(match.person, from, true);
    return true;
  }

  async unlink(person: Address, address: Address): Promise<void> {
    if (!(await this.options.store.unlink(person, address))) throw new GatewayError("GW_ERR_NOT_FOUND", `${addressKey(address)} is not linked to you`);
    this.byAddress.delete(addressKey(address));
    const rest = this.linkedTo(person).filter((linked) => !sameAddress(linked, address));
    if (rest.length > 0) this.byPerson.set(addressKey(person), rest);
    else this.byPerson.delete(addressKey(person));
    this.options.log.info({ person: addressKey(person), address: addressKey(address) }, "accounts unlinked");
    await this.tellPerson(person, address, false);
    this.options.onChange?.(person, address, false);
  }

  private async tellPerson(person: Address, address: Address, linked: boolean): Promise<void> {
    await this.options.registry
      .for(person)
      ?.identityChanged?.(person, address, linked)
      .catch((error: unknown) => this.options.log.warn({ err: error }, "link change not told"));
  }

  private remember(person: Address, address: Address): void {
    this.byAddress.set(addressKey(address), { person, address });
    this.byPerson.set(addressKey(person), [...this.linkedTo(person), address]);
  }

  private hash(code: string): string {
    return createHmac("sha256", this.key).update(code).digest("hex");
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
