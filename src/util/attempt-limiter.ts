/**
 * Limits attempts per key, such as a remote address or a user name: at most `max` counted attempts (or the limit
 * given for that kind of key) in a sliding window of `windowMs`. Native logins count failures, checked before the
 * password is verified so that a guesser learns nothing while blocked; registrations and link codes asked from
 * other networks (core/identities.ts) count every attempt made. The clock is injectable so tests need no sleeps.
 * `maxKeys` bounds the memory where anyone can make keys (any account of another network): a new key beyond it
 * forgets every key first, so many keys are forgotten early rather than kept without end.
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = Number.POSITIVE_INFINITY,
  ) {}

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
    if (!this.failures.has(key) && this.failures.size >= this.maxKeys) this.failures.clear();
    this.failures.set(key, recent);
  }

  /** Takes back one counted attempt of the key: one counted before it was made, that turned out not to be made. */
  forgive(key: string): void {
    const recent = this.recent(key);
    if (recent.pop() === undefined) return;
    if (recent.length === 0) this.failures.delete(key);
    else this.failures.set(key, recent);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const recent = (this.failures.get(key) ?? []).filter((time) => time > cutoff);
    if (recent.length === 0) this.failures.delete(key);
    return recent;
  }
}
