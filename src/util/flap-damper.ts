/**
 * Flap damping: what other networks are shown of state that bounces (an IRC client or a MUC occupant on a bad
 * link joining and leaving over and over, a contact seen offline during their own reconnect). Each key (a nick
 * in a channel, a watched nick) has a value last shown; a new value is either shown at once or held for a while,
 * and a value that returns to the one shown before its hold ends is never shown at all. IRC's netsplit damper
 * (adapters/irc/netsplit-damper.ts) handles the other cause of mass quits, with its own longer hold.
 *
 * - HoldBack: the mechanism. offer(key, value, holdMs): 0 shows the value now (unless it is the one shown);
 *   more holds it, and a later offer replaces what is held (the newest value wins when the hold ends).
 * - MembershipDamper: joins and leaves of a nick in a channel (or of an occupant in a MUC). A leave is held
 *   `leaveHoldMs` (a leave followed by a rejoin within it relays nothing); a join is shown at once, unless the
 *   nick is flapping: more than `flapChanges` joins and leaves within `flapWindowMs`. A flapping nick's changes,
 *   joins too, are all held until it has been stable for `leaveHoldMs`, and then only its final state is shown,
 *   if it differs.
 * - Presence (the IRC contact watch's reports): offline is held `presenceHoldMs`, anything else passes at once.
 */

export interface DampingClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemDampingClock: DampingClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class HoldBack<V> {
  private readonly shown = new Map<string, V>();
  private readonly held = new Map<string, { value: V; handle: unknown }>();

  constructor(
    private readonly show: (key: string, value: V) => void,
    private readonly same: (a: V, b: V) => boolean = (a, b) => a === b,
    private readonly clock: DampingClock = systemDampingClock,
  ) {}

  /** The value last shown for the key, if any. */
  shownValue(key: string): V | undefined {
    return this.shown.get(key);
  }

  isHeld(key: string): boolean {
    return this.held.has(key);
  }

  /** A new value: shown now (holdMs 0) or after holdMs unless another offer comes first; never if it is the one shown. */
  offer(key: string, value: V, holdMs: number): void {
    this.cancel(key);
    const shown = this.shown.get(key);
    if (shown !== undefined && this.same(shown, value)) return;
    if (holdMs <= 0) {
      this.emit(key, value);
      return;
    }
    const handle = this.clock.setTimeout(() => {
      this.held.delete(key);
      this.emit(key, value);
    }, holdMs);
    this.held.set(key, { value, handle });
  }

  /** Sets what counts as shown without showing it (the state was known before any change, or shown elsewhere). */
  assume(key: string, value: V): void {
    if (!this.shown.has(key)) this.shown.set(key, value);
  }

  /** Forgets a key (nothing held for it is shown). */
  forget(key: string): void {
    this.cancel(key);
    this.shown.delete(key);
  }

  /** Forgets everything held, without showing it, and what was shown. */
  clear(): void {
    for (const { handle } of this.held.values()) this.clock.clearTimeout(handle);
    this.held.clear();
    this.shown.clear();
  }

  private cancel(key: string): void {
    const held = this.held.get(key);
    if (held === undefined) return;
    this.clock.clearTimeout(held.handle);
    this.held.delete(key);
  }

  private emit(key: string, value: V): void {
    this.shown.set(key, value);
    this.show(key, value);
  }
}

export type Membership = "joined" | "left";

function membershipKey(channel: string, nick: string): string {
  return `${channel.toLowerCase()} ${nick.toLowerCase()}`;
}

export interface MembershipDamping {
  readonly leaveHoldMs: number;
  readonly flapChanges: number;
  readonly flapWindowMs: number;
}

export class MembershipDamper {
  private readonly hold: HoldBack<Membership>;
  /** Times of the recent changes of each key, oldest first, within flapWindowMs. */
  private readonly changes = new Map<string, number[]>();
  /** The channel and nick of each key as last given, for show(). */
  private readonly names = new Map<string, { channel: string; nick: string }>();

  constructor(
    private readonly options: MembershipDamping,
    show: (channel: string, nick: string, event: Membership) => void,
    private readonly clock: DampingClock = systemDampingClock,
  ) {
    this.hold = new HoldBack<Membership>(
      (key, event) => {
        const names = this.names.get(key);
        if (names) show(names.channel, names.nick, event);
      },
      undefined,
      clock,
    );
  }

  /**
   * A JOIN, PART, KICK or QUIT of `nick` in `channel` (names compared in ASCII lower case; shown as given).
   * `immediate` (the two sides of a nick change, which is no flap): shown at once and not counted.
   */
  change(channel: string, nick: string, event: Membership, immediate = false): void {
    const key = membershipKey(channel, nick);
    this.names.set(key, { channel, nick });
    // Before any change the nick was where its first change says it was not (on the NAMES list, or absent).
    this.hold.assume(key, event === "joined" ? "left" : "joined");
    const held = !immediate && (this.count(key) > this.options.flapChanges || event === "left");
    this.hold.offer(key, event, held ? this.options.leaveHoldMs : 0);
  }

  /**
   * `from` took the nick `to` in `channel` (no flap, not counted). True when it may be shown as one change, a
   * rename: `from` is shown in the channel (or was there before any change) and nothing is held for either
   * nick; the damper then counts `from` as gone and `to` as in. False: nothing was recorded, and the caller
   * shows it as a leave and a join (`immediate`), which the damper's rules then take.
   */
  renamed(channel: string, from: string, to: string): boolean {
    const fromKey = membershipKey(channel, from);
    const toKey = membershipKey(channel, to);
    if (this.hold.isHeld(fromKey) || this.hold.shownValue(fromKey) === "left") return false;
    if (fromKey !== toKey && (this.hold.isHeld(toKey) || this.hold.shownValue(toKey) === "joined")) return false;
    this.hold.forget(fromKey);
    this.hold.forget(toKey);
    this.hold.assume(toKey, "joined");
    this.names.set(toKey, { channel, nick: to });
    return true;
  }

  /** True while the nick is flapping (its changes are held until it is stable). */
  isFlapping(channel: string, nick: string): boolean {
    return (this.changes.get(membershipKey(channel, nick))?.filter((at) => at > this.clock.now() - this.options.flapWindowMs).length ?? 0) > this.options.flapChanges;
  }

  /**
   * What the channel shows was set anew from its whole list (util/shown-members.ts, after the gateway's rejoin):
   * nothing held for it is shown, and each of its nicks starts afresh, its next change taken against that list.
   */
  forgetChannel(channel: string): void {
    const prefix = `${channel.toLowerCase()} `;
    for (const key of [...this.names.keys(), ...this.changes.keys()]) {
      if (!key.startsWith(prefix)) continue;
      this.hold.forget(key);
      this.changes.delete(key);
      this.names.delete(key);
    }
  }

  /** The gateway's connection was lost: nothing held is shown, and every nick starts afresh. */
  clear(): void {
    this.hold.clear();
    this.changes.clear();
    this.names.clear();
  }

  private count(key: string): number {
    const now = this.clock.now();
    const recent = (this.changes.get(key) ?? []).filter((at) => at > now - this.options.flapWindowMs);
    recent.push(now);
    this.changes.set(key, recent);
    if (this.changes.size > 10_000) this.prune(now);
    return recent.length;
  }

  private prune(now: number): void {
    for (const [key, times] of this.changes) {
      if (times.some((at) => at > now - this.options.flapWindowMs) || this.hold.isHeld(key)) continue;
      this.changes.delete(key);
      this.names.delete(key);
      this.hold.forget(key);
    }
  }
}
