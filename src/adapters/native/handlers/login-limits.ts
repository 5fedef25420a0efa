/**
 * Failed password checks, limited as docs/protocol.md "Login attempts" says: one name from one address; one address
 * over all names (spraying); one name over all addresses (distributed guessing). The last is loose, so that a
 * guesser at one address cannot lock the user out: they hit the first limit long before. A wrong old password in
 * `account.password` counts as a failed login of that user, so that a session left open cannot guess the password.
 */
import { GatewayError } from "../../../core/errors.js";
import type { AttemptLimiter } from "../../../util/attempt-limiter.js";

/** Failed logins from one address over all names, and for one name over all addresses, as multiples of max. */
const REMOTE_FACTOR = 4;
const USER_FACTOR = 20;

export interface PasswordAttempt {
  /** Refuses with GW_ERR_RATE_LIMITED while any of the three limits is reached. */
  check(): void;
  failed(): void;
  succeeded(): void;
}

/** The attempt of `remote` at the password of user `name` (lower case). */
export function passwordAttempt(limiter: AttemptLimiter, remote: string, name: string): PasswordAttempt {
  const byPair = `login:${remote}:${name}`;
  const byRemote = `login:${remote}`;
  const byUser = `login-user:${name}`;
  return {
    check: () =>
      throttle(Math.max(limiter.retryAfter(byPair), limiter.retryAfter(byRemote, limiter.max * REMOTE_FACTOR), limiter.retryAfter(byUser, limiter.max * USER_FACTOR))),
    failed: () => {
      for (const key of [byPair, byRemote, byUser]) limiter.fail(key);
    },
    succeeded: () => limiter.succeed(byPair),
  };
}

export function throttle(retryAfterMs: number, what = "too many failed attempts"): void {
  if (retryAfterMs > 0) {
    throw new GatewayError("GW_ERR_RATE_LIMITED", `${what}; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}
