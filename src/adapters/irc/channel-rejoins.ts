/**
 * Bridged channels the gateway's own connection is out of: kicked, or its JOIN refused (banned, a wrong key,
 * invite only, full). Everything said in the channel reaches the bridge through that connection, so while it is
 * out the channel's side of the conversation is lost: the adapter warns, counts such channels in its status
 * (`channels_not_joined`), and JOINs again, REJOIN_AFTER_KICK_MS after a kick, then every RETRY_MS, and at once
 * when someone INVITEs the gateway there (what an operator does to let it back into an invite-only channel).
 */
import { systemTimers, type Timers } from "../../util/timers.js";

/** After a kick: soon, as a client would (a kick is often a warning, not a ban). */
export const REJOIN_AFTER_KICK_MS = 5_000;
/** After a refusal: a ban or a key does not change by itself, but an operator may change it. */
export const RETRY_MS = 60_000;

export class ChannelRejoins {
  /** By channel name in ASCII lower case: the name as bridged, and the pending retry. */
  private readonly out = new Map<string, { readonly channel: string; timer: unknown }>();

  constructor(
    /** Sends the JOIN (with the channel's key) on the gateway's connection. */
    private readonly join: (channel: string) => void,
    private readonly timers: Timers = systemTimers,
  ) {}

  /** The channels the connection is out of, as bridged. */
  get channels(): string[] {
    return [...this.out.values()].map((entry) => entry.channel);
  }

  isOut(channel: string): boolean {
    return this.out.has(channel.toLowerCase());
  }

  /** The connection is out of `channel` (kicked: soon; refused: RETRY_MS): a JOIN is tried `afterMs` from now. */
  left(channel: string, afterMs: number): void {
    const key = channel.toLowerCase();
    const known = this.out.get(key);
    if (known) this.timers.clearTimeout(known.timer);
    const entry = { channel, timer: undefined as unknown };
    this.out.set(key, entry);
    entry.timer = this.timers.setTimeout(() => this.retry(key), afterMs);
  }

  /** The connection is in `channel` (the server sent its names): nothing more to do. */
  joined(channel: string): void {
    const key = channel.toLowerCase();
    const entry = this.out.get(key);
    if (!entry) return;
    this.timers.clearTimeout(entry.timer);
    this.out.delete(key);
  }

  /** Every channel the connection is out of is tried now (the operator reloaded the configuration). */
  retryAll(): void {
    for (const key of [...this.out.keys()]) this.retry(key);
  }

  /** Someone invited the gateway to `channel`: when it is out of it, it JOINs now. */
  invited(channel: string): boolean {
    const key = channel.toLowerCase();
    if (!this.out.has(key)) return false;
    this.retry(key);
    return true;
  }

  /** The connection is gone, or the channel is no longer bridged (`channel`): no more JOINs for it. */
  forget(channel?: string): void {
    for (const [key, entry] of this.out) {
      if (channel !== undefined && key !== channel.toLowerCase()) continue;
      this.timers.clearTimeout(entry.timer);
      this.out.delete(key);
    }
  }

  private retry(key: string): void {
    const entry = this.out.get(key);
    if (!entry) return;
    this.timers.clearTimeout(entry.timer);
    // Until the server sends the names (joined) or refuses again (left): the next try in RETRY_MS either way.
    entry.timer = this.timers.setTimeout(() => this.retry(key), RETRY_MS);
    this.join(entry.channel);
  }
}
