/**
 * A small real IRC client for tests, on a raw node:net (or node:tls) socket so that a test sees the protocol
 * itself: every line received is parsed and kept, PINGs are answered, and anything else is awaited by
 * predicate, every wait with a timeout whose message lists the last lines received. It never reconnects.
 *
 * Lines follow RFC 1459 §2.3 / RFC 2812 §2.3 (prefix, command, up to 15 params, the last after " :") with
 * IRCv3 message tags (https://ircv3.net/specs/extensions/message-tags: "@k=v;k2 " before the prefix, values
 * escaped). Registration with capability negotiation follows https://ircv3.net/specs/extensions/capability-negotiation.
 */
import { once } from "node:events";
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

export interface IrcMessage {
  readonly raw: string; // the line as received, without CR LF
  readonly tags: Readonly<Record<string, string>>; // IRCv3 tags, unescaped; "" for a tag without value
  readonly prefix: string | undefined; // "nick!user@host" or a server name; undefined if none
  readonly nick: string | undefined; // the nick (or server name) part of the prefix
  readonly command: string; // upper-cased command or three-digit numeric
  readonly params: readonly string[]; // middle params, then the trailing one without its ":"
}

/** Where to connect: an IrcServer from irc-servers.ts fits. */
export interface IrcEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tlsPort?: number | undefined;
  readonly certificatePem?: string | undefined;
}

export interface IrcConnectOptions {
  /** Capabilities to request; each must be offered by the server (CAP LS) or connect() rejects. */
  caps?: readonly string[];
  password?: string; // the server password, sent with PASS
  username?: string;
  realname?: string;
  tls?: boolean; // connect to the server's tlsPort, trusting its certificatePem
  /** Bound on the whole registration (InspIRCd alone holds each one about 1 s). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 10_000;
const QUIT_TIMEOUT_MS = 2000;
/** Replies that end a registration attempt: nick errors, bad password, banned (RFC 2812 §5.2). */
const REGISTRATION_ERRORS = new Set(["ERROR", "431", "432", "433", "436", "437", "464", "465"]);
/** Replies refusing a JOIN: no such channel, too many channels, full, invite-only, banned, bad key ... */
const JOIN_ERRORS = new Set(["403", "405", "471", "473", "474", "475", "476", "477", "479", "489"]);

/** Unescapes an IRCv3 tag value: \: ; \s space, \\ backslash, \r, \n; other escapes lose the backslash. */
export function unescapeTagValue(value: string): string {
  const map: Readonly<Record<string, string>> = { ":": ";", s: " ", "\\": "\\", r: "\r", n: "\n" };
  return value.replace(/\\(.?)/gs, (_, char: string) => map[char] ?? char);
}

/** Parses one IRC line (with or without its CR LF). Throws on a line with no command. */
export function parseIrcLine(line: string): IrcMessage {
  const raw = line.replace(/\r?\n$/, "").replace(/\r$/, "");
  let rest = raw;
  const tags: Record<string, string> = {};
  const nextWord = (): string => {
    rest = rest.replace(/^ +/, "");
    const space = rest.indexOf(" ");
    const word = space < 0 ? rest : rest.slice(0, space);
    rest = space < 0 ? "" : rest.slice(space + 1);
    return word;
  };
  if (rest.startsWith("@")) {
    for (const tag of nextWord().slice(1).split(";")) {
      if (tag === "") continue;
      const equals = tag.indexOf("=");
      if (equals < 0) tags[tag] = "";
      else tags[tag.slice(0, equals)] = unescapeTagValue(tag.slice(equals + 1));
    }
  }
  let prefix: string | undefined;
  if (rest.replace(/^ +/, "").startsWith(":")) prefix = nextWord().slice(1);
  const command = nextWord().toUpperCase();
  if (command === "") throw new Error(`not an IRC line (no command): ${JSON.stringify(raw)}`);
  const params: string[] = [];
  for (;;) {
    rest = rest.replace(/^ +/, "");
    if (rest === "") break;
    if (rest.startsWith(":")) {
      params.push(rest.slice(1));
      break;
    }
    params.push(nextWord());
  }
  const nick = prefix === undefined ? undefined : prefix.split("!")[0]?.split("@")[0];
  return { raw, tags, prefix, nick, command, params };
}

/**
 * Lower-cases a nick or channel name as the server compares them (ISUPPORT CASEMAPPING): "ascii" folds A-Z,
 * "rfc1459" also []\~ to {}|^, "strict-rfc1459" []\ to {}|.
 */
export function ircLower(name: string, casemapping = "rfc1459"): string {
  const ascii = name.replace(/[A-Z]/g, (char) => char.toLowerCase());
  if (casemapping === "ascii") return ascii;
  const extra: Readonly<Record<string, string>> = casemapping === "strict-rfc1459" ? { "[": "{", "]": "}", "\\": "|" } : { "[": "{", "]": "}", "\\": "|", "~": "^" };
  return ascii.replace(/[[\]\\~]/g, (char) => extra[char] ?? char);
}

/** The last param written as IRC requires: after " :" when empty, with spaces, or starting with ":". */
function lastParam(value: string): string {
  return value === "" || value.includes(" ") || value.startsWith(":") ? `:${value}` : value;
}

interface WaitOptions {
  readonly timeoutMs: number;
  readonly what: string;
  /** A line that ends the wait with an error (e.g. a numeric refusing the request). */
  readonly failOn?: (line: IrcMessage) => boolean;
}

interface Waiter {
  offer(line: IrcMessage): boolean; // true if the waiter took the line
  fail(reason: string): void;
}

export class IrcTestClient {
  readonly transcript: IrcMessage[] = []; // every line received, in order (PINGs included)
  readonly unclaimed: IrcMessage[] = []; // lines no wait has taken yet (answered PINGs are not kept)
  readonly sent: string[] = []; // every line sent, without CR LF
  readonly errors: Error[] = []; // socket errors seen (a test may assert there were none)
  readonly caps = new Set<string>(); // capabilities the server acknowledged
  readonly offeredCaps = new Map<string, string>(); // CAP LS: name -> value ("" when none)
  readonly isupport = new Map<string, string>(); // RPL_ISUPPORT (005): CASEMAPPING -> "ascii"; "" when no value
  nick: string; // the current nick, updated by 001 and by the server's NICK echo
  private readonly waiters = new Set<Waiter>();
  private buffer = "";
  private isClosed = false;
  private readonly closedPromise: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly where: string,
    nick: string,
  ) {
    this.nick = nick;
    socket.setEncoding("utf8");
    socket.setNoDelay(true);
    socket.on("data", (chunk: string) => this.onData(chunk));
    socket.on("error", (error: Error) => void this.errors.push(error));
    this.closedPromise = new Promise((resolve) =>
      socket.once("close", () => {
        this.isClosed = true;
        const error = this.errors.at(-1);
        for (const waiter of [...this.waiters]) waiter.fail(`the connection closed${error ? ` (${error.message})` : ""}`);
        resolve();
      }),
    );
  }

