/**
 * Netsplit damping. When two IRC servers lose their link, every user behind the other server QUITs at once
 * with the two server names as the reason ("irc.a.net irc.b.net", RFC 2812 section 3.1.7 leaves the text to
 * servers; that form is the common one), and most of them come back minutes later when the link returns. Relaying
 * each quit would spam the bridged rooms with leaves and flip everyone's presence offline and back.
 *
 * So a quit whose reason looks like a netsplit is held for `holdMs`: if the nick is seen again meanwhile (a JOIN,
 * MONITOR online, a message), the quit is dropped as if it never happened; otherwise it is released then. Other
 * quits pass at once.
 */

/** "server.one server.two": two host names, each with a dot, and nothing else (the "*.net *.split" mask form too). */
export function isNetsplitReason(reason: string): boolean {
  return /^[\w*.-]+\.[\w*-]+ [\w*.-]+\.[\w*-]+$/.test(reason.trim());
}

export interface DamperClock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: DamperClock = {
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class NetsplitDamper {
  /** Held quits by nick (ASCII lower case). */
  private readonly held = new Map<string, unknown>();

  constructor(
    private readonly holdMs: number,
    private readonly clock: DamperClock = systemClock,
  ) {}

  /** A QUIT: `release` runs now, or after holdMs for a netsplit unless the nick returns first. */
  quit(nick: string, reason: string, release: () => void): void {
    if (this.holdMs <= 0 || !isNetsplitReason(reason)) {
      release();
      return;
    }
    const key = nick.toLowerCase();
    this.cancel(key);
    const handle = this.clock.setTimeout(() => {
      this.held.delete(key);
      release();
    }, this.holdMs);
    this.held.set(key, handle);
  }

  /** The nick is back (a JOIN, MONITOR online, a message): true when a held quit was dropped. */
  returned(nick: string): boolean {
    return this.cancel(nick.toLowerCase());
  }

  isHeld(nick: string): boolean {
    return this.held.has(nick.toLowerCase());
  }

  get size(): number {
    return this.held.size;
  }

  /** Forgets every held quit without releasing it (the gateway's own connection was lost). */
  clear(): void {
    for (const handle of this.held.values()) this.clock.clearTimeout(handle);
    this.held.clear();
  }

  private cancel(key: string): boolean {
    const handle = this.held.get(key);
    if (handle === undefined) return false;
    this.clock.clearTimeout(handle);
    this.held.delete(key);
    return true;
  }
}
