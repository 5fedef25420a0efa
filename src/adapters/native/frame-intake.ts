/**
 * A native connection's frames on their way in (docs/protocol.md, Limits): the rate limit, validation, the
 * bounds on frames waiting for their answers, then each frame's handler (handlers/), run and answered in order
 * by the session (session.ts). Part of the native adapter (native-adapter.ts), whose server (native-server.ts)
 * hands every frame of a connection here.
 */
import type { RawData } from "ws";
import type { AdapterContext } from "../../core/adapter.js";
import { ERROR_CODES, GatewayError, toGatewayError } from "../../core/errors.js";
import { validateFrame } from "./frame-validator.js";
import type { Handler, HandlerEnvironment } from "./handler-environment.js";
import type { Release } from "./frame-sequencer.js";
import { HANDLERS, WITHOUT_SESSION } from "./handlers/index.js";
import { LogThrottle } from "../../util/log-throttle.js";
import type { NativeConfig } from "./native-config.js";
import { frames, type ServerFrame } from "./server-frames.js";
import type { NativeSession } from "./session.js";
import type { ClientFrame } from "./client-frames.js";

/** Frames of one connection received and not answered yet, at most, by count and by size (docs/protocol.md, Limits). */
export const MAX_FRAMES_IN_FLIGHT = 1000;
export const MAX_BYTES_IN_FLIGHT = 16 * 1024 * 1024;
/** Answers waiting to be sent, refusals (rate limit, bad frames) included. */
export const MAX_ANSWERS_WAITING = 5000;

/** Store failures (a full disk) happen to every frame that writes, at the rate clients send: one line a while. */
const STORE_FAILURE_LOG_INTERVAL_MS = 10_000;

export class FrameIntake {
  private readonly storeFailureLog = new LogThrottle(STORE_FAILURE_LOG_INTERVAL_MS);

  constructor(
    private readonly config: NativeConfig,
    private readonly context: AdapterContext,
    private readonly env: HandlerEnvironment,
  ) {}

  receive(session: NativeSession, data: RawData, isBinary: boolean): void {
    // Closed by the gateway for a limit below: what the client still sends is not read (ws goes on emitting).
    if (session.closedByGateway) return;
    session.alive = true;
    // Every frame takes a place among the answers waiting, refused ones too: refusals of a flooding client pile
    // up behind a slow frame (a login's password check, a link's connection) as surely as frames do.
    if (session.inFlight >= MAX_ANSWERS_WAITING) return this.closeForLimit(session, "too many frames waiting for their answers");
    if (!session.budget.take()) {
      this.answerInOrder(session, frames.error(undefined, "GW_ERR_RATE_LIMITED", `more than ${this.config.rate_limit.frames_per_second} frames a second; frame dropped`));
      const heldBack = session.droppedLog.occurred();
      if (heldBack !== undefined) this.context.log.warn({ session: session.id, remote: session.remote, droppedBefore: heldBack }, "frame rate limit exceeded");
      return;
    }
    if (isBinary) {
      this.answerInOrder(session, frames.error(undefined, "GW_ERR_BAD_FRAME", "binary frames are not part of the protocol; send JSON text frames"));
      return;
    }
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    const result = validateFrame(buffer, this.config.max_frame_bytes);
    if (!result.ok) {
      const heldBack = session.badFrameLog.occurred();
      if (heldBack !== undefined) this.context.log.info({ session: session.id, remote: session.remote, code: result.code, reason: result.message, badBefore: heldBack }, "bad frame");
      this.answerInOrder(session, frames.error(result.requestId, result.code, result.message));
      return;
    }
    // Frames pile up behind a slow one faster than they are answered: the rate limit bounds their pace, this
    // their number and size.
    if (session.framesInFlight >= MAX_FRAMES_IN_FLIGHT || session.bytesInFlight + buffer.length > MAX_BYTES_IN_FLIGHT) {
      return this.closeForLimit(session, "too many frames waiting for their answers");
    }
    session.framesInFlight += 1;
    session.bytesInFlight += buffer.length;
    session.handle(async (release) => {
      try {
        return await this.handle(session, result.frame, release);
      } finally {
        session.framesInFlight -= 1;
        session.bytesInFlight -= buffer.length;
      }
    });
  }

  /** Closes a connection past a limit of this file's (1008), with one log line. */
  private closeForLimit(session: NativeSession, reason: string): void {
    session.closedByGateway = true;
    this.context.log.warn({ session: session.id, remote: session.remote, framesInFlight: session.framesInFlight, bytesInFlight: session.bytesInFlight, answersWaiting: session.inFlight }, `${reason}: connection closed`);
    session.socket.close(1008, reason);
  }

  /** Answers a refused frame after the answers to every earlier frame, so answers keep the order of requests. */
  private answerInOrder(session: NativeSession, frame: ServerFrame): void {
    session.answer(frame);
  }

  /** Runs one frame's handler; resolves with its answer, never rejects. */
  private async handle(session: NativeSession, frame: ClientFrame, release: Release): Promise<ServerFrame> {
    const requestId = frame.id;
    // The gateway closed the connection for a limit: what the client sent and was not handled yet is dropped
    // (nothing of it was accepted). Frames of a client that closed on its own are handled, as sent before it went.
    if (session.closedByGateway) return frames.error(requestId, "GW_ERR_UNAVAILABLE", "the connection was closed");
    try {
      if (frame.type === "ping") return { type: "pong", ...(requestId === undefined ? {} : { id: requestId }) };
      if (session.state === "handshake" && frame.type !== "hello") throw new GatewayError("GW_ERR_VERSION", 'send "hello" with the protocol version first');
      if (session.state !== "authenticated" && !WITHOUT_SESSION.has(frame.type)) throw new GatewayError("GW_ERR_NOT_AUTHENTICATED", `"${frame.type}" needs a logged-in session`);
      const handler = HANDLERS[frame.type] as Handler<ClientFrame>;
      const payload = await handler(session, frame, this.env, release);
      return frames.ok(requestId, payload ?? {});
    } catch (thrown: unknown) {
      const error = toGatewayError(thrown);
      // Internal and store failures are logged in full; the client gets the code and a plain sentence. A store
      // failure is the same for every frame until an operator frees the disk: once a while, with the count.
      const hidden = error.code === "GW_ERR_INTERNAL" || error.code === "GW_ERR_STORE";
      const heldBack = error.code === "GW_ERR_STORE" ? this.storeFailureLog.occurred() : 0;
      if (hidden && heldBack !== undefined) this.context.log.error({ err: thrown, frame: frame.type, session: session.id, ...(heldBack > 0 ? { failedBefore: heldBack } : {}) }, "frame handler failed");
      return frames.error(requestId, error.code, hidden ? ERROR_CODES[error.code] : error.message);
    }
  }
}
