/**
 * Token bucket: `burst` tokens, refilled at `ratePerSecond`. Used for per-connection frame limits and login
 * attempt limits. The clock is injectable so tests need no sleeps.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket is full again, so the caller can forget it. */
  isFull(): boolean {
    const now = this.now();
    return this.tokens + ((now - this.last) / 1000) * this.ratePerSecond >= this.burst;
  }
}
