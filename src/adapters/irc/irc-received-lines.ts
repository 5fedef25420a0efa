/**
 * Each line one IRC connection reads (irc-connection.ts), in irc-framework's raw middleware, before its handlers
 * see it: the registration's verdict while registering (irc-registration.ts), CAP offers narrowed to the caps we
 * want, an ERROR kept as the reason of the close, our own state (irc-own-state.ts), the confirmations of our lines
 * (irc-sent-lines.ts) and our events (irc-events.ts), but none of either for channel history replayed at a join
 * (join-replays.ts).
 *
 * Lines read in the same chunk as the end of the MOTD are held until the next macrotask, so that a caller
 * who attaches listeners right after `await IrcConnection.connect(...)` misses none of them.
 */
import type { Client } from "irc-framework";
import { GatewayError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { narrowOfferedCaps } from "./irc-connection-options.js";
import { IrcEventTranslator, type IrcConnectionEvents } from "./irc-events.js";
import { parseIrcLine, serverTime } from "./irc-line.js";
import { JoinReplays } from "./join-replays.js";
import { ServerClock } from "./server-clock.js";
import type { IrcOwnState } from "./irc-own-state.js";
import type { IrcRegistration } from "./irc-registration.js";
import type { IrcSentLines } from "./irc-sent-lines.js";
import { serializeLine } from "./line-safety.js";
import type { TypedEmitter } from "./typed-emitter.js";

export interface IrcReceivedLinesParts {
  readonly client: Client;
  readonly log: Logger;
  readonly events: TypedEmitter<IrcConnectionEvents>;
  readonly registration: IrcRegistration;
  readonly own: IrcOwnState;
  readonly sent: IrcSentLines;
  readonly wantedCaps: ReadonlySet<string>;
  /** True until IrcConnection.connect settles: lines go to the registration. */
  registering(): boolean;
  /** True once the connection is closed: irc-framework's handlers see no more lines. */
  closed(): boolean;
  /** Where the connection is, named when it times out. */
  setStage(stage: string): void;
  /** The reason the connection closes, unless it has one already. */
  closing(error: GatewayError): void;
  failConnect(error: GatewayError): void;
  /** Registered and ISUPPORT read: IrcConnection.connect resolves. */
  ready(): void;
  /** Runs `action`; an exception is logged, never thrown into irc-framework. */
  guard(what: string, action: () => void): void;
}

export class IrcReceivedLines {
  private readonly translator = new IrcEventTranslator();
  private held: Array<() => void> | undefined;
  private readonly replays: JoinReplays;
  private readonly clock = new ServerClock();

  constructor(private readonly parts: IrcReceivedLinesParts) {
    this.replays = new JoinReplays((channel, lines) => parts.log.debug({ channel, lines }, "channel history replayed at the join: not relayed"));
  }

  /** irc-framework's raw middleware: our handling first, then its handlers (next) unless the line ended the connection. */
  middleware(params: string[], rawLine: string, next: () => void): void {
    if (this.held !== undefined) {
      this.held.push(() => this.middleware(params, rawLine, next));
      return;
    }
    let pass = false;
    this.parts.guard("a received line", () => (pass = this.receive(rawLine, params)));
    if (pass && !this.parts.closed()) next();
  }

  /** Handles one received line; false when irc-framework must not see it (the connection failed on it, or it is ours alone). */
  private receive(rawLine: string, frameworkParams: string[]): boolean {
    const line = parseIrcLine(rawLine);
    if (line === undefined) return true;
    let ready = false;
    if (this.parts.registering()) {
      const step = this.parts.registration.onLine(line);
      switch (step.kind) {
        case "fail":
          this.parts.failConnect(step.error);
          return false;
        case "retry-nick":
          this.parts.log.info({ taken: line.params[1], next: step.nick, attempt: step.attempt }, "IRC nick taken at registration; trying the next one");
          this.parts.own.nick = step.nick;
          this.parts.client.user.nick = step.nick;
          this.parts.client.connection.write(serializeLine("NICK", [step.nick]));
          break;
        case "registered":
          this.parts.setStage("the end of the MOTD (376/422)");
          break;
        case "ready":
          ready = true;
          break;
        case "continue":
          break;
      }
    }
    if (line.command === "CAP" && !narrowOfferedCaps(this.parts.wantedCaps, line, frameworkParams)) return false;
    if (line.command === "ERROR") {
      this.parts.closing(new GatewayError("GW_ERR_UNAVAILABLE", `the IRC server closed the connection: ${line.params[0] ?? ""}`, { retryable: true, condition: "ERROR" }));
    }
    this.parts.own.apply(line);
    // Replayed channel history (join-replays.ts) is old news: no event, and a line of our own nick in it is no echo.
    const replayed = this.replays.isReplayed(line, (nick) => this.parts.own.isSelf(nick), this.parts.own.server);
    if (!replayed) {
      this.parts.sent.confirm(line);
      // A line of a batch may be played back: only one of its own tells the server's clock (server-clock.ts).
      if (line.tags["batch"] === undefined) this.clock.observe(serverTime(line.tags), Date.now());
      const { server } = this.parts.own;
      const context = { caseMapping: server.caseMapping, prefixes: server.prefixes, prefixModes: server.prefixModes, paramModes: server.paramModes, localTime: (stamp: number) => this.clock.local(stamp) };
      for (const event of this.translator.translate(line, context)) this.parts.events.emitEvent(event);
    }
    if (ready) this.parts.ready();
    // PRIVMSG and NOTICE are the gateway's alone: the translator makes their events, CTCP included (irc-framework's
    // own CTCP VERSION answer is off: irc-connection-options.ts), and irc-framework's handlers would only build
    // events that nobody listens to, for every line said in every channel.
    return line.command !== "PRIVMSG" && line.command !== "NOTICE";
  }

  /** Lines read from now on wait for the next macrotask: the connection is ready, and its caller attaches listeners. */
  holdUntilNextTask(): void {
    this.held = [];
    setImmediate(() => this.releaseHeld());
  }

  /** The connection closed: the count of history lines replayed and not yet logged is logged. */
  closed(): void {
    this.replays.close();
  }

  releaseHeld(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const resume of held) resume();
  }
}
