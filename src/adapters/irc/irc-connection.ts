/**
 * One IRC connection: registered, flood-controlled, decoded, with typed events. The adapter builds on it.
 *
 * irc-framework (a Client) runs the registration (CAP LS 302 / REQ / END, SASL, PASS, NICK, USER), answers
 * PING with PONG, and PINGs a quiet server itself, closing the connection after `pingTimeoutSeconds`
 * without a line (RFC 2812 section 3.7.2). Everything else is ours:
 * - no reconnection and none of irc-framework's own answers (irc-connection-options.ts);
 * - the socket (irc-transport.ts: TLS options, one encoding decision per line);
 * - the verdict on the registration (irc-registration.ts), taken in irc-framework's raw middleware, before
 *   its handlers see the line, so that a missing SASL cap ends the connection before it sends CAP END;
 * - the caps: irc-framework requests a list of its own (batch, extended-join, message-tags, ...), so CAP LS
 *   and CAP NEW lines are narrowed, before its handlers see them, to the caps we want;
 * - each outgoing line: serializeLine (line-safety.ts) refuses CR, LF and NUL before anything is queued,
 *   then flood control (irc-line-writer.ts) and the connection's raw write. PONG and QUIT skip the bucket,
 *   as do irc-framework's own registration lines and keep-alive PINGs (irc-sent-lines.ts);
 * - the events (irc-events.ts), from lines we parse ourselves (irc-line.ts), and everything else done with a
 *   line read (irc-received-lines.ts).
 */
import { Client } from "irc-framework";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import { isOthersChannelChatter } from "./channel-chatter.js";
import type { Logger } from "../../core/logger.js";
import { DEFAULT_MAX_PENDING_LINES, DEFAULT_PING_TIMEOUT_SECONDS, frameworkOptions, optionsProblem, wantedCaps, type IrcConnectionOptions } from "./irc-connection-options.js";
import { IrcConfirmer } from "./irc-confirmer.js";
import type { IrcConnectionEvents } from "./irc-events.js";
import type { IrcServerInfo } from "./irc-isupport.js";
import { IrcLineWriter, type SendDone } from "./irc-line-writer.js";
import { IrcOwnState } from "./irc-own-state.js";
import { IrcReceivedLines } from "./irc-received-lines.js";
import { IrcRegistration } from "./irc-registration.js";
import { IrcSentLines } from "./irc-sent-lines.js";
import { ircTransportClass, MAX_LINE_BYTES } from "./irc-transport.js";
import { serializeLine } from "./line-safety.js";
import { oneLineText } from "./outgoing-text.js";
import { TypedEmitter, type Listener } from "./typed-emitter.js";

export type { IrcConnectionOptions } from "./irc-connection-options.js";
export type { IrcConnectionEvents, IrcMessageEvent, IrcSource } from "./irc-events.js";
export type { IrcServerInfo } from "./irc-isupport.js";
export type { SendDone } from "./irc-line-writer.js";
export type { IrcTlsOptions } from "./irc-transport.js";
export { WHOX_TOKEN, whoxParams } from "./irc-events.js";

const QUIT_TIMEOUT_MS = 2000;
const DEFAULT_QUIT_REASON = "Switchboard";

export class IrcConnection {
  private readonly log: Logger;
  private readonly client = new Client();
  private readonly events: TypedEmitter<IrcConnectionEvents>;
  private readonly registration: IrcRegistration;
  private readonly writer: IrcLineWriter;
  private readonly own: IrcOwnState;
  private readonly confirmer: IrcConfirmer;
  private readonly sent: IrcSentLines;
  private readonly received: IrcReceivedLines;
  private readonly wantedCaps: ReadonlySet<string>;
  private phase: "connecting" | "open" | "closed" = "connecting";
  private byUs = false;
  private closeError: GatewayError | undefined;
  private stage = "TCP connect";
  private pending: { resolve: () => void; reject: (error: GatewayError) => void } | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private quitTimer: NodeJS.Timeout | undefined;
  private readonly closedPromise: Promise<void>;
  private markClosed: () => void = () => undefined;

