/**
 * How much one user may keep and ask for (`native.limits`), so that one account, or a script behind it, cannot grow
 * the store without bound or make the gateway a source of spam on other networks:
 *
 * - contacts: entries of the user's buddy list (Roster.add counts them, `ContactStore.countKept`);
 * - rooms created: rooms the user created that still exist (RoomService.create, `RoomStore.countCreatedBy`); the
 *   gateway's admins are not limited, as they may also join a full room (core/room-capacity.ts);
 * - subscription requests an hour: each `presence.subscribe` that asks a person, on this gateway or another network.
 *   An XMPP server operator bans a domain whose JIDs prompt its users with requests by the thousand, and the
 *   gateway's domain is the sender of every request a native user makes to a JID. A request that asks nobody is not
 *   counted: one approved at once (the other side lets the user see its presence already), or one to a network
 *   without consent (an IRC nick is watched, MONITOR, and nobody is asked: `asksPerson`).
 *
 * A limit lowered below what someone has takes nothing away: only the next addition is refused. The limits are read
 * at each check, so a reload of the configuration file (SIGHUP) changes them for the next.
 */
import { AttemptLimiter } from "../util/attempt-limiter.js";
import { SerialByKey } from "../util/serial-by-key.js";
import { GatewayError } from "./errors.js";
import { addressKey, type Address } from "./model/address.js";

const HOUR_MS = 3_600_000;

/** The limits themselves (`native.limits`). */
export interface UserLimitValues {
  readonly contacts: number;
  readonly roomsCreated: number;
  readonly contactRequestsPerHour: number;
}

/** What the limits ask of the rest of the gateway. */
export interface UserLimitsDependencies {
  /** Whether someone may create rooms without limit: the gateway's admins. */
  readonly unlimitedRooms: (user: Address) => boolean;
  /** Whether a subscription request to the address asks a person (not an IRC nick, which is only watched). */
  readonly asksPerson: (address: Address) => boolean;
  /** Whether `viewer` may see `subject`'s presence already (Roster.maySee): a request then asks nobody. */
  readonly maySee: (viewer: Address, subject: Address) => Promise<boolean>;
}

/** GW_ERR_LIMIT_REACHED when someone who has `count` of something may have at most `max`. */
export function checkLimit(count: number, max: number, what: string, key: string): void {
  if (count >= max) throw new GatewayError("GW_ERR_LIMIT_REACHED", `you have ${count} ${what}: this gateway allows ${max} (${key})`);
}

export class UserLimits {
  private readonly requests: AttemptLimiter;
  /** A user's requests one at a time, so that requests from several sessions cannot all find the last one free. */
  private readonly requesting = new SerialByKey();

  constructor(
    private values: UserLimitValues,
    private readonly deps: UserLimitsDependencies,
    now: () => number = Date.now,
  ) {
    this.requests = new AttemptLimiter(values.contactRequestsPerHour, HOUR_MS, now);
  }

  /** New limits (a reload of the configuration file), for the next checks; requests made so far still count. */
  set(values: UserLimitValues): void {
    this.values = values;
  }

  /** The limits now (after the last reload), as configured: what a client is told (native hello). */
  get current(): UserLimitValues {
    return this.values;
  }

  /** The most contacts a user may keep. */
  get contacts(): number {
    return this.values.contacts;
  }

  /** The most rooms the user may have created: unlimited for the gateway's admins. */
  roomsCreatedBy(user: Address): number {
    return this.deps.unlimitedRooms(user) ? Number.POSITIVE_INFINITY : this.values.roomsCreated;
  }

  /**
   * Makes `user`'s subscription request to `to` (`make`), counted in the user's hourly budget when it asks a person;
   * GW_ERR_RATE_LIMITED, saying when the user may ask again, when the budget is spent. A request that failed is not
   * counted.
   */
  request(user: Address, to: Address, make: () => Promise<void>): Promise<void> {
    const key = addressKey(user);
    return this.requesting.run(key, async () => {
      const asks = this.deps.asksPerson(to) && !(await this.deps.maySee(user, to));
      if (!asks) return make();
      const max = this.values.contactRequestsPerHour;
      const retryAfter = this.requests.retryAfter(key, max);
      if (retryAfter > 0) {
        throw new GatewayError("GW_ERR_RATE_LIMITED", `you made ${max} subscription requests within an hour, as many as this gateway allows (native.limits.contact_requests_per_hour); try again in ${Math.ceil(retryAfter / 1000)} s`);
      }
      await make();
      this.requests.fail(key); // counted: a request made
    });
  }
}
