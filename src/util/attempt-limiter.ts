/**
 * Limits attempts per key, such as a remote address or a user name: at most `max` counted attempts (or the limit
 * given for that kind of key) in a sliding window of `windowMs`. Native logins count failures, checked before the
 * password is verified so that a guesser learns nothing while blocked; registrations and link codes asked from
 * other networks (core/identities.ts) count every attempt made. The clock is injectable so tests need no sleeps.
 *
 * Memory is bounded, since anyone can make keys (any user name, any account of another network, any IPv6 address):
 * - keys whose attempts have all left the window are dropped by a sweep, made when a new key comes and either the
 *   number of keys has doubled since the last sweep or a window has passed since it: its cost is paid by the keys
 *   made before it or spread over a window, and the map shrinks again after a burst;
 * - past `maxKeys`, a new key first evicts another. Never clearing them all: whoever can make keys could then reset
 *   everyone's counts. Evicted first: a key whose attempts have all left the window; then the key that failed least
 *   recently among those with fewer than `max` attempts in the window ("counting"); only when every key has `max`
 *   or more (the least of the limits given, so every blocked key and every key near its own higher limit), the
 *   one of those that failed least recently. So to evict a key an attacker makes `maxKeys` keys, a failed attempt
 *   each; and what evicting gives back is fewer than `max` attempts of a key that was blocking nothing yet. For
 *   logins (core/login-limits.ts) a guesser's per-remote and per-user keys pass `max` with the guesser's first
 *   attempts and are kept, so evicting a pair key does not lift those.
 * Each map keeps its keys in the order of their last attempt (delete then set), so the oldest is always the first:
 * every step is O(1) but the sweep, amortised as said.
 */
export const DEFAULT_MAX_KEYS = 100_000;

/** The least number of keys before a sweep, so that a small map is never swept over and over. */
const MIN_SWEEP_AT = 1024;

export class AttemptLimiter {
  /** Keys with fewer than `max` attempts in the window at their last attempt, oldest last attempt first. */
  private readonly counting = new Map<string, number[]>();
  /** Keys with `max` or more attempts in the window at their last attempt: evicted last. */
  private readonly held = new Map<string, number[]>();
  private sweepAt = MIN_SWEEP_AT;
  private lastSweep: number;

  constructor(
    readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {
    this.lastSweep = now();
  }

  /** The number of keys remembered (for tests and metrics). */
  get size(): number {
    return this.counting.size + this.held.size;
  }

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfter(key: string, max = this.max): number {
    const recent = this.recent(key);
    if (recent.length < max) return 0;
    // Blocked until enough failures leave the window that fewer than `max` remain.
    return Math.max(1, (recent[recent.length - max] ?? 0) + this.windowMs - this.now());
  }

  /** Counts an attempt of the key (a failed login; a registration or a link code, made). */
  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    const known = this.forget(key);
    if (!known) this.makeRoom();
    this.keep(key, recent);
  }

  /** Takes back one counted attempt of the key: one counted before it was made, that turned out not to be made. */
  forgive(key: string): void {
    const recent = this.recent(key);
    if (recent.pop() === undefined) return;
    // Keeps its place in the order: taking an attempt back is not a new attempt.
    if (recent.length === 0) this.forget(key);
    else if (this.counting.has(key)) this.counting.set(key, recent);
    else this.held.set(key, recent);
  }

  succeed(key: string): void {
    this.forget(key);
  }

  private keep(key: string, recent: number[]): void {
    (recent.length >= this.max ? this.held : this.counting).set(key, recent);
  }

  private forget(key: string): boolean {
    return this.counting.delete(key) || this.held.delete(key);
  }

  private makeRoom(): void {
    if (this.size >= this.sweepAt || this.now() - this.lastSweep >= this.windowMs) this.sweep();
    while (this.size > 0 && this.size >= this.maxKeys) this.evictOne();
  }

  private sweep(): void {
    this.lastSweep = this.now();
    const cutoff = this.lastSweep - this.windowMs;
    for (const map of [this.counting, this.held]) {
      for (const [key, times] of map) if ((times[times.length - 1] ?? 0) <= cutoff) map.delete(key);
    }
    this.sweepAt = Math.max(MIN_SWEEP_AT, this.size * 2);
  }

  private evictOne(): void {
    const cutoff = this.now() - this.windowMs;
    const oldestHeld = this.held.entries().next().value;
    if (oldestHeld !== undefined && (oldestHeld[1][oldestHeld[1].length - 1] ?? 0) <= cutoff) {
      this.held.delete(oldestHeld[0]);
      return;
    }
    const oldestCounting = this.counting.keys().next().value;
    if (oldestCounting !== undefined) this.counting.delete(oldestCounting);
    else if (oldestHeld !== undefined) this.held.delete(oldestHeld[0]);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const recent = (this.counting.get(key) ?? this.held.get(key) ?? []).filter((time) => time > cutoff);
    if (recent.length === 0) this.forget(key);
    return recent;
  }
}
