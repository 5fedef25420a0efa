/**
 * Failed password checks, limited as docs/protocol.md "Login attempts" says: one name from one address; one address
 * over all names (spraying); one name over all addresses (distributed guessing). The last is loose, so that a
 * guesser at one address cannot lock the user out: they hit the first limit long before. A wrong old password in
 * `account.password` counts as a failed login of that user, so that a session left open cannot guess the password.
 *
 * One limiter for the whole gateway (`loginLimiter`, made by gateway.ts from `native.login_attempts`): every way a
 * native password is checked counts in it (native logins, and XMPP in-band registration, adapters/xmpp/registration.ts),
 * so that none is a faster way to guess a password than another.
 */
import { GatewayError } from "./errors.js";
import { AttemptLimiter } from "../util/attempt-limiter.js";

/** Failed logins from one address over all names, and for one name over all addresses, as multiples of max. */
const REMOTE_FACTOR = 4;
const USER_FACTOR = 20;

export interface PasswordAttempt {
  /** Refuses with GW_ERR_RATE_LIMITED while any of the three limits is reached. */
  check(): void;
  /**
   * Counts the attempt as failed before its password is checked: checks run side by side (XMPP stanzas come in at
   * once; one address may open many native connections and log in on all of them at once), and each must see the
   * others' counts, so that a burst of guesses is limited as guesses one after the other are. An attempt whose
   * check throws stays counted as failed.
   */
  begin(): void;
  /** The password was right: takes back what `begin` counted, and forgets the pair's earlier failures. */
  passed(): void;
}

/**
 * The gateway's one limiter of failed password checks (native.login_attempts). It keeps at most DEFAULT_MAX_KEYS
 * (100,000) keys, since anyone can make them (any name, any JID, any IPv6 address); past that the least recently
 * failed keys that block nothing yet are evicted first (util/attempt-limiter.ts): a guesser's per-user and
 * per-remote keys reach `max` with their first guesses and are kept, so evicting a pair key lifts neither.
 */
export function loginLimiter(settings: { readonly max: number; readonly window_seconds: number }): AttemptLimiter {
  return new AttemptLimiter(settings.max, settings.window_seconds * 1000);
}

/**
 * The attempt of `remote` at the password of user `name` (lower case). `asker`: who exactly asks from that remote,
 * when the remote stands for many (an XMPP server's domain, whose users each have a JID): the first limit is then
 * per asker and name, the second per remote over all names.
 */
export function passwordAttempt(limiter: AttemptLimiter, remote: string, name: string, asker = remote): PasswordAttempt {
  const byPair = `login:${asker}:${name}`;
  const byRemote = `login:${remote}`;
  const byUser = `login-user:${name}`;
  return {
    check: () =>
      throttle(Math.max(limiter.retryAfter(byPair), limiter.retryAfter(byRemote, limiter.max * REMOTE_FACTOR), limiter.retryAfter(byUser, limiter.max * USER_FACTOR))),
    begin: () => {
      for (const key of [byPair, byRemote, byUser]) limiter.fail(key);
    },
    passed: () => {
      limiter.forgive(byRemote);
      limiter.forgive(byUser);
      limiter.succeed(byPair);
    },
  };
}

export function throttle(retryAfterMs: number, what = "too many failed attempts"): void {
  if (retryAfterMs > 0) {
    throw new GatewayError("GW_ERR_RATE_LIMITED", `${what}; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}