  private constructor(private readonly options: IrcConnectionOptions) {
    this.log = options.log.child({ irc: `${options.host}:${options.port}`, nick: options.nick });
    this.events = new TypedEmitter((event, error) => this.log.error({ err: error, event }, "an IRC connection event listener threw"));
    this.own = new IrcOwnState(options.nick);
    this.wantedCaps = wantedCaps(options);
    this.registration = new IrcRegistration({
      nick: options.nick,
      ...(options.maxNickAttempts === undefined ? {} : { maxNickAttempts: options.maxNickAttempts }),
      ...(options.sasl === undefined ? {} : { sasl: options.sasl.mechanism }),
      password: options.password !== undefined,
      ...(options.webirc === undefined ? {} : { webirc: { host: options.webirc.host, ip: options.webirc.ip } }),
    });
    this.writer = new IrcLineWriter({
      flood: options.flood,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.schedule ? { schedule: options.schedule } : {}),
      maxPending: options.maxPendingLines ?? DEFAULT_MAX_PENDING_LINES,
      write: (line, callback) => this.client.connection.write(line, callback),
      isConnected: () => this.client.connection.connected,
      call: (what, action) => this.guard(what, action),
      unheard: (error) => this.log.debug({ err: error }, "an IRC line was not sent"),
    });
    this.confirmer = new IrcConfirmer((token) => this.writer.writeNow(serializeLine("PING", [token])));
    this.sent = new IrcSentLines({ writer: this.writer, confirmer: this.confirmer, own: this.own, isOpen: () => this.isOpen, guard: (what, action) => this.guard(what, action) });
    this.received = new IrcReceivedLines({
      client: this.client,
      log: this.log,
      events: this.events,
      registration: this.registration,
      own: this.own,
      sent: this.sent,
      wantedCaps: this.wantedCaps,
      registering: () => this.pending !== undefined,
      closed: () => this.phase === "closed",
      setStage: (stage) => (this.stage = stage),
      closing: (error) => (this.closeError ??= error),
      failConnect: (error) => this.failConnect(error),
      ready: () => this.ready(),
      guard: (what, action) => this.guard(what, action),
    });
    this.closedPromise = new Promise((resolve) => (this.markClosed = resolve));
  }

  /**
   * Connects and resolves once registered (001) and ISUPPORT is read (376 or 422). Rejects with a
   * GatewayError: GW_ERR_CONFIG for unusable options; GW_ERR_AUTH_FAILED (SASL, server password),
   * GW_ERR_NICK_IN_USE, GW_ERR_BAD_ADDRESS, GW_ERR_FORBIDDEN (banned) and GW_ERR_UNAVAILABLE (SASL not
   * offered) per irc-registration.ts; GW_ERR_UNAVAILABLE (retryable) for a refused connection, a timeout,
   * a close, or a TLS failure with its reason ("self-signed certificate", condition = Node's error code).
   */
  static async connect(options: IrcConnectionOptions): Promise<IrcConnection> {
    const problem = optionsProblem(options);
    if (problem !== undefined) throw new GatewayError("GW_ERR_CONFIG", problem);
    return new IrcConnection(options).begin();
  }

  /** Our current nick (follows NICK changes of ourselves). */
  get nick(): string {
    return this.own.nick;
  }

  get server(): IrcServerInfo {
    return this.own.server;
  }

  /** The caps the server enabled (CAP ACK, less CAP DEL). */
  get caps(): ReadonlySet<string> {
    return new Set(this.client.network.cap.enabled);
  }

  /** Our user name as others see it (001, our JOIN echo, WHO, CHGHOST), when known. */
  get ownUser(): string | undefined {
    return this.own.user;
  }

  /** Our host as others see it (001, 396, our JOIN echo, WHO, CHGHOST), when known. */
  get ownHost(): string | undefined {
    return this.own.host;
  }

  /** Lines waiting for flood control. */
  get pendingLines(): number {
    return this.writer.pending;
  }

  /** True from registration until quit(), destroy() or the server closes the connection. */
  get isOpen(): boolean {
    return this.phase === "open" && !this.byUs;
  }

  on<K extends keyof IrcConnectionEvents>(event: K, listener: Listener<IrcConnectionEvents[K]>): this {
    this.events.on(event, listener);
    return this;
  }

  off<K extends keyof IrcConnectionEvents>(event: K, listener: Listener<IrcConnectionEvents[K]>): this {
    this.events.off(event, listener);
    return this;
  }

  /**
   * Sends one line through flood control (PONG and QUIT at once). Throws before queueing: serializeLine's
   * GatewayError for unsafe input (condition "unsafe-line"), GW_ERR_DELIVERY_FAILED (condition
   * "line-too-long") for a line longer than the server's LINELEN, GW_ERR_UNAVAILABLE (retryable) once the
   * connection is closing or closed, GW_ERR_RATE_LIMITED when maxPendingLines wait. `done` hears undefined
   * once the line is written to the socket, or GW_ERR_UNAVAILABLE (retryable) when the connection closed first.
   * `confirmed` hears undefined once the server proved it read the line (irc-confirmer.ts: its echo, or the
   * PONG of a later PING barrier; only PRIVMSG and NOTICE are tracked, other lines hear it when written), the
   * server's refusal (an error numeric naming its target: numerics.ts), or GW_ERR_UNAVAILABLE (retryable) when
   * the connection closed before that.
   */
  send(command: string, params: readonly string[], done?: SendDone, confirmed?: SendDone): void {
    this.sent.send(command, params, done, confirmed);
  }

  /** Sends QUIT (past flood control, dropping what waits) and resolves once closed; destroys after 2 s. */
  async quit(reason = DEFAULT_QUIT_REASON): Promise<void> {
    if (this.phase === "closed") return;
    if (!this.byUs) {
      this.byUs = true;
      this.writer.dropAll("the IRC connection is quitting");
      this.confirmer.finalBarrier();
      this.client.connection.write(serializeLine("QUIT", [oneLineText(reason)]));
      this.quitTimer = setTimeout(() => this.closeSocket(), QUIT_TIMEOUT_MS);
    }
    await this.closedPromise;
  }

  /** Closes at once, without QUIT. */
  destroy(): void {
    if (this.phase === "closed") return;
    this.byUs = true;
    this.writer.dropAll("the IRC connection was closed");
    this.closeSocket();
  }

  private begin(): Promise<IrcConnection> {
    const { options } = this;
    return new Promise<IrcConnection>((resolve, reject) => {
      this.pending = { resolve: () => resolve(this), reject };
      this.connectTimer = setTimeout(() => {
        const message = `no IRC registration with ${options.host}:${options.port} within ${options.connectTimeoutMs} ms (stuck at: ${this.stage})`;
        this.failConnect(new GatewayError("GW_ERR_UNAVAILABLE", message, { retryable: true, condition: "timeout" }));
      }, options.connectTimeoutMs);
      // Exactly five parameters: middleware-handler passes an error first to a middleware that declares more.
      this.client.use((_client, raw) => raw.use((_command, message, rawLine, _self, next) => this.received.middleware(message.params, rawLine, next)));
      this.client.on("socket close", (error) => this.guard("socket close", () => this.socketClosed(error === false ? undefined : error)));
      this.client.on("ping timeout", () => {
        const seconds = options.pingTimeoutSeconds ?? DEFAULT_PING_TIMEOUT_SECONDS;
        this.closeError ??= new GatewayError("GW_ERR_UNAVAILABLE", `no line from the IRC server for ${seconds} s (ping timeout)`, { retryable: true, condition: "ping-timeout" });
      });
      this.client.on("debug", (text) => this.log.trace({ irc: text }, "irc-framework"));
      for (const cap of this.wantedCaps) this.client.requestCap(cap);
      const transport = ircTransportClass({
        host: options.host,
        port: options.port,
        ...(options.tls === undefined ? {} : { tls: options.tls }),
        fallbackEncoding: options.fallbackEncoding,
        onStage: (stage) => (this.stage = stage === "tcp-connected" && options.tls !== undefined ? "TLS handshake" : "registration"),
        ...(options.channelChatter === false ? { dropLine: (line: string) => isOthersChannelChatter(line, this.own.nick) } : {}),
        lineTooLong: (bytes) => this.log.warn({ bytes, max: MAX_LINE_BYTES }, "the IRC server sent a line longer than the gateway reads: dropped"),
      });
      try {
        this.client.connect(frameworkOptions(options, transport));
      } catch (error: unknown) {
        this.failConnect(new GatewayError("GW_ERR_UNAVAILABLE", `cannot connect to ${options.host}:${options.port}`, { retryable: true, cause: error }));
      }
    });
  }

  private ready(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    clearTimeout(this.connectTimer);
    this.phase = "open";
    this.confirmer.echoMode = this.caps.has("echo-message");
    this.log.debug({ registeredAs: this.nick, caps: [...this.caps], server: { ...this.server, isupport: undefined } }, "IRC connection registered");
    this.received.holdUntilNextTask();
    pending.resolve();
  }

  private failConnect(error: GatewayError): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    clearTimeout(this.connectTimer);
    this.closeError = error;
    this.log.debug({ err: error }, "IRC connection failed");
    pending.reject(error);
    this.closeSocket();
  }

  private closeSocket(): void {
    const transport = this.client.connection.transport;
    if (transport) transport.close(true);
    else this.finish(undefined);
  }

  private socketClosed(socketError: Error | undefined): void {
    const error = socketError === undefined ? undefined : this.describeSocketError(socketError);
    const where = `${this.options.host}:${this.options.port}`;
    this.failConnect(error ?? new GatewayError("GW_ERR_UNAVAILABLE", `${where} closed the IRC connection during ${this.stage}`, { retryable: true }));
    this.finish(error);
  }

  private describeSocketError(error: Error): GatewayError {
    if (error instanceof GatewayError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${this.options.host}:${this.options.port}`;
    const what = this.stage === "TLS handshake" ? `TLS with ${where} failed` : `the IRC connection to ${where} failed`;
    return new GatewayError("GW_ERR_UNAVAILABLE", `${what}: ${error.message}`, { retryable: true, cause: error, ...(code === undefined ? {} : { condition: code }) });
  }

  /** Once, whatever closed the connection: lines still held first, then what waits is dropped and "closed" emitted. */
  private finish(socketError: GatewayError | undefined): void {
    if (this.phase === "closed") return;
    this.received.releaseHeld();
    this.received.closed();
    const wasOpen = this.phase === "open";
    this.phase = "closed";
    clearTimeout(this.connectTimer);
    clearTimeout(this.quitTimer);
    this.writer.dropAll("the IRC connection closed before the line was sent");
    this.confirmer.failAll(new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection closed before the server confirmed the line", { retryable: true }));
    const error = this.byUs ? undefined : (this.closeError ?? socketError ?? new GatewayError("GW_ERR_UNAVAILABLE", "the IRC server closed the connection", { retryable: true }));
    // A closed connection is expected news, not a fault of the gateway's: the reason, not a stack.
    if (wasOpen) this.log.info({ byUs: this.byUs, reason: error?.message, code: error?.code, lastNick: this.nick }, "IRC connection closed");
    this.events.emit("closed", { ...(error === undefined ? {} : { error }), byUs: this.byUs });
    this.events.removeAll();
    this.markClosed();
  }

  /** Runs `action`; an exception is logged, never thrown into irc-framework (where it would end the process). */
  private guard(what: string, action: () => void): void {
    try {
      action();
    } catch (error: unknown) {
      this.log.error({ err: toGatewayError(error), cause: error }, `IRC connection: ${what} failed`);
    }
  }
}
