/**
 * The gateway's connection keeps the nick the configuration gives it. When someone held it at connect, the
 * connection registered under another (irc-registration.ts: `gw_`, ...); it then asks for its own again when the
 * holder quits or changes nick where the connection sees it (a channel they share), and every RETRY_MS in case it
 * does not, as ZNC's keepnick does: IRC users find the gateway where the operator said it would be, and queries
 * to the configured nick reach it. A refusal (433, the nick still taken) needs no answer: the next try comes.
 * Renamed away from it by the server or services (nick enforcement, a collision), it waits for the next try
 * instead of asking at once, which would fight the enforcement in a loop. A configured nick longer than the
 * server's NICKLEN is compared as the server cut it.
 */
import type { Logger } from "../../core/logger.js";
import type { IrcConnection } from "./irc-connection.js";
import { sameName } from "./nicks.js";

export const RETRY_MS = 60_000;

export class OwnNickKeeper {
  private timer: NodeJS.Timeout | undefined;
  private connection: IrcConnection | undefined;

  constructor(
    private readonly configured: string,
    private readonly log: Logger,
  ) {}

  /** Watches a newly registered connection. */
  attach(connection: IrcConnection): void {
    this.detach();
    this.connection = connection;
    const configured = (nick: string): boolean => this.isConfigured(connection, nick);
    connection.on("quit", (event) => {
      if (this.connection === connection && configured(event.nick)) this.reclaim();
    });
    connection.on("nick", (event) => {
      if (this.connection !== connection) return;
      const ours = sameName(event.to, connection.nick, connection.server.caseMapping);
      if (configured(event.from) && !ours) this.reclaim(); // its holder moved away from it
      else if (configured(event.from)) this.log.warn({ nick: event.to }, "the gateway's IRC connection was renamed away from its configured nick: asking for it again in a minute");
      else if (configured(event.to) && connection.nick === event.to) this.log.info({ nick: event.to }, "the gateway's IRC connection has its configured nick again");
    });
    if (this.missing()) {
      this.log.warn({ configured: this.configured, nick: connection.nick }, "the gateway's IRC nick is taken: using another, and asking for it again when it is free");
    }
    this.timer = setInterval(() => this.reclaim(), RETRY_MS);
    this.timer.unref();
  }

  detach(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.connection = undefined;
  }

  /** The configured nick, as given or as the server cut it to its NICKLEN (9 when it announces none). */
  private isConfigured(connection: IrcConnection, nick: string): boolean {
    const mapping = connection.server.caseMapping;
    return sameName(nick, this.configured, mapping) || sameName(nick, this.configured.slice(0, connection.server.nickLen), mapping);
  }

  private missing(): boolean {
    const connection = this.connection;
    return connection !== undefined && !this.isConfigured(connection, connection.nick);
  }

  private reclaim(): void {
    const connection = this.connection;
    if (!connection || !this.missing()) return;
    try {
      connection.send("NICK", [this.configured]);
    } catch (error: unknown) {
      this.log.debug({ err: error }, "NICK not sent");
    }
  }
}
