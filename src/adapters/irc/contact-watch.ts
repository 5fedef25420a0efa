/**
 * Buddy status of IRC users whom Switchboard users have as contacts, from the gateway's own connection:
 * - online/offline: MONITOR (IRCv3 monitor, numerics 730/731) when the server offers it, else ISON polling
 *   (RFC 2812 section 4.9) every `presence_poll_seconds`;
 * - away: `away-notify` (IRCv3; with `extended-monitor` also for monitored users outside shared channels),
 *   and a WHO refresh (RFC 2812 section 3.6.1, the H/G flag) of the online contacts at each poll, for servers
 *   that push nothing (ngIRCd).
 * The result is reported as presence (presence-map.ts presenceFromIrc) only when it changes.
 */
import type { IrcUserState } from "./presence-map.js";

/** ISON takes nicks in one line; keep each well under 512 bytes. */
const ISON_BATCH = 20;

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
  ) {}

  /** A connection is up: watch everything again on it, and poll when it cannot push. */
  attach(connection: WatchConnection): void {
    this.connection = connection;
    for (const entry of this.watched.values()) entry.state = undefined;
    const nicks = [...this.watched.values()].map((entry) => entry.nick);
    if (this.usesMonitor()) {
      for (let i = 0; i < nicks.length; i += ISON_BATCH) connection.send("MONITOR", ["+", nicks.slice(i, i + ISON_BATCH).join(",")]);
    }
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
    if (this.usesMonitor()) {
      connection.send("MONITOR", ["+", nick]);
    } else {
      this.isonBatches.push([nick]);
      connection.send("ISON", [nick]);
    }
  }

  /** MONITOR 730/731 or an ISON answer for these nicks. */
  online(nicks: readonly string[]): void {
    for (const nick of nicks) {
      const entry = this.watched.get(nick.toLowerCase());
      if (!entry || (entry.state !== undefined && entry.state.kind !== "offline")) continue;
      this.set(entry, { kind: "here" });
      // Whether they are away is not in MONITOR or ISON: ask.
      this.connection?.send("WHO", [entry.nick]);
    }
  }

  offline(nicks: readonly string[]): void {
    for (const nick of nicks) {
      const entry = this.watched.get(nick.toLowerCase());
      if (entry) this.set(entry, { kind: "offline" });
    }
  }

  /** An ISON answer: the watched nicks it asked about and did not list are offline. */
  private isonAnswer(asked: readonly string[], online: readonly string[]): void {
    const present = new Set(online.map((nick) => nick.toLowerCase()));
    this.online(online);
    this.offline(asked.filter((nick) => !present.has(nick.toLowerCase())));
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
    else if (entry.state?.kind !== "away") this.connection?.send("WHOIS", [entry.nick]);
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
  isonReply(online: readonly string[]): void {
    this.isonAnswer(this.isonBatches.shift() ?? [], online);
  }

  private usesMonitor(): boolean {
    return (this.connection?.server.monitor ?? 0) > 0;
  }

  private poll(): void {
    const connection = this.connection;
    if (!connection) return;
    const entries = [...this.watched.values()];
    if (!this.usesMonitor()) {
      for (let i = 0; i < entries.length; i += ISON_BATCH) {
        const batch = entries.slice(i, i + ISON_BATCH).map((entry) => entry.nick);
        this.isonBatches.push(batch);
        connection.send("ISON", batch);
      }
    }
    for (const entry of entries) if (entry.state !== undefined && entry.state.kind !== "offline") connection.send("WHO", [entry.nick]);
  }

  private set(entry: { nick: string; state: IrcUserState | undefined }, state: IrcUserState): void {
    const before = entry.state;
    entry.state = state;
    if (before !== undefined && before.kind === state.kind && (before.kind !== "away" || (state.kind === "away" && before.message === state.message))) return;
    this.report(entry.nick, state);
  }
}
