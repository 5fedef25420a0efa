/**
 * The gateway's connection keeps the nick the configuration gives it. When someone held it at connect, the
 * connection registered under another (irc-registration.ts: `gw_`, ...); it then asks for its own again when the
 * holder quits or changes nick where the connection sees it (a channel they share), and every RETRY_MS in case it
 * does not, as ZNC's keepnick does: IRC users find the gateway where the operator said it would be, and queries
 * to the configured nick reach it. A refusal (433, the nick still taken) needs no answer: the next try comes.
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
    const configured = (nick: string): boolean => sameName(nick, this.configured, connection.server.caseMapping);
    connection.on("quit", (event) => {
      if (this.connection === connection && configured(event.nick)) this.reclaim();
    });
    connection.on("nick", (event) => {
      if (this.connection !== connection) return;
      if (configured(event.from)) this.reclaim(); // the holder moved away from it
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

  private missing(): boolean {
    const connection = this.connection;
    return connection !== undefined && !sameName(connection.nick, this.configured, connection.server.caseMapping);
  }

  private reclaim(): void {
    if (!this.missing()) return;
    try {
      this.connection?.send("NICK", [this.configured]);
    } catch (error: unknown) {
      this.log.debug({ err: error }, "NICK not sent");
    }
  }
}
