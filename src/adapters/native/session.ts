/**
 * One WebSocket connection: its handshake and login state, its own presence, its frame budget, and the
 * sequencer that handles its frames in order and answers them in order (frame-sequencer.ts).
 */
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import type { Address } from "../../core/model/address.js";
import type { Presence } from "../../core/model/presence.js";
import { TokenBucket } from "../../util/token-bucket.js";
import { FrameSequencer, type Release } from "./frame-sequencer.js";
import type { ServerFrame } from "./server-frames.js";
import { LogThrottle } from "../../util/log-throttle.js";

/** At most one log line a minute about one connection's dropped frames, and one about its bad frames. */
const LOG_INTERVAL_MS = 60_000;

/**
 * What the gateway holds for a client that does not read: past this, the next frame for it closes its connection
 * instead of piling up. Four times the largest answer (a history: handlers/message-handlers.ts
 * MAX_HISTORY_ANSWER_BYTES), so that a client reading at its link's pace is never taken for one that does not.
 */
export const MAX_UNREAD_BYTES = 64 * 1024 * 1024;

export type SessionState = "handshake" | "anonymous" | "authenticated";

/** The close code of a connection whose account was deleted (docs/protocol.md, "Connection close codes"). */
export const ACCOUNT_DELETED_CLOSE_CODE = 4001;

export class NativeSession {
  state: SessionState = "handshake";
  user: string | undefined;
  address: Address | undefined;
  presence: Presence | undefined;
  /** When the session's account was created (set at login): what predates it was another account's (account-epoch.ts). */
  accountCreatedAt: number | undefined;
  /** Asked for delivery receipts (the `receipts` feature of its last hello): gets message.delivered pushes. */
  receipts = false;
  alive = true;
  /** Closed by the gateway because the client left more than MAX_UNREAD_BYTES unread. */
  notReading = false;
  /** Closed by the gateway (one of its limits, its user's password changed elsewhere, its account deleted): nothing more the client sent is read or handled. */
  closedByGateway = false;
  /** The frames received, accepted and not answered yet, and their size (frame-intake.ts MAX_FRAMES_IN_FLIGHT). */
  framesInFlight = 0;
  bytesInFlight = 0;
  /** Lines about frames dropped by the rate limit, and about bad frames: one a minute each (util/log-throttle.ts). */
  readonly droppedLog = new LogThrottle(LOG_INTERVAL_MS);
  readonly badFrameLog = new LogThrottle(LOG_INTERVAL_MS);
  private readonly sequencer = new FrameSequencer<ServerFrame>((frame) => this.push(frame));

  private corked = false;

  /** The session's user is gone from it (logout, their account deleted): anonymous again, nothing of the user kept. */
  signOut(): void {
    this.state = "anonymous";
    this.user = undefined;
    this.address = undefined;
    this.presence = undefined;
    this.accountCreatedAt = undefined;
  }

  /** `raw` is the TCP socket under the WebSocket (the upgrade request's socket), used to batch writes. */
  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    readonly remote: string,
    readonly budget: TokenBucket,
    private readonly raw?: Socket,
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Closed for good: its "close" has been handled (while closing, it is still to come). */
  get isClosed(): boolean {
    return this.socket.readyState === this.socket.CLOSED;
  }

  get inFlight(): number {
    return this.sequencer.inFlight;
  }

  /**
   * Hands a frame to the connection; false when it is closed. A delivery counts as done once ws has the
   * frame: waiting for its write callback would add a turn of the event loop per message and tell nothing
   * more about whether the client read it.
   */
  push(frame: ServerFrame): boolean {
    if (!this.isOpen) return false;
    if (this.socket.bufferedAmount > MAX_UNREAD_BYTES) {
      this.notReading = true;
      this.closedByGateway = true;
      this.socket.terminate();
      return false;
    }
    this.cork();
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Holds this turn's frames in the socket and writes them with one system call at the end of the turn:
   * answers and messages of one store batch leave together instead of one write(2) per frame, which was a
   * quarter of the daemon's CPU under load.
   */
  private cork(): void {
    if (this.corked || !this.raw) return;
    const raw = this.raw;
    this.corked = true;
    raw.cork();
    setImmediate(() => {
      this.corked = false;
      raw.uncork();
    });
  }

  /** Handles a frame after the frames before it released the session; its answer is sent in frame order. */
  handle(work: (release: Release) => Promise<ServerFrame | undefined>): void {
    this.sequencer.run(work);
  }

  /** Answers in frame order without other work (a frame refused before handling). */
  answer(frame: ServerFrame): void {
    this.sequencer.run(async () => frame);
  }

  /** Resolves when every frame received so far has been answered. */
  idle(): Promise<void> {
    return this.sequencer.idle();
  }
}
