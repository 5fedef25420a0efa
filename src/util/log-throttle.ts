/**
 * At most one log line per interval for something that can happen at the rate of a flood (a client's dropped
 * frames, its bad frames): the first is written, the rest are counted and the count goes with the next line
 * written, or with a summary when the source goes away. One connection must not be able to fill the disk.
 */
export class LogThrottle {
  private lastWritten = Number.NEGATIVE_INFINITY;
  private held = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** An occurrence: the number held back before it when a line is to be written now, else undefined (counted). */
  occurred(): number | undefined {
    const now = this.now();
    if (now - this.lastWritten < this.intervalMs) {
      this.held += 1;
      return undefined;
    }
    this.lastWritten = now;
    const held = this.held;
    this.held = 0;
    return held;
  }

  /** The occurrences held back since the last line written (for a closing summary); resets the count. */
  takeHeld(): number {
    const held = this.held;
    this.held = 0;
    return held;
  }
}
