/**
 * Limits failed attempts (logins, registrations) per key, such as a remote address or a user name: at most
 * `max` failures (or the limit given for that kind of key) in a sliding window of `windowMs`. Checked before the password is verified, so a guesser
 * learns nothing while blocked. The clock is injectable so tests need no sleeps.
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfter(key: string, max = this.max): number {
    const recent = this.recent(key);
    if (recent.length < max) return 0;
    // Blocked until enough failures leave the window that fewer than `max` remain.
    return Math.max(1, (recent[recent.length - max] ?? 0) + this.windowMs - this.now());
  }

  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.set(key, recent);
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
