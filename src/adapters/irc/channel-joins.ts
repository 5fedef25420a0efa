/**
 * JOINs awaited. A channel bridged while the gateway is connected (by an admin at runtime, or on demand when an
 * XMPP user joins it) is in once the server sent its names (RPL_ENDOFNAMES follows a JOIN it took), and refused
 * by a JOIN error numeric naming it (banned, wrong key, invite only, full: numerics.ts). The bridge waits for that,
 * so that whoever asked hears a refusal, and someone joining the room is shown the people in the channel.
 */
import { GatewayError } from "../../core/errors.js";

interface PendingJoin {
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: GatewayError) => void;
  readonly timer: NodeJS.Timeout;
}

export class ChannelJoins {
  /** By channel name in ASCII lower case. */
  private readonly pending = new Map<string, PendingJoin>();

  constructor(private readonly timeoutMs: number) {}

  /** Resolves once `channel` is joined, rejects when the server refuses it, does not answer, or the connection is lost. */
  expect(channel: string): Promise<void> {
    const key = channel.toLowerCase();
    const known = this.pending.get(key);
    if (known) return known.done;
    const timer = setTimeout(() => {
      this.settle(key, new GatewayError("GW_ERR_UNAVAILABLE", `the IRC server did not answer the JOIN of ${channel} within ${this.timeoutMs / 1000} s`, { retryable: true }));
    }, this.timeoutMs);
    let outcome: Pick<PendingJoin, "resolve" | "reject"> = { resolve: () => undefined, reject: () => undefined };
    const done = new Promise<void>((resolve, reject) => {
      outcome = { resolve, reject };
    });
    this.pending.set(key, { done, ...outcome, timer });
    return done;
  }

  /** The server sent the channel's names: it is joined. */
  joined(channel: string): void {
    this.settle(channel.toLowerCase());
  }

  /** A JOIN error numeric named the channel: true when a JOIN was awaited there (its caller hears the refusal). */
  refused(channel: string, error: GatewayError): boolean {
    const awaited = this.pending.has(channel.toLowerCase());
    this.settle(channel.toLowerCase(), error);
    return awaited;
  }

  /** The connection is gone: no JOIN waiting will be answered. */
  lost(): void {
    for (const key of [...this.pending.keys()]) this.settle(key, new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection was lost before the channel was joined", { retryable: true }));
  }

  private settle(key: string, error?: GatewayError): void {
    const join = this.pending.get(key);
    if (!join) return;
    this.pending.delete(key);
    clearTimeout(join.timer);
    if (error) join.reject(error);
    else join.resolve();
  }
}
