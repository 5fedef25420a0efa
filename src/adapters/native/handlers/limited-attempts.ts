/**
 * An attempt a user may fail only so often (a password tried against another network's server through the
 * gateway): refused with GW_ERR_RATE_LIMITED while the key is throttled; a success clears the key, and a
 * failure counts when `counts` says it is one that a guesser would make.
 */
import { GatewayError } from "../../../core/errors.js";
import type { AttemptLimiter } from "../../../util/attempt-limiter.js";

export async function limitedAttempt<T>(limiter: AttemptLimiter, key: string, what: string, counts: (error: unknown) => boolean, attempt: () => Promise<T>): Promise<T> {
  const retryAfter = limiter.retryAfter(key);
  if (retryAfter > 0) throw new GatewayError("GW_ERR_RATE_LIMITED", `${what}; try again in ${Math.ceil(retryAfter / 1000)} s`);
  try {
    const result = await attempt();
    limiter.succeed(key);
    return result;
  } catch (error: unknown) {
    if (counts(error)) limiter.fail(key);
    throw error;
  }
}
