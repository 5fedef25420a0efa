/**
 * Gateway message ids: strings that sort lexicographically in acceptance order, also across restarts
 * (seeded with the last id in the log), so the outbox can deliver "oldest first" by comparing ids.
 * Form: 10 base-36 digits of milliseconds, then 5 base-36 digits of a counter within that millisecond.
 */
const TIME_DIGITS = 10;
const SEQUENCE_DIGITS = 5;

export class MessageIdGenerator {
  private lastTime = 0;
  private sequence = 0;

  constructor(
    seed?: string,
    private readonly now: () => number = Date.now,
  ) {
    if (seed !== undefined && seed.length === TIME_DIGITS + SEQUENCE_DIGITS) {
      this.lastTime = parseInt(seed.slice(0, TIME_DIGITS), 36);
      this.sequence = parseInt(seed.slice(TIME_DIGITS), 36);
    }
  }

  next(): string {
    const now = this.now();
    if (now > this.lastTime) {
      this.lastTime = now;
      this.sequence = 0;
    } else {
      // Same millisecond, or the clock went back: keep counting from the last id so ids never repeat.
      this.sequence += 1;
      if (this.sequence >= 36 ** SEQUENCE_DIGITS) {
        this.lastTime += 1;
        this.sequence = 0;
      }
    }
    return this.lastTime.toString(36).padStart(TIME_DIGITS, "0") + this.sequence.toString(36).padStart(SEQUENCE_DIGITS, "0");
  }
}

/**
 * The id bound of a time (ms since the epoch): every id made at or after it sorts above, every id made before it
 * below, so a range of times is a range of ids (one index range of the log). Clamped to what ids can hold.
 */
export function idBoundAt(time: number): string {
  const clamped = Math.min(Math.max(Math.floor(time), 0), 36 ** TIME_DIGITS - 1);
  return clamped.toString(36).padStart(TIME_DIGITS, "0");
}
