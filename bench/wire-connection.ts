/**
 * The TCP plumbing of the bench's lean protocol clients (bench/xmpp-wire.ts, bench/irc-wire.ts): the socket set up
 * for small messages (TCP_NODELAY, UTF-8 text), its errors kept as problems, waiters for the next stanza or line
 * that matches (the setup steps: login, joins), and a close that says goodbye and waits for the socket to close.
 * Each client adds its protocol: how it splits what arrives, what it sends, how it logs in.
 */
import type { Socket } from "node:net";

interface Waiter {
  readonly match: (message: string) => boolean;
  readonly resolve: (message: string) => void;
  readonly timer: NodeJS.Timeout;
}

export abstract class WireConnection {
  /** Socket errors and what the server said when it ended the session. */
  readonly problems: string[] = [];
  private readonly waiters = new Set<Waiter>();
  private closed = false;
  protected readonly closedPromise: Promise<void>;

  /**
   * @param name who this is in a timeout (the user or the nick)
   * @param problemPrefix before "socket: <error>" in `problems`
   * @param farewell what is written last on close (the end of the stream, a QUIT)
   */
  protected constructor(
    protected readonly socket: Socket,
    private readonly name: string,
    problemPrefix: string,
    private readonly farewell: string,
  ) {
    socket.setNoDelay(true);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.onData(chunk));
    socket.on("error", (error) => this.problems.push(`${problemPrefix}socket: ${error.message}`));
    this.closedPromise = new Promise((resolve) => socket.once("close", () => resolve()));
    void this.closedPromise.then(() => (this.closed = true));
  }

  /** Called with each chunk of text the server sends. */
  protected abstract onData(chunk: string): void;

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether a setup step waits for a message. */
  protected get waiting(): boolean {
    return this.waiters.size > 0;
  }

  /** Resolves with the next message that matches; a message a waiter takes goes nowhere else (see deliver). */
  next(match: (message: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Hands `message` to the first waiter it matches; false when none takes it. */
  protected deliver(message: string): boolean {
    for (const waiter of this.waiters) {
      if (!waiter.match(message)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(message);
      return true;
    }
    return false;
  }

  /** Stops the timers of every waiter (they will not be answered). */
  protected forgetWaiters(): void {
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
  }

  /** Writes the farewell and ends the socket; resolves once it is closed (at most 1 s, then it is destroyed). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.socket.end(this.farewell);
    const timer = setTimeout(() => this.socket.destroy(), 1000);
    await this.closedPromise;
    clearTimeout(timer);
  }
}
