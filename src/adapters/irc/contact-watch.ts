/**
 * Buddy status of IRC users whom Switchboard users have as contacts, from the gateway's own connection:
 * - online/offline: MONITOR (IRCv3 monitor, numerics 730/731) when the server offers it, else ISON polling
 *   (RFC 2812 section 4.9) every `presence_poll_seconds`;
 * - away: `away-notify` (IRCv3; with `extended-monitor` also for monitored users outside shared channels),
 *   and a WHO refresh (RFC 2812 section 3.6.1, the H/G flag) of the online contacts at each poll, for servers
 *   that push nothing (ngIRCd).
 * The result is reported as presence (presence-map.ts presenceFromIrc) only when it changes; network-watches.ts holds
 * an offline report for `presence_hold_seconds` (util/flap-damper.ts), so a contact back meanwhile never flips offline.
 */
import { sameUserState, type IrcUserState } from "./presence-map.js";

/** Nicks per ISON or MONITOR line are capped by bytes (well under 512 with the command) and by count. */
const BATCH_BYTES = 400;
const BATCH_NICKS = 20;

/** Groups nicks so that each group, joined by one separator, stays within BATCH_BYTES and BATCH_NICKS. */
export function batches(nicks: readonly string[]): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const nick of nicks) {
    const size = Buffer.byteLength(nick) + 1;
    if (current.length > 0 && (bytes + size > BATCH_BYTES || current.length >= BATCH_NICKS)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(nick);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export interface WatchConnection {
  readonly server: { readonly monitor?: number | undefined };
  send(command: string, params: readonly string[]): void;
}

export class ContactWatch {
  /** Watched nicks (ASCII lower case) -> the nick as written and the last state reported. */
  private readonly watched = new Map<string, { nick: string; state: IrcUserState | undefined }>();
  private connection: WatchConnection | undefined;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly pollMs: number,
    private readonly report: (nick: string, state: IrcUserState) => void,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** A connection is up: watch everything again on it, and poll when it cannot push. */
  attach(connection: WatchConnection): void {
    this.connection = connection;
    for (const entry of this.watched.values()) entry.state = undefined;
    const nicks = [...this.watched.values()].map((entry) => entry.nick);
    if (this.usesMonitor()) for (const group of batches(nicks)) this.sendSafely(["MONITOR", "+", group.join(",")]);
    this.poller = setInterval(() => this.poll(), this.pollMs);
    this.poller.unref();
    this.poll();
  }

  detach(): void {
    this.connection = undefined;
    this.isonBatches.length = 0;
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  isWatched(nick: string): boolean {
    return this.watched.has(nick.toLowerCase());
  }

  watch(nick: string): void {
    const key = nick.toLowerCase();
    if (this.watched.has(key)) return;
    this.watched.set(key, { nick, state: undefined });
    const connection = this.connection;
    if (!connection) return;
    if (this.usesMonitor()) this.sendSafely(["MONITOR", "+", nick]);
    else this.ison([nick]);
  }

  /** MONITOR 730/731 or an ISON answer for these nicks. */
  online(nicks: readonly string[]): void {
    for (const nick of nicks) {
      const entry = this.watched.get(nick.toLowerCase());
      if (!entry || (entry.state !== undefined && entry.state.kind !== "offline")) continue;
      this.set(entry, { kind: "here" });
      // Whether they are away is not in MONITOR or ISON: ask.
      this.sendSafely(["WHO", entry.nick]);
    }
  }

  offline(nicks: readonly string[]): void {
    for (const nick of nicks) {
      const entry = this.watched.get(nick.toLowerCase());
      if (entry) this.set(entry, { kind: "offline" });
    }
  }

  /** An ISON answer: the watched nicks it asked about and did not list are offline (answered). */
  private isonAnswer(asked: readonly string[], online: readonly string[]): string[] {
    const present = new Set(online.map((nick) => nick.toLowerCase()));
    const offline = asked.filter((nick) => !present.has(nick.toLowerCase()));
    this.online(online);
    this.offline(offline);
    return offline;
  }

  away(nick: string, message: string): void {
    const entry = this.watched.get(nick.toLowerCase());
    if (entry) this.set(entry, { kind: "away", message });
  }

  /**
   * A WHO reply's here/gone flag. WHO carries no away message: a contact newly seen gone is asked with WHOIS,
   * whose RPL_AWAY (301) comes back as away().
   */
  whoFlag(nick: string, away: boolean): void {
    const entry = this.watched.get(nick.toLowerCase());
    if (!entry) return;
    if (!away) this.set(entry, { kind: "here" });
    else if (entry.state?.kind !== "away") this.sendSafely(["WHOIS", entry.nick]);
  }

  back(nick: string): void {
    const entry = this.watched.get(nick.toLowerCase());
    if (entry) this.set(entry, { kind: "here" });
  }

  /** A nick quit or changed away from a watched one: with MONITOR the server says so too. */
  gone(nick: string): void {
    this.offline([nick]);
  }

  /** The nicks of each ISON sent and not answered yet, oldest first: servers answer in order. */
  readonly isonBatches: string[][] = [];

  /** The answer (RPL_ISON) to the oldest ISON still open. */
  isonReply(online: readonly string[]): string[] {
    return this.isonAnswer(this.isonBatches.shift() ?? [], online);
  }

  private usesMonitor(): boolean {
    return (this.connection?.server.monitor ?? 0) > 0;
  }

  private poll(): void {
    if (!this.connection) return;
    const entries = [...this.watched.values()];
    if (!this.usesMonitor()) for (const group of batches(entries.map((entry) => entry.nick))) this.ison(group);
    for (const entry of entries) if (entry.state !== undefined && entry.state.kind !== "offline") this.sendSafely(["WHO", entry.nick]);
  }

  /** RFC 2812 section 4.9: ISON takes the nicks as one space-separated parameter. The batch is recorded once sent. */
  private ison(nicks: readonly string[]): void {
    if (this.sendSafely(["ISON", nicks.join(" ")])) this.isonBatches.push([...nicks]);
  }

  /** Sends one line; a refusal (a full queue, a closed connection) is reported, never thrown into a timer. */
  private sendSafely([command, ...params]: readonly [string, ...string[]]): boolean {
    try {
      this.connection?.send(command, params);
      return this.connection !== undefined;
    } catch (error: unknown) {
      this.onError(error);
      return false;
    }
  }

  private set(entry: { nick: string; state: IrcUserState | undefined }, state: IrcUserState): void {
    const before = entry.state;
    entry.state = state;
    if (before !== undefined && sameUserState(before, state)) return;
    this.report(entry.nick, state);
  }
}
