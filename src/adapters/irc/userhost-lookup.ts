/**
 * USERHOST <nick> on the gateway's connection, awaited: who holds a nick now (RFC 2812 section 4.8; the reply,
 * RPL_USERHOST 302, lists only nicks that are online, so an empty one means nobody holds it). Only these lookups
 * send USERHOST, and a server answers in order, so each reply is the oldest open lookup's.
 *
 * Bounded: a lookup that timed out stays open (its reply, late, is still its own), so a server that never answers
 * USERHOST would keep every lookup open until the connection ends. Past MAX_OPEN lookups a new one is refused at
 * once (GW_ERR_RATE_LIMITED, not retryable) instead of queueing another line behind flood control.
 */
import { GatewayError } from "../../core/errors.js";
import type { IrcConnection } from "./irc-connection.js";
import type { UserhostEntry } from "./line-senders.js";

/** How many lookups may wait for their reply at once (timed-out ones included, see the header). */
export const MAX_OPEN = 100;

interface Lookup {
  readonly nick: string;
  readonly resolve: (entry: UserhostEntry | undefined) => void;
  readonly reject: (error: GatewayError) => void;
}

export class UserhostLookup {
  private connection: IrcConnection | undefined;
  private readonly open: Lookup[] = [];

  constructor(
    private readonly timeoutMs = 10_000,
    private readonly maxOpen = MAX_OPEN,
  ) {}

  /** Lookups sent and not answered yet (timed-out ones included). */
  get pending(): number {
    return this.open.length;
  }

  attach(connection: IrcConnection): void {
    this.connection = connection;
    connection.on("userhost", (event) => {
      const lookup = this.open.shift();
      lookup?.resolve(event.entries.find((entry) => entry.nick.toLowerCase() === lookup.nick.toLowerCase()));
    });
  }

  /** The connection is gone: open lookups fail (retryable), and their replies will never come. */
  detach(): void {
    this.connection = undefined;
    for (const lookup of this.open.splice(0)) lookup.reject(new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection is closed", { retryable: true }));
  }

  /** Who holds `nick` now (undefined: nobody); GW_ERR_RATE_LIMITED (not retryable) when too many lookups are open. */
  lookup(nick: string): Promise<UserhostEntry | undefined> {
    const connection = this.connection;
    if (!connection) return Promise.reject(new GatewayError("GW_ERR_UNAVAILABLE", "the IRC network is not connected", { retryable: true }));
    if (this.open.length >= this.maxOpen) {
      return Promise.reject(new GatewayError("GW_ERR_RATE_LIMITED", `${this.open.length} USERHOST lookups wait for the server's answer already`));
    }
    return new Promise<UserhostEntry | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Left in the queue: its reply, late, is still its own and must not be taken for the next lookup's.
        lookup.reject(new GatewayError("GW_ERR_UNAVAILABLE", `no answer to USERHOST ${nick} within ${this.timeoutMs} ms`, { retryable: true }));
      }, this.timeoutMs);
      const lookup: Lookup = {
        nick,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.open.push(lookup);
      try {
        connection.send("USERHOST", [nick]);
      } catch (error: unknown) {
        this.open.splice(this.open.indexOf(lookup), 1);
        lookup.reject(error instanceof GatewayError ? error : new GatewayError("GW_ERR_UNAVAILABLE", `USERHOST ${nick} not sent`, { retryable: true }));
      }
    });
  }
}
