/**
 * One WebSocket connection: its handshake and login state, its own presence, its frame budget, and the
 * queue that handles its frames one at a time, in order (so a client's messages keep their order).
 */
import type { WebSocket } from "ws";
import type { Address } from "../../core/model/address.js";
import type { Presence } from "../../core/model/presence.js";
import { TokenBucket } from "../../util/token-bucket.js";
import type { ServerFrame } from "./server-frames.js";

export type SessionState = "handshake" | "anonymous" | "authenticated";

export class NativeSession {
  state: SessionState = "handshake";
  user: string | undefined;
  address: Address | undefined;
  presence: Presence | undefined;
  alive = true;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    readonly remote: string,
    readonly budget: TokenBucket,
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  get inFlight(): number {
    return this.pending;
  }

  /** Sends a frame; resolves once ws has written it (rejects if the socket closed first). */
  send(frame: ServerFrame): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.isOpen) return reject(new Error("connection closed"));
      this.socket.send(JSON.stringify(frame), (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Sends without waiting; a closed socket just drops it (used for answers and best-effort pushes). */
  push(frame: ServerFrame): void {
    if (this.isOpen) this.socket.send(JSON.stringify(frame));
  }

  /** Runs work after every earlier frame of this session was handled. */
  enqueue(work: () => Promise<void>): Promise<void> {
    this.pending += 1;
    const next = this.chain.then(work).finally(() => {
      this.pending -= 1;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every frame received so far has been handled. */
  idle(): Promise<void> {
    return this.chain;
  }
}
