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
 *   as do irc-framework's own registration lines and keep-alive PINGs;
 * - the events (irc-events.ts), from lines we parse ourselves (irc-line.ts).
 *
 * Lines read in the same chunk as the end of the MOTD are held until the next macrotask, so that a caller
 * who attaches listeners right after `await IrcConnection.connect(...)` misses none of them.
 */
import { Client } from "irc-framework";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import { isOthersChannelChatter } from "./channel-chatter.js";
import type { Logger } from "../../core/logger.js";
import { DEFAULT_MAX_PENDING_LINES, DEFAULT_PING_TIMEOUT_SECONDS, frameworkOptions, narrowOfferedCaps, optionsProblem, wantedCaps, type IrcConnectionOptions } from "./irc-connection-options.js";
import { IrcConfirmer } from "./irc-confirmer.js";
import { IrcEventTranslator, type IrcConnectionEvents } from "./irc-events.js";
import type { IrcServerInfo } from "./irc-isupport.js";
import { parseIrcLine, type IrcLine } from "./irc-line.js";
import { IrcLineWriter, type SendDone } from "./irc-line-writer.js";
import { IrcOwnState } from "./irc-own-state.js";
import { failureFromNumeric } from "./numerics.js";
import { IrcRegistration } from "./irc-registration.js";
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
  private readonly translator = new IrcEventTranslator();
  private readonly registration: IrcRegistration;
  private readonly writer: IrcLineWriter;
  private readonly own: IrcOwnState;
  private readonly confirmer: IrcConfirmer;
  /** TOPICs sent and not yet answered (by their echo, or a refusal), counted per channel (ASCII lower case). */
  private readonly topicsSent = new Map<string, number>();
  private readonly wantedCaps: ReadonlySet<string>;
  private phase: "connecting" | "open" | "closed" = "connecting";
  private byUs = false;
  private closeError: GatewayError | undefined;
  private stage = "TCP connect";
  private held: Array<() => void> | undefined;
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
    const line = serializeLine(command, params);
    const bytes = Buffer.byteLength(line, "utf8") + 2;
    if (bytes > this.server.lineLen) {
      throw new GatewayError("GW_ERR_DELIVERY_FAILED", `the IRC line is ${bytes} bytes; the server takes at most ${this.server.lineLen}`, { condition: "line-too-long" });
    }
    if (!this.isOpen) throw new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection is closed", { retryable: true });
    const upper = command.toUpperCase();
    if (upper === "TOPIC" && params.length > 1) this.countTopic(params[0] ?? "", 1);
    if (upper === "PONG" || upper === "QUIT") this.writer.writeNow(line, this.bothDone(done, confirmed));
    else if (upper === "PRIVMSG" || upper === "NOTICE") this.enqueueTracked(line, params[0] ?? "", upper === "NOTICE", done, confirmed);
    else this.writer.enqueue(line, this.bothDone(done, confirmed));
  }

  /** PRIVMSG and NOTICE: queued, and tracked until the server confirms them (irc-confirmer.ts). */
  private enqueueTracked(line: string, target: string, notice: boolean, done: SendDone | undefined, confirmed: SendDone | undefined): void {
    const waiter = confirmed === undefined ? undefined : (error?: GatewayError): void => this.guard("a confirmation callback", () => confirmed(error));
    const seq = this.confirmer.expect(target, waiter, notice);
    try {
      this.writer.enqueue(line, (error) => {
        if (error === undefined) this.confirmer.written(seq);
        else this.confirmer.notWritten(seq, error);
        done?.(error);
      });
    } catch (error: unknown) {
      this.confirmer.notWritten(seq, toGatewayError(error));
      throw error;
    }
  }

  private bothDone(done: SendDone | undefined, confirmed: SendDone | undefined): SendDone | undefined {
    if (confirmed === undefined) return done;
    return (error) => {
      done?.(error);
      confirmed(error);
    };
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
      this.client.use((_client, raw) => raw.use((_command, message, rawLine, _self, next) => this.middleware(message.params, rawLine, next)));
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

  /** irc-framework's raw middleware: our handling first, then its handlers (next) unless the line ended the connection. */
  private middleware(params: string[], rawLine: string, next: () => void): void {
    if (this.held !== undefined) {
      this.held.push(() => this.middleware(params, rawLine, next));
      return;
    }
    let pass = false;
    this.guard("a received line", () => (pass = this.receive(rawLine, params)));
    if (pass && this.phase !== "closed") next();
  }

  /** Handles one received line; false when irc-framework must not see it (the connection failed on it, or it is ours alone). */
  private receive(rawLine: string, frameworkParams: string[]): boolean {
    const line = parseIrcLine(rawLine);
    if (line === undefined) return true;
    let ready = false;
    if (this.pending !== undefined) {
      const step = this.registration.onLine(line);
      switch (step.kind) {
        case "fail":
          this.failConnect(step.error);
          return false;
        case "retry-nick":
          this.log.info({ taken: line.params[1], next: step.nick, attempt: step.attempt }, "IRC nick taken at registration; trying the next one");
          this.own.nick = step.nick;
          this.client.user.nick = step.nick;
          this.client.connection.write(serializeLine("NICK", [step.nick]));
          break;
        case "registered":
          this.stage = "the end of the MOTD (376/422)";
          break;
        case "ready":
          ready = true;
          break;
        case "continue":
          break;
      }
    }
    if (line.command === "CAP" && !narrowOfferedCaps(this.wantedCaps, line, frameworkParams)) return false;
    if (line.command === "ERROR") {
      this.closeError ??= new GatewayError("GW_ERR_UNAVAILABLE", `the IRC server closed the connection: ${line.params[0] ?? ""}`, { retryable: true, condition: "ERROR" });
    }
    this.own.apply(line);
    this.confirm(line);
    const context = { caseMapping: this.server.caseMapping, prefixes: this.server.prefixes, prefixModes: this.server.prefixModes, paramModes: this.server.paramModes };
    for (const event of this.translator.translate(line, context)) this.events.emitEvent(event);
    if (ready) this.ready();
    // PRIVMSG and NOTICE are the gateway's alone: the translator makes their events, CTCP included (irc-framework's
    // own CTCP VERSION answer is off: irc-connection-options.ts), and irc-framework's handlers would only build
    // events that nobody listens to, for every line said in every channel.
    return line.command !== "PRIVMSG" && line.command !== "NOTICE";
  }

  /** A line that proves the server read ours: an echo of our PRIVMSG/NOTICE, a refusal numeric naming a target, our barrier's PONG. */
  private confirm(line: IrcLine): void {
    if (line.command === "PONG") {
      this.confirmer.pong(line.params[line.params.length - 1] ?? "");
    } else if ((line.command === "PRIVMSG" || line.command === "NOTICE") && line.source?.nick.toLowerCase() === this.own.nick.toLowerCase()) {
      if (this.confirmer.echoMode) this.confirmer.answered(line.params[0] ?? "");
    } else if (line.command === "TOPIC" && line.source?.nick.toLowerCase() === this.own.nick.toLowerCase()) {
      this.countTopic(line.params[0] ?? "", -1);
    } else if (/^\d{3}$/.test(line.command)) {
      const failure = failureFromNumeric(line.command, line.params);
      if (failure?.target === undefined || !failure.info.operations.includes("message")) return;
      // A numeric that may refuse a TOPIC too (482) answers the TOPIC sent there, not a message line.
      if (failure.info.operations.includes("topic") && this.countTopic(failure.target, -1)) return;
      this.confirmer.refused(failure.target, failure.error);
    }
  }

  /** Adds `change` (1 or -1) to the TOPICs open for `channel`; false when there was none to take away. */
  private countTopic(channel: string, change: 1 | -1): boolean {
    const key = channel.toLowerCase();
    const open = this.topicsSent.get(key) ?? 0;
    if (change < 0 && open === 0) return false;
    if (open + change === 0) this.topicsSent.delete(key);
    else this.topicsSent.set(key, open + change);
    return true;
  }

  private ready(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    clearTimeout(this.connectTimer);
    this.phase = "open";
    this.confirmer.echoMode = this.caps.has("echo-message");
    this.log.debug({ registeredAs: this.nick, caps: [...this.caps], server: { ...this.server, isupport: undefined } }, "IRC connection registered");
    this.held = [];
    setImmediate(() => this.releaseHeld());
    pending.resolve();
  }

  private releaseHeld(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const resume of held) resume();
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
    this.releaseHeld();
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
