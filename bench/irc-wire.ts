/**
 * A lean IRC client for the benchmark: one TCP socket (TCP_NODELAY), registration (NICK, USER; done at the end
 * of the MOTD), PING answered, JOIN awaited (RPL_ENDOFNAMES), and lines handled as strings: a PRIVMSG is cut
 * out of its line with indexOf, nothing else is parsed unless a setup step waits for it.
 *
 * It is lean on purpose, like bench/xmpp-wire.ts: test/helpers/irc-client.ts (IrcTestClient) parses every line
 * into an object with regular expressions and keeps a transcript of every line, work that would be measured as
 * latency and take the CPU the servers need on a 2-core machine. It relies on what ngIRCd writes: lines end in
 * CR LF, no message tags (no CAP is requested), and a PRIVMSG is ":nick!user@host PRIVMSG <target> :<text>".
 */
import { connect, type Socket } from "node:net";
import { WireConnection } from "./wire-connection.js";

const REGISTER_TIMEOUT_MS = 10_000;
/** Numerics that end a registration: erroneous nick, nick in use, password, banned (RFC 2812 section 5.2). */
const REGISTRATION_ERRORS = new Set(["431", "432", "433", "436", "437", "464", "465"]);
/** Numerics that refuse a JOIN. */
const JOIN_ERRORS = new Set(["403", "405", "471", "473", "474", "475", "476", "477"]);

export interface IrcWireOptions {
  readonly host: string;
  readonly port: number;
  readonly nick: string;
}

/** The command (or three-digit numeric) of a line, and the index just after it; undefined for a line without one. */
function commandOf(line: string): { command: string; end: number } | undefined {
  let start = 0;
  if (line.charCodeAt(0) === 58 /* ":" */) {
    start = line.indexOf(" ") + 1;
    if (start === 0) return undefined;
  }
  const end = line.indexOf(" ", start);
  return { command: end < 0 ? line.slice(start) : line.slice(start, end), end: end < 0 ? line.length : end };
}

/** The n-th middle parameter (0-based) after the command; undefined when there are fewer. */
function param(line: string, n: number): string | undefined {
  const head = commandOf(line);
  if (!head) return undefined;
  let at = head.end + 1;
  for (let index = 0; at > 0 && at <= line.length; index++) {
    if (line.charCodeAt(at) === 58) return line.slice(at + 1);
    const next = line.indexOf(" ", at);
    if (index === n) return next < 0 ? line.slice(at) : line.slice(at, next);
    if (next < 0) return undefined;
    at = next + 1;
  }
  return undefined;
}

/** A registered IRC client (socket plumbing and waiters: bench/wire-connection.ts). */
export class IrcWire extends WireConnection {
  /** Every PRIVMSG received (channel or query), with the sender's nick. */
  onPrivmsg: (nick: string, target: string, text: string) => void = () => undefined;
  /** Error numerics (4xx, 5xx) and ERROR lines received after registration. */
  onError: (code: string, line: string) => void = () => undefined;
  private buffer = "";

  private constructor(
    socket: Socket,
    readonly nick: string,
  ) {
    super(socket, nick, `${nick}: `, "QUIT :bench done\r\n");
    void this.closedPromise.then(() => this.forgetWaiters());
  }

  /** Connects and registers; resolves at the end of the MOTD (376, or 422 without one). */
  static async open(options: IrcWireOptions): Promise<IrcWire> {
    const socket = connect({ host: options.host, port: options.port });
    const wire = new IrcWire(socket, options.nick);
    try {
      const done = wire.next((line) => {
        const command = commandOf(line)?.command ?? "";
        return command === "376" || command === "422" || command === "ERROR" || REGISTRATION_ERRORS.has(command);
      }, REGISTER_TIMEOUT_MS, `the registration of ${options.nick}`);
      const failed = new Promise<never>((_, reject) => socket.once("error", reject));
      wire.send(`NICK ${options.nick}`);
      wire.send(`USER ${options.nick.replace(/[^a-z0-9]/gi, "").slice(0, 9) || "bench"} 0 * :Switchboard bench`);
      const line = await Promise.race([done, failed]);
      const command = commandOf(line)?.command ?? "";
      if (command !== "376" && command !== "422") throw new Error(`${options.nick}: registration refused: ${line}`);
      return wire;
    } catch (error: unknown) {
      socket.destroy();
      throw error;
    }
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** Joins a channel; resolves at RPL_ENDOFNAMES (366) for it, rejects on a numeric refusing the JOIN. */
  async join(channel: string, timeoutMs = REGISTER_TIMEOUT_MS): Promise<void> {
    const folded = channel.toLowerCase();
    const answer = this.next((line) => {
      const command = commandOf(line)?.command ?? "";
      return (command === "366" || JOIN_ERRORS.has(command)) && param(line, 1)?.toLowerCase() === folded;
    }, timeoutMs, `the JOIN of ${channel}`);
    this.send(`JOIN ${channel}`);
    const line = await answer;
    if (commandOf(line)?.command !== "366") throw new Error(`${this.nick}: JOIN ${channel} refused: ${line}`);
  }

  protected onData(chunk: string): void {
    const text = this.buffer + chunk;
    let start = 0;
    for (let end = text.indexOf("\r\n"); end >= 0; end = text.indexOf("\r\n", start)) {
      if (end > start) this.onLine(text.slice(start, end));
      start = end + 2;
    }
    this.buffer = start === 0 ? text : text.slice(start);
  }

  private onLine(line: string): void {
    // The hot path: ":nick!user@host PRIVMSG target :text".
    const space = line.indexOf(" ");
    if (line.charCodeAt(0) === 58 && line.startsWith("PRIVMSG ", space + 1) && !this.waiting) {
      const targetStart = space + 9;
      const targetEnd = line.indexOf(" ", targetStart);
      const bang = line.indexOf("!");
      const nick = line.slice(1, bang > 0 && bang < space ? bang : space);
      const text = line.charCodeAt(targetEnd + 1) === 58 ? line.slice(targetEnd + 2) : line.slice(targetEnd + 1);
      this.onPrivmsg(nick, line.slice(targetStart, targetEnd), text);
      return;
    }
    if (line.startsWith("PING ")) return this.send(`PONG ${line.slice(5)}`);
    if (this.deliver(line)) return;
    const command = commandOf(line)?.command ?? "";
    if (command === "ERROR") {
      this.problems.push(`${this.nick}: ${line}`);
      this.onError("ERROR", line);
    } else if (/^[45]\d\d$/.test(command)) {
      this.onError(command, line);
    } else if (command === "PRIVMSG") {
      // A PRIVMSG that arrived while a waiter was pending.
      const target = param(line, 0) ?? "";
      const nick = line.slice(1, Math.min(...[line.indexOf("!"), space].filter((at) => at > 0)));
      this.onPrivmsg(nick, target, param(line, 1) ?? "");
    }
  }
}