  /**
   * Connects and registers (PASS, NICK, USER; CAP LS 302 / REQ / END when caps are asked for), resolving after
   * RPL_WELCOME (001) and the end of the MOTD (376, or 422 when there is none), so ISUPPORT is known.
   */
  static async connect(server: IrcEndpoint, nick: string, options: IrcConnectOptions = {}): Promise<IrcTestClient> {
    const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    const left = (): number => Math.max(1, deadline - Date.now());
    const port = options.tls ? server.tlsPort : server.port;
    if (port === undefined) throw new Error(`the server at ${server.host}:${server.port} has no TLS port`);
    const where = `${nick} on ${server.host}:${port}${options.tls ? " (TLS)" : ""}`;
    const socket = options.tls
      ? connectTls({ host: server.host, port, ...(server.certificatePem === undefined ? {} : { ca: server.certificatePem }) })
      : connectTcp({ host: server.host, port });
    const client = new IrcTestClient(socket, where, nick);
    try {
      await once(socket, options.tls ? "secureConnect" : "connect", { signal: AbortSignal.timeout(left()) }).catch((error: unknown) => {
        throw new Error(`${where}: no connection: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      });
      const caps = options.caps ?? [];
      if (caps.length > 0) client.send("CAP LS 302");
      if (options.password !== undefined) client.send(`PASS ${lastParam(options.password)}`);
      client.send(`NICK ${nick}`);
      client.send(`USER ${options.username ?? nick} 0 * ${lastParam(options.realname ?? `Switchboard test ${nick}`)}`);
      const refused = (line: IrcMessage): boolean => REGISTRATION_ERRORS.has(line.command);
      if (caps.length > 0) await client.negotiateCaps(caps, left, refused);
      await client.wait((line) => line.command === "001", { timeoutMs: left(), what: "RPL_WELCOME (001)", failOn: refused });
      await client.wait((line) => line.command === "376" || line.command === "422", { timeoutMs: left(), what: "the end of the MOTD (376/422)", failOn: refused });
      return client;
    } catch (error: unknown) {
      client.destroy();
      throw error;
    }
  }

  /**
   * Connects several clients, at most `concurrency` at a time, in the order of `nicks`. ngIRCd listens with a
   * backlog of 10: about 30 connects at once overflow it, and Linux (with SYN cookies) resets some of them.
   */
  static async connectMany(server: IrcEndpoint, nicks: readonly string[], options: IrcConnectOptions = {}, concurrency = 8): Promise<IrcTestClient[]> {
    const clients = new Map<string, IrcTestClient>();
    const queue = [...nicks];
    const worker = async (): Promise<void> => {
      for (let nick = queue.shift(); nick !== undefined; nick = queue.shift()) {
        try {
          clients.set(nick, await IrcTestClient.connect(server, nick, options));
        } catch (error: unknown) {
          queue.length = 0; // the other workers stop too
          throw error;
        }
      }
    };
    const results = await Promise.allSettled(Array.from({ length: Math.min(concurrency, nicks.length) }, worker));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failure === undefined) return nicks.map((nick) => clients.get(nick) as IrcTestClient);
    await Promise.all([...clients.values()].map((client) => client.quit()));
    throw failure.reason;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Sends one raw line (CR LF added). Line breaks or NUL inside would smuggle extra commands: refused. */
  send(line: string): void {
    // eslint-disable-next-line no-control-regex
    if (/[\r\n\u0000]/.test(line)) throw new Error(`${this.where}: an IRC line cannot contain CR, LF or NUL: ${JSON.stringify(line)}`);
    if (this.isClosed) throw new Error(`${this.where}: cannot send on a closed connection: ${line}`);
    this.sent.push(line);
    this.socket.write(`${line}\r\n`);
  }

  privmsg(target: string, text: string): void {
    this.send(`PRIVMSG ${target} ${lastParam(text)}`);
  }

  /** Compares two nicks or channel names as the server does (its CASEMAPPING). */
  same(a: string | undefined, b: string | undefined): boolean {
    if (a === undefined || b === undefined) return false;
    const casemapping = this.isupport.get("CASEMAPPING");
    return ircLower(a, casemapping) === ircLower(b, casemapping);
  }

  /**
   * Joins a channel (with its key, when it has one): resolves with its members from RPL_NAMREPLY (353) once the server has echoed the JOIN and
   * sent RPL_ENDOFNAMES (366); rejects on a numeric refusing the join.
   */
  async join(channel: string, timeoutMs = DEFAULT_TIMEOUT_MS, key = ""): Promise<string[]> {
    this.send(key === "" ? `JOIN ${channel}` : `JOIN ${channel} ${key}`);
    const failOn = (line: IrcMessage): boolean => JOIN_ERRORS.has(line.command) && this.same(line.params[1], channel);
    await this.wait((line) => line.command === "JOIN" && this.same(line.nick, this.nick) && this.same(line.params[0], channel), { timeoutMs, what: `the JOIN echo for ${channel}`, failOn });
    await this.wait((line) => line.command === "366" && this.same(line.params[1], channel), { timeoutMs, what: `the end of NAMES (366) for ${channel}`, failOn });
    const names = this.take((line) => line.command === "353" && this.same(line.params[2], channel));
    return names.flatMap((line) => (line.params[3] ?? "").split(" ").filter((name) => name !== ""));
  }

  /** Resolves with the first line (already received and not yet taken, or arriving) that matches, and takes it. */
  waitFor(predicate: (line: IrcMessage) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS, what = "a matching line"): Promise<IrcMessage> {
    return this.wait(predicate, { timeoutMs, what });
  }

  /** Resolves with the first `count` lines that match, in order, taking them. */
  waitForCount(predicate: (line: IrcMessage) => boolean, count: number, timeoutMs = DEFAULT_TIMEOUT_MS, what = `${count} matching lines`): Promise<IrcMessage[]> {
    return this.collect(predicate, count, { timeoutMs, what });
  }

  /** Takes, at once, every line received so far that matches. */
  take(predicate: (line: IrcMessage) => boolean): IrcMessage[] {
    const taken: IrcMessage[] = [];
    for (let index = 0; index < this.unclaimed.length; ) {
      const line = this.unclaimed[index] as IrcMessage;
      if (predicate(line)) taken.push(...this.unclaimed.splice(index, 1));
      else index++;
    }
    return taken;
  }

  /** Sends QUIT and waits for the server to close the connection (at most 2 s, then closes it). Never rejects. */
  async quit(reason = "bye"): Promise<void> {
    if (this.isClosed) return;
    this.send(`QUIT ${lastParam(reason)}`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.closedPromise, new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_TIMEOUT_MS)))]);
    clearTimeout(timer);
    this.destroy();
  }

  /** Drops the connection without QUIT (as a network failure would). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves when the connection has closed (by either side). */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  /** The last lines received, one per line, for failure messages. */
  recent(count = 15): string {
    const lines = this.transcript.slice(-count).map((line) => `  ${line.raw}`);
    return lines.length === 0 ? "  (nothing)" : lines.join("\n");
  }

  private async negotiateCaps(wanted: readonly string[], left: () => number, refused: (line: IrcMessage) => boolean): Promise<void> {
    // CAP LS 302 may span several lines: "CAP * LS * :caps..." until one without the "*".
    for (;;) {
      const ls = await this.wait((line) => line.command === "CAP" && line.params[1] === "LS", { timeoutMs: left(), what: "CAP LS", failOn: refused });
      for (const cap of (ls.params.at(-1) ?? "").split(" ")) {
        const [name = "", ...value] = cap.split("=");
        if (name !== "") this.offeredCaps.set(name, value.join("="));
      }
      if (ls.params[2] !== "*") break;
    }
    const missing = wanted.filter((cap) => !this.offeredCaps.has(cap));
    if (missing.length > 0) throw new Error(`${this.where}: the server does not offer ${missing.join(", ")}; CAP LS: ${[...this.offeredCaps.keys()].join(" ")}`);
    this.send(`CAP REQ :${wanted.join(" ")}`);
    const answer = await this.wait((line) => line.command === "CAP" && (line.params[1] === "ACK" || line.params[1] === "NAK"), { timeoutMs: left(), what: "CAP ACK/NAK", failOn: refused });
    if (answer.params[1] === "NAK") throw new Error(`${this.where}: the server refused CAP REQ ${wanted.join(" ")}: ${answer.raw}`);
    for (const cap of (answer.params[2] ?? "").split(" ")) if (cap !== "" && !cap.startsWith("-")) this.caps.add(cap);
    this.send("CAP END");
  }

  private wait(predicate: (line: IrcMessage) => boolean, options: WaitOptions): Promise<IrcMessage> {
    return this.collect(predicate, 1, options).then((lines) => lines[0] as IrcMessage);
  }

  private collect(predicate: (line: IrcMessage) => boolean, count: number, options: WaitOptions): Promise<IrcMessage[]> {
    return new Promise((resolve, reject) => {
      const got: IrcMessage[] = [];
      let settled = false;
      const timer: { id?: NodeJS.Timeout } = {};
      const finish = (error?: Error): void => {
        settled = true;
        clearTimeout(timer.id);
        this.waiters.delete(waiter);
        if (error) reject(error);
        else resolve(got);
      };
      const describe = (): string => `${options.what}${count > 1 ? ` (got ${got.length} of ${count})` : ""}`;
      const waiter: Waiter = {
        offer: (line) => {
          if (settled) return false;
          if (predicate(line)) {
            got.push(line);
            if (got.length >= count) finish();
            return true;
          }
          if (options.failOn?.(line)) {
            finish(new Error(`${this.where}: the server answered ${line.raw} while the test waited for ${describe()}; last lines received:\n${this.recent()}`));
            return true;
          }
          return false;
        },
        fail: (reason) => finish(new Error(`${this.where}: ${reason} while waiting for ${describe()}; last lines received:\n${this.recent()}`)),
      };
      for (let index = 0; index < this.unclaimed.length && !settled; ) {
        if (waiter.offer(this.unclaimed[index] as IrcMessage)) this.unclaimed.splice(index, 1);
        else index++;
      }
      if (settled) return;
      if (this.isClosed) return waiter.fail("the connection is closed");
      this.waiters.add(waiter);
      timer.id = setTimeout(() => waiter.fail(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split("\n");
    this.buffer = lines.pop() ?? "";
    for (const text of lines) {
      if (text.replace(/\r$/, "") === "") continue;
      this.onLine(parseIrcLine(text));
    }
  }

  private onLine(line: IrcMessage): void {
    this.transcript.push(line);
    switch (line.command) {
      case "PING":
        if (!this.isClosed) this.send(`PONG ${lastParam(line.params[0] ?? "")}`);
        return;
      case "001":
        if (line.params[0] !== undefined) this.nick = line.params[0];
        break;
      case "005":
        for (const token of line.params.slice(1, -1)) {
          const [key = "", ...value] = token.split("=");
          if (key.startsWith("-")) this.isupport.delete(key.slice(1));
          else this.isupport.set(key, value.join("="));
        }
        break;
      case "NICK":
        if (this.same(line.nick, this.nick) && line.params[0] !== undefined) this.nick = line.params[0];
        break;
    }
    for (const waiter of this.waiters) if (waiter.offer(line)) return;
    this.unclaimed.push(line);
  }
}

/**
 * What the daemon writes on a server without echo-message after a line whose text ends with `text`: the PING
 * barrier whose PONG confirms it (src/adapters/irc/irc-confirmer.ts). For TcpGate.clientWrote.
 */
export function pingBarrierAfter(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(` :?${escaped}\\r\\n(?:.*\\r\\n)*?PING :?(sb\\d+)\\r\\n`);
}

/** The server's PONG to the barrier whose token is `token` (see pingBarrierAfter), for TcpGate.serverWrote. */
export function pongTo(token: string): RegExp {
  return new RegExp(` PONG [^\\r\\n]*${token}\\r\\n`);
}
