/**
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS architecture blog): the delay
 * for attempt n is uniform in [0, min(cap, base * 2^n)], so that many clients restarting at once spread out
 * instead of reconnecting in a storm.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  readonly random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt));
  const random = options.random ?? Math.random;
  return Math.floor(random() * ceiling);
}
