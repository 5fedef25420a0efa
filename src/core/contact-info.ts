/**
 * Contact information across networks ("who is this?", core/model/contact-info.ts): native `contact.info` and the XMPP
 * component's vCards of gateway JIDs ask here, and the adapter of the person's network answers (Adapter.contactInfo:
 * an IRC WHOIS on the gateway's own connection, a vCard asked of an XMPP user's server, what a native user's contacts
 * may see). The service keeps what every kind shares:
 *
 * - a limit per asker (PER_MINUTE lookups in a sliding minute, GW_ERR_RATE_LIMITED), since each lookup costs the
 *   network a request (a WHOIS flood gets the gateway's own connection throttled or killed by the IRC server), and
 *   one per XMPP server over all its JIDs (ORIGIN_FACTOR times as many: core/asker-origin.ts);
 * - a timeout for every kind (TIMEOUT_MS, GW_ERR_UNAVAILABLE with condition "timeout", as other requests a peer does
 *   not answer: adapters have shorter ones of their own, this one bounds any that has none);
 * - the address's checks: someone else's own account's contact is refused (Router.checkOwnership), a room is no person
 *   (GW_ERR_BAD_ADDRESS; a channel of an IRC server on demand is told by its prefix, without connecting the server),
 *   a JID of the gateway's own domain is asked about as whom it stands for (alice@gateway is native alice);
 * - every string cleaned (cleanInfo) whatever the adapter did;
 * - a person of an IRC server on demand not connected yet is looked up as at a first use of the server: it is
 *   connected for the lookup (AdapterRegistry.obtain, with the same checks: a host not allowed, or past a limit, is
 *   refused with its code), counted in the asker's limit before it is connected, reached or not, as room.directory
 *   counts its listings (core/room-directory.ts).
 */
import type { Adapter } from "./adapter.js";
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError } from "./errors.js";
import { addressKey, formatAddress, type Address } from "./model/address.js";
import { cleanInfo, type ContactInfo } from "./model/contact-info.js";
import type { Avatar } from "./model/avatar.js";
import { AttemptLimiter } from "../util/attempt-limiter.js";
import { askerOrigin, ORIGIN_FACTOR } from "./asker-origin.js";

/** Lookups one asker may make in a minute. */
export const PER_MINUTE = 10;
/** The longest a lookup waits for its network's answer. */
export const TIMEOUT_MS = 15_000;
/** Askers remembered at once (anyone of another network can be one): more evict those that asked least recently (AttemptLimiter). */
const MAX_ASKERS = 10_000;

export interface ContactInfoDependencies {
  readonly registry: Pick<AdapterRegistry, "for" | "obtain" | "isOnDemand" | "isRoomOnDemand">;
  /** Router.checkOwnership: GW_ERR_FORBIDDEN when either is reached through someone else's own account. */
  readonly checkOwnership: (a: Address, b: Address) => void;
  /** The person an address is linked to (IdentityService.personOf): one person's accounts share one limit. */
  readonly personOf?: (address: Address) => Address | undefined;
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

export class ContactInfoService {
  private readonly limiter: AttemptLimiter;
  private readonly timeoutMs: number;

  constructor(private readonly deps: ContactInfoDependencies) {
    this.limiter = new AttemptLimiter(PER_MINUTE, 60_000, deps.now ?? Date.now, MAX_ASKERS);
    this.timeoutMs = deps.timeoutMs ?? TIMEOUT_MS;
  }

  /** What `subject`'s network tells `viewer` about them; see the header for the refusals. */
  async lookup(viewer: Address, subject: Address): Promise<ContactInfo> {
    return cleanInfo(await this.ask(viewer, subject, true, "contactInfo", (network, person) => network.contactInfo(person, viewer)));
  }

  /**
   * `subject`'s avatar as `viewer` may see it (native `avatar.get`, the PHOTO of a gateway JID's vCard), with the same
   * checks as lookup. Counted in the asker's limit only where it costs a network a request (not a native user's).
   */
  async avatar(viewer: Address, subject: Address): Promise<Avatar | undefined> {
    return this.ask(viewer, subject, false, "avatar", (network, person) => network.avatar(person, viewer));
  }

  /** `what` asked of the subject's network, after the header's checks; `counted` false counts only an asker of a person of another network than native. */
  private async ask<T, K extends Asked>(viewer: Address, subject: Address, counted: boolean, asked: K, what: (network: Adapter & Required<Pick<Adapter, K>>, person: Address) => Promise<T>): Promise<T> {
    const { registry } = this.deps;
    let adapter = registry.for(subject);
    const standsFor = adapter?.standsFor?.(subject);
    if (standsFor !== undefined) {
      subject = standsFor;
      adapter = registry.for(subject);
    }
    if (adapter === undefined && !registry.isOnDemand(subject.protocol, subject.account)) throw noRoute(subject);
    if (adapter !== undefined) checkSubject(adapter, subject, asked);
    else if (registry.isRoomOnDemand(subject)) throw notAPerson(subject);
    this.deps.checkOwnership(viewer, subject);
    if (counted || subject.protocol !== "native") this.count(viewer);
    const answer = async (): Promise<T> => {
      const network = adapter ?? (await registry.obtain(subject, viewer));
      if (network === undefined) throw noRoute(subject);
      checkSubject(network, subject, asked);
      return what(network, subject);
    };
    return withTimeout(answer(), this.timeoutMs, formatAddress(subject));
  }

  /** Counts a lookup of `viewer`'s person, or throws GW_ERR_RATE_LIMITED. */
  private count(viewer: Address): void {
    const person = this.deps.personOf?.(viewer) ?? viewer;
    const key = addressKey(person);
    const origin = askerOrigin(person);
    const wait = Math.max(this.limiter.retryAfter(key), origin === undefined ? 0 : this.limiter.retryAfter(origin, PER_MINUTE * ORIGIN_FACTOR));
    if (wait > 0) throw new GatewayError("GW_ERR_RATE_LIMITED", `at most ${PER_MINUTE} contact lookups a minute: try again in ${Math.ceil(wait / 1000)} s`);
    this.limiter.fail(key);
    if (origin !== undefined) this.limiter.fail(origin);
  }
}

function noRoute(subject: Address): GatewayError {
  return new GatewayError("GW_ERR_NO_ROUTE", `no network of this gateway serves ${formatAddress(subject)}`);
}

function notAPerson(subject: Address): GatewayError {
  return new GatewayError("GW_ERR_BAD_ADDRESS", `${formatAddress(subject)} is a room, not a person`);
}

/** What is asked of a person's network. */
type Asked = "contactInfo" | "avatar";

/** A room is no person, and a network may tell nothing about its people, or show no avatars. */
function checkSubject<K extends Asked>(adapter: Adapter, subject: Address, asked: K): asserts adapter is Adapter & Required<Pick<Adapter, K>> {
  if (adapter.isRoom?.(subject) === true) throw notAPerson(subject);
  if (adapter[asked] === undefined) throw new GatewayError("GW_ERR_UNSUPPORTED", `${subject.protocol}/${subject.account} ${asked === "avatar" ? "shows no avatars" : "tells nothing about its people"}`);
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new GatewayError("GW_ERR_UNAVAILABLE", `no answer about ${what} within ${ms / 1000} s`, { retryable: true, condition: "timeout" })), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
