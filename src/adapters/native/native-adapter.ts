/**
 * The native adapter: Switchboard's own protocol, JSON text frames over WebSocket (docs/protocol.md).
 * It serves the gateway's own users and rooms: sessions log in here, and messages, presence and
 * subscription notices for native addresses are pushed to their sessions.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { Adapter, AdapterCapabilities, AdapterContext, SubscriptionEvent, TypingEvent } from "../../core/adapter.js";
import { ERROR_CODES, GatewayError, toGatewayError } from "../../core/errors.js";
import { sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { Presence } from "../../core/model/presence.js";
import type { Room, RoomMember, RoomRemoval } from "../../core/model/room.js";
import { TokenBucket } from "../../util/token-bucket.js";
import { AttemptLimiter } from "../../util/attempt-limiter.js";
import { validateFrame } from "./frame-validator.js";
import type { Handler, HandlerEnvironment, NativeServices } from "./handler-environment.js";
import type { Release } from "./frame-sequencer.js";
import { HANDLERS, WITHOUT_SESSION } from "./handlers/index.js";
import { pushToMembers } from "./handlers/room-handlers.js";
import { isNative, isRoomId } from "./native-addresses.js";
import type { NativeConfig } from "./native-config.js";
import { frames, type ServerFrame } from "./server-frames.js";
import { clientRemote, normalizeIp } from "./client-remote.js";
import { LogThrottle } from "../../util/log-throttle.js";
import { AllowedOrigins } from "./allowed-origins.js";
import { SessionDirectory } from "./session-directory.js";
import { MAX_UNREAD_BYTES, NativeSession } from "./session.js";
import type { ClientFrame } from "./client-frames.js";

/** Frames above this close the connection (ws code 1009); between max_frame_bytes and this they get an error frame. */
const HARD_FRAME_LIMIT = 16 * 1024 * 1024;

/** Frames of one connection received and not answered yet, at most, by count and by size (docs/protocol.md, Limits). */
export const MAX_FRAMES_IN_FLIGHT = 1000;
export const MAX_BYTES_IN_FLIGHT = 16 * 1024 * 1024;
/** Answers waiting to be sent, refusals (rate limit, bad frames) included. */
export const MAX_ANSWERS_WAITING = 5000;

