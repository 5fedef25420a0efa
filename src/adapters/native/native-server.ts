/**
 * The native protocol's listening side: the HTTP server and its WebSocket upgrades (origins checked), the
 * connections it holds, within max_connections, keepalive pings, and a shutdown that lets the frames already
 * received finish. Each connection's frames go to frame-intake.ts. Part of the native adapter (native-adapter.ts).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import { TokenBucket } from "../../util/token-bucket.js";
import type { FrameIntake } from "./frame-intake.js";
import type { NativeConfig } from "./native-config.js";
import { clientRemote, normalizeIp } from "./client-remote.js";
import { LogThrottle } from "../../util/log-throttle.js";
import { AllowedOrigins } from "./allowed-origins.js";
import type { SessionDirectory } from "./session-directory.js";
import { MAX_UNREAD_BYTES, NativeSession } from "./session.js";

/** Frames above this close the connection (ws code 1009); between max_frame_bytes and this they get an error frame. */
const HARD_FRAME_LIMIT = 16 * 1024 * 1024;

export interface NativeAdapterOptions {
  /** How long stop() waits for frames already received (shutdown.drain_timeout_ms). */
  readonly drainTimeoutMs: number;
}

export class NativeServer {
  private readonly connections = new Set<NativeSession>();
  private readonly trustedProxies: ReadonlySet<string>;
  private readonly allowedOrigins: AllowedOrigins;
  /** Refused origins are logged once a minute at most: a page can retry in a loop. */
  private readonly refusedOriginLog = new LogThrottle(60_000);
  private http: Server | undefined;
  private wss: WebSocketServer | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly config: NativeConfig,
    private readonly context: AdapterContext,
    private readonly options: NativeAdapterOptions,
    private readonly sessions: SessionDirectory,
    private readonly intake: FrameIntake,
    /** A user's presence is announced again once one of their sessions closed (HandlerEnvironment.presenceChanged). */
    private readonly announcePresence: (user: string, address: Address) => void,
  ) {
    this.trustedProxies = new Set(config.trusted_proxies.map(normalizeIp));
    this.allowedOrigins = new AllowedOrigins(config.allowed_origins);
  }

  /** The address the server listens on (useful with port 0). */
  get listeningPort(): number | undefined {
    const address = this.http?.address();
    return typeof address === "object" && address !== null ? address.port : undefined;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const http = createServer((_request, response) => {
      response.writeHead(426, { "content-type": "text/plain" }).end("Switchboard native protocol: connect with WebSocket\n");
    });
    const wss = new WebSocketServer({
      server: http,
      path: this.config.path,
      maxPayload: HARD_FRAME_LIMIT,
      skipUTF8Validation: true,
      verifyClient: (info, answer) => {
        if (this.originAllowed(info.origin, info.req)) answer(true);
        else answer(false, 403, "origin not allowed");
      },
    });
    wss.on("connection", (socket, request) => this.accept(socket, request));
    // ws re-emits the HTTP server's errors; listen failures are handled below, later ones are logged.
    wss.on("error", (error) => this.context.log.debug({ err: error }, "WebSocket server error"));
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(this.config.port, this.config.host, () => {
        http.off("error", reject);
        resolve();
      });
    }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      const where = `${this.config.host}:${this.config.port}`;
      if (code === "EADDRINUSE") throw new GatewayError("GW_ERR_UNAVAILABLE", `port ${where} is already in use`, { cause: error });
      if (code === "EACCES") throw new GatewayError("GW_ERR_UNAVAILABLE", `no permission to listen on ${where}`, { cause: error });
      throw new GatewayError("GW_ERR_UNAVAILABLE", `cannot listen on ${where}: ${(error as Error).message}`, { cause: error });
    });
    this.http = http;
    this.wss = wss;
    if (this.config.ping_interval_seconds > 0) {
      this.pinger = setInterval(() => this.pingAll(), this.config.ping_interval_seconds * 1000);
      this.pinger.unref();
    }
    this.context.log.info({ host: this.config.host, port: this.listeningPort, path: this.config.path }, "native protocol listening");
  }

  async stop(reason = "shutdown"): Promise<void> {
    this.stopping = true;
    if (this.pinger) clearInterval(this.pinger);
    const http = this.http;
    const wss = this.wss;
    this.http = undefined;
    this.wss = undefined;
    if (!http || !wss) return;
    // Stop accepting; let frames already received finish, then close every connection as "going away".
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    await this.drained();
    for (const session of this.connections) session.socket.close(1001, reason.slice(0, 100));
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    const forced = setTimeout(() => {
      for (const session of this.connections) session.socket.terminate();
    }, 1000);
    await closed;
    clearTimeout(forced);
  }

  /** Waits for the frames already received to be handled, at most the configured drain timeout. */
  private async drained(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.drainTimeoutMs)));
    const idle = Promise.all([...this.connections].map((session) => session.idle().catch(() => undefined)));
    await Promise.race([idle, timeout]);
    clearTimeout(timer);
  }

  /** An upgrade from a web page not in native.allowed_origins is refused with 403 (allowed-origins.ts). */
  private originAllowed(origin: string | undefined, request: IncomingMessage): boolean {
    if (this.allowedOrigins.allows(origin)) return true;
    const heldBack = this.refusedOriginLog.occurred();
    if (heldBack !== undefined) {
      this.context.log.warn({ origin, remote: request.socket.remoteAddress, refusedBefore: heldBack }, "WebSocket upgrade from a web page whose origin is not in native.allowed_origins: refused");
    }
    return false;
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    if (this.stopping || this.connections.size >= this.config.max_connections) {
      socket.close(1013, this.stopping ? "shutting down" : "too many connections");
      return;
    }
    const remote = clientRemote(request.socket.remoteAddress ?? "unknown", request.headers["x-forwarded-for"], this.trustedProxies);
    const budget = new TokenBucket(this.config.rate_limit.frames_per_second, this.config.rate_limit.burst);
    const session = new NativeSession(randomUUID(), socket, remote, budget, request.socket);
    this.connections.add(session);
    socket.on("message", (data, isBinary) => this.intake.receive(session, data, isBinary));
    socket.on("pong", () => {
      session.alive = true;
    });
    socket.on("error", (error) => this.context.log.debug({ err: error, session: session.id }, "connection error"));
    socket.on("close", () => this.closed(session));
  }

  private closed(session: NativeSession): void {
    this.connections.delete(session);
    if (session.notReading) this.context.log.warn({ session: session.id, remote: session.remote, maxUnreadBytes: MAX_UNREAD_BYTES }, "client left too much unread: connection closed");
    const dropped = session.droppedLog.takeHeld();
    const bad = session.badFrameLog.takeHeld();
    if (dropped > 0 || bad > 0) this.context.log.warn({ session: session.id, remote: session.remote, dropped, bad }, "frames dropped or refused since the last line about them");
    const { user, address } = session;
    if (user !== undefined && address !== undefined) {
      this.sessions.detach(session);
      if (!this.stopping) this.announcePresence(user, address);
    }
  }

  private pingAll(): void {
    for (const session of this.connections) {
      if (!session.alive) {
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }
}
