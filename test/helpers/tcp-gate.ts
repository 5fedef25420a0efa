/**
 * A TCP forwarder between the daemon and a real server, which a test can close like a network partition:
 * while closed, connections through it are cut and new ones are refused at once; close("reset") does both with a
 * TCP reset, as a server that resets connections (the daemon then reads ECONNRESET, every time). Not a fake server: bytes pass
 * unchanged. Used to decide *when* the daemon may reconnect (after a server restart, once the test's own
 * clients are back), so that a test awaits events instead of racing the daemon's backoff. swallow() makes it a
 * black hole first, as a link that died without a word: what the daemon writes is read and thrown away, so its
 * writes succeed while the server never sees them. stall() does so to new connections, with no server behind them, as
 * a host that never answers: the daemon's attempt waits until close() cuts it. holdReplies() keeps what the server answers from the daemon
 * until releaseReplies(), so that a test decides when the daemon hears of it (an IRC refusal of a line, say).
 */
import { createServer, connect, type Server, type Socket } from "node:net";

export class TcpGate {
  private open = true;
  /** How a closed gate ends connections: a FIN (`close`), or an RST (`reset`). */
  private ending: "close" | "reset" = "close";
  private readonly pairs = new Set<Socket>();
  private swallowing = false;
  /** While true, new connections are accepted and held unanswered, with no connection to the server. */
  private stalling = false;
  /** While true, what the server writes waits in `held` (in order) instead of reaching the clients. */
  private holding = false;
  private readonly held: Array<() => void> = [];
  /** What the clients wrote while swallowing (for a test to await the lines that vanished). */
  swallowed = "";
  /** What the clients wrote that was forwarded, since the last reopen(): all connections, chunks interleaved. */
  forwarded = "";
  /** The same, one entry per client connection, so that a match never spans two connections' lines. */
  private forwardedByClient: string[] = [];
  /** What the server wrote back to the clients, since the last reopen(). */
  returned = "";
  private readonly swallowWaiters: Array<() => void> = [];
  private readonly server: Server;
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: () => number,
  ) {
    this.server = createServer((client) => this.forward(client));
  }

  static async start(targetHost: string, targetPort: () => number): Promise<TcpGate> {
    const gate = new TcpGate(targetHost, targetPort);
    await new Promise<void>((resolve) => gate.server.listen(0, "127.0.0.1", resolve));
    const address = gate.server.address();
    if (address === null || typeof address === "string") throw new Error("the gate has no port");
    gate.port = address.port;
    return gate;
  }

  /** Cuts every connection through the gate and refuses new ones, closing them (`close`) or resetting them (`reset`). */
  close(how: "close" | "reset" = "close"): void {
    this.open = false;
    this.ending = how;
    this.holding = false;
    this.held.length = 0;
    for (const socket of this.pairs) this.end(socket);
    this.pairs.clear();
  }

  reopen(): void {
    this.open = true;
    this.swallowing = false;
    this.stalling = false;
    this.swallowed = "";
    this.forwarded = "";
    this.forwardedByClient = [];
    this.returned = "";
  }

  /** From now on bytes from the clients go nowhere (the connections stay up) until close(). */
  swallow(): void {
    this.swallowing = true;
  }

  /** From now on new connections get no answer, and what they write goes nowhere (recorded as swallowed), until close(). */
  stall(): void {
    this.stalling = true;
  }

  /** From now on what the server writes is recorded (returned) but kept from the clients until releaseReplies(). */
  holdReplies(): void {
    this.holding = true;
  }

  /** Passes on, in order, what the server wrote while held, and everything after it at once. */
  releaseReplies(): void {
    this.holding = false;
    for (const write of this.held.splice(0)) write();
  }

  /** Resolves, with the match, once the bytes swallowed (or forwarded) match `pattern`. */
  async clientWrote(pattern: RegExp, which: "swallowed" | "forwarded", timeoutMs = 10_000): Promise<RegExpExecArray> {
    return this.awaitMatch(pattern, which, timeoutMs);
  }

  /**
   * Resolves, with the match, once what one client connection wrote (and was forwarded) matches `pattern`: a
   * PING barrier "after a line" is then that connection's own, never another's that happened to come next.
   */
  async oneClientWrote(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
    return this.awaitMatch(pattern, "forwarded", timeoutMs, () => this.forwardedByClient);
  }

  /** Resolves, with the match, once what the server sent back through the gate matches `pattern`. */
  async serverWrote(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
    return this.awaitMatch(pattern, "returned", timeoutMs);
  }

  private async awaitMatch(
    pattern: RegExp,
    which: "swallowed" | "forwarded" | "returned",
    timeoutMs: number,
    texts: () => readonly string[] = () => [this[which]],
  ): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const text of texts()) {
        const match = pattern.exec(text);
        if (match) return match;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing matching ${pattern} was ${which} within ${timeoutMs} ms; got: ${this[which].slice(-500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.swallowWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async dispose(): Promise<void> {
    this.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private end(socket: Socket): void {
    if (this.ending === "reset") socket.resetAndDestroy();
    else socket.destroy();
  }

  private forward(client: Socket): void {
    client.on("error", () => undefined);
    if (!this.open) {
      this.end(client);
      return;
    }
    if (this.stalling) {
      client.on("data", (chunk: Buffer) => {
        this.swallowed += chunk.toString("utf8");
        for (const wake of this.swallowWaiters.splice(0)) wake();
      });
      this.pairs.add(client);
      client.on("close", () => this.pairs.delete(client));
      return;
    }
    const upstream = connect(this.targetPort(), this.targetHost);
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    const record = this.forwardedByClient; // replaced (not cleared) by reopen(): a closed connection's late bytes land in the old one
    const index = record.push("") - 1;
    client.on("data", (chunk: Buffer) => {
      if (this.swallowing) this.swallowed += chunk.toString("utf8");
      else {
        this.forwarded += chunk.toString("utf8");
        record[index] += chunk.toString("utf8");
        upstream.write(chunk);
      }
      for (const wake of this.swallowWaiters.splice(0)) wake();
    });
    upstream.on("data", (chunk: Buffer) => {
      this.returned += chunk.toString("utf8");
      if (this.holding) this.held.push(() => client.write(chunk));
      else client.write(chunk);
      for (const wake of this.swallowWaiters.splice(0)) wake();
    });
    this.pairs.add(client);
    client.on("close", () => this.pairs.delete(client));
  }
}