export class NativeAdapter implements Adapter {
  readonly protocol = "native" as const;
  readonly capabilities: AdapterCapabilities = {
    directMessages: true,
    rooms: true,
    presence: true,
    subscriptions: true,
    typing: true,
    actions: true,
    notices: true,
    corrections: true,
    relaysRooms: false,
    puppets: false,
  };
  private readonly sessions = new SessionDirectory();
  private readonly connections = new Set<NativeSession>();
  private readonly knownUsers = new Set<string>();
  private readonly env: HandlerEnvironment;
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
    private readonly services: NativeServices,
    private readonly context: AdapterContext,
    private readonly options: NativeAdapterOptions = { drainTimeoutMs: 3000 },
  ) {
    this.trustedProxies = new Set(config.trusted_proxies.map(normalizeIp));
    this.allowedOrigins = new AllowedOrigins(config.allowed_origins);
    const windowMs = config.login_attempts.window_seconds * 1000;
    this.env = {
      config,
      services,
      context,
      sessions: this.sessions,
      loginLimiter: new AttemptLimiter(config.login_attempts.max, windowMs),
      registrationLimiter: new AttemptLimiter(Math.max(1, config.registrations_per_hour), 60 * 60 * 1000),
      rememberUser: (name) => this.knownUsers.add(name),
      presenceChanged: (user, address) => this.announcePresence(user, address),
      reachable: (address) => context.dispatch({ type: "reachable", address }),
    };
  }

  stats(): Readonly<Record<string, number>> {
    return this.sessions.counts();
  }

  get account(): string {
    return this.context.account;
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

  async knows(address: Address): Promise<boolean> {
    if (!isNative(address)) return false;
    if (isRoomId(address.id)) return this.services.rooms.exists(address);
    if (this.knownUsers.has(address.id)) return true;
    const known = (await this.services.accounts.get(address.id)) !== undefined;
    if (known) this.knownUsers.add(address.id);
    return known;
  }

  async send(message: Message): Promise<{ delivered: true }> {
    if (message.scope === "room") {
      await pushToMembers(this.env, message.to, frames.message(message), { member: message.from });
      return { delivered: true };
    }
    if (!this.sessions.pushTo(message.to.id, frames.message(message))) {
      throw new GatewayError("GW_ERR_UNAVAILABLE", `${message.to.id} is not connected`, { retryable: true });
    }
    return { delivered: true };
  }

  async sendPresence(presence: Presence, to: Address): Promise<void> {
    if (isNative(to)) this.sessions.pushTo(to.id, frames.presence(presence));
  }

  async watchPresence(_subject: Address, _watcher: Address): Promise<void> {
    // Native presence is pushed by the gateway itself on every change; nothing to start.
  }

  async setPresence(_presence: Presence): Promise<void> {
    // A native person's presence is what their own sessions set; nothing to do on this network.
  }

  async sendSubscription(event: SubscriptionEvent): Promise<void> {
    if (isNative(event.to)) this.sessions.pushTo(event.to.id, frames.subscription(event));
  }

  async sendTyping(event: TypingEvent): Promise<void> {
    if (isNative(event.to)) this.sessions.pushTo(event.to.id, frames.typing(event));
  }

  async reportFailure(message: Message, recipient: Address, error: GatewayError): Promise<void> {
    if (!isNative(message.from)) throw new GatewayError("GW_ERR_NO_ROUTE", "the sender is not a native user");
    if (!this.sessions.pushTo(message.from.id, frames.messageFailed(message, recipient, error.code, error.message))) {
      throw new GatewayError("GW_ERR_UNAVAILABLE", `${message.from.id} is not connected`, { retryable: true });
    }
  }

  async reportDelivered(_message: Message, _recipient: Address): Promise<void> {
    // The answer to message.send already tells a native client its message is safe; there is no receipt frame.
  }

  async joinRoom(room: Address, member: Address, options?: { nick?: string }): Promise<Room> {
    const entry = { address: member, nick: options?.nick ?? member.id, role: "member" as const };
    if (await this.services.rooms.join(room, entry)) await pushToMembers(this.env, room, frames.roomMember(room, "joined", entry));
    const record = await this.services.rooms.get(room);
    return { address: room, name: record.name, subject: record.subject, members: await this.services.rooms.members(room) };
  }

  async leaveRoom(room: Address, member: Address, removal?: RoomRemoval): Promise<void> {
    const entry = (await this.services.rooms.members(room)).find((candidate) => sameAddress(candidate.address, member));
    await this.services.rooms.leave(room, member);
    if (!entry) return;
    const frame = frames.roomMember(room, "left", entry, removal);
    await pushToMembers(this.env, room, frame);
    // Put out by someone else: the member's own sessions learn it too (no longer a member, so not reached above).
    if (removal !== undefined && isNative(member)) this.sessions.pushTo(member.id, frame);
  }

  async sendTopic(room: Address, topic: string, by?: RoomMember): Promise<void> {
    await pushToMembers(this.env, room, frames.roomSubject(room, topic, by?.address ?? room));
  }

  async sendMembership(room: Address, member: RoomMember, event: "joined" | "left", removal?: RoomRemoval): Promise<void> {
    const frame = frames.roomMember(room, event, member, removal);
    await pushToMembers(this.env, room, frame, { member: member.address });
    if (removal !== undefined && isNative(member.address)) this.sessions.pushTo(member.address.id, frame);
  }

  async sendMemberChange(room: Address, member: RoomMember, changed: RoomMember): Promise<void> {
    await pushToMembers(this.env, room, frames.roomMemberChange(room, member, changed));
  }

  /** One of a user's accounts elsewhere was linked (its code came back) or unlinked: every session of theirs is told. */
  /** A code for `person` only: pushed to their own sessions (identity.code), never to anyone else's. */
  async identityCode(person: Address, address: Address, code: string, expiresAt: number): Promise<boolean> {
    if (!isNative(person) || isRoomId(person.id)) return false;
    return this.sessions.pushTo(person.id, frames.identityCode(address, code, expiresAt));
  }

  async identityChanged(person: Address, address: Address, linked: boolean): Promise<void> {
    if (isNative(person) && !isRoomId(person.id)) this.sessions.pushTo(person.id, frames.identityLinked(address, linked));
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
    socket.on("message", (data, isBinary) => this.receive(session, data, isBinary));
    socket.on("pong", () => {
      session.alive = true;
    });
    socket.on("error", (error) => this.context.log.debug({ err: error, session: session.id }, "connection error"));
    socket.on("close", () => this.closed(session));
  }

  private receive(session: NativeSession, data: RawData, isBinary: boolean): void {
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
      // Internal and store failures are logged in full; the client gets the code and a plain sentence.
      const hidden = error.code === "GW_ERR_INTERNAL" || error.code === "GW_ERR_STORE";
      if (hidden) this.context.log.error({ err: thrown, frame: frame.type, session: session.id }, "frame handler failed");
      return frames.error(requestId, error.code, hidden ? ERROR_CODES[error.code] : error.message);
    }
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

  private announcePresence(user: string, address: Address): void {
    const presence = this.sessions.presenceOf(user, address);
    this.context.dispatch({ type: "presence", presence: presence.show === "offline" ? { ...presence, since: Date.now() } : presence });
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

export interface NativeAdapterOptions {
  /** How long stop() waits for frames already received (shutdown.drain_timeout_ms). */
  readonly drainTimeoutMs: number;
}

export function createNativeAdapter(config: NativeConfig, services: NativeServices, context: AdapterContext, options?: NativeAdapterOptions): NativeAdapter {
  return new NativeAdapter(config, services, context, options);
}


