/**
 * "Who is this?" about an IRC nick (core/contact-info.ts): WHOIS on the gateway's own connection, its replies gathered
 * until RPL_ENDOFWHOIS (RFC 2812 section 3.6.2; numerics per modern.ircdocs.horse):
 *   311 RPL_WHOISUSER      <nick> <user> <host> * :<realname>   -> fullName (user and host are not kept, see below)
 *   312 RPL_WHOISSERVER    <nick> <server> :<info>             -> server
 *   313 RPL_WHOISOPERATOR  <nick> :is an IRC operator          -> operator
 *   317 RPL_WHOISIDLE      <nick> <idle> [<signon>] :...        -> idleSeconds, signonAt (signon is not in RFC 2812)
 *   319 RPL_WHOISCHANNELS  <nick> :{[prefix]<channel> }        -> channels, several replies joined
 *   671 RPL_WHOISSECURE    <nick> :is using a secure connection -> secure
 *   330 RPL_WHOISACCOUNT   <nick> <account> :is logged in as    -> account
 *   301 RPL_AWAY           <nick> :<away message>              -> away
 *   401 ERR_NOSUCHNICK     nobody has the nick: GW_ERR_NOT_FOUND
 * The user@host of 311 is left out: the gateway shows no IRC user's host anywhere (its MUCs are semi-anonymous, and
 * hosts serve only to tell who said a line, failure-notices.ts); a host often is an address or a place, and WHOIS
 * gives it only to those on the network, not to everyone a gateway serves.
 *
 * Other WHOIS (account-watch.ts, contact-watch.ts) may run on the same connection at the same time, and the server
 * answers each: a gathering starts at our own WHOIS and ends at an RPL_ENDOFWHOIS that follows an RPL_WHOISUSER, or at
 * ERR_NOSUCHNICK. An end without a 311 is the end of another's WHOIS begun before ours. Bounded: at most MAX_OPEN
 * nicks asked about at once (GW_ERR_RATE_LIMITED beyond), each waiting TIMEOUT_MS at most; lookups of one nick
 * share one WHOIS.
 */
import { GatewayError } from "../../core/errors.js";
import type { ContactInfo } from "../../core/model/contact-info.js";
import { stripFormatting } from "./formatting.js";
import type { IrcConnection } from "./irc-connection.js";
import { isValidNick, RFC2812_NICKLEN } from "./nicks.js";

const TIMEOUT_MS = 10_000;
export const MAX_OPEN = 20;

/** What the replies said so far; `user` once RPL_WHOISUSER came. */
export interface WhoisAnswer {
  user: boolean;
  fullName?: string;
  server?: string;
  operator?: boolean;
  idleSeconds?: number;
  signonAt?: number;
  channels: string[];
  secure?: boolean;
  account?: string;
  away?: string;
}

/** Reads one "whois" reply into `answer` (pure). */
export function readWhoisReply(answer: WhoisAnswer, numeric: string, params: readonly string[]): void {
  const last = params[params.length - 1] ?? "";
  switch (numeric) {
    case "311":
      answer.user = true;
      if (params.length >= 6) answer.fullName = last;
      return;
    case "312":
      if (params[2] !== undefined && params.length >= 4) answer.server = params[2];
      return;
    case "313":
      answer.operator = true;
      return;
    case "317": {
      const idle = Number(params[2]);
      if (Number.isSafeInteger(idle)) answer.idleSeconds = idle;
      const signon = params.length >= 5 ? Number(params[3]) : NaN;
      if (Number.isSafeInteger(signon) && signon > 0) answer.signonAt = signon * 1000;
      return;
    }
    case "319":
      answer.channels.push(...last.split(" ").filter((channel) => channel !== ""));
      return;
    case "671":
      answer.secure = true;
      return;
  }
}

/** The contact information of a finished WHOIS of `nick` (pure): formatting codes stripped from the free texts. */
export function whoisInfo(nick: string, answer: WhoisAnswer): ContactInfo {
  const text = (value: string | undefined): string | undefined => (value === undefined ? undefined : stripFormatting(value));
  const fields: Record<string, unknown> = {
    nick,
    fullName: text(answer.fullName),
    server: answer.server,
    account: answer.account,
    away: text(answer.away),
    idleSeconds: answer.idleSeconds,
    signonAt: answer.signonAt,
    channels: answer.channels.length === 0 ? undefined : answer.channels,
    secure: answer.secure,
    operator: answer.operator,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as ContactInfo;
}

interface Gathering {
  readonly nick: string;
  readonly answer: WhoisAnswer;
  readonly waiting: { resolve(info: ContactInfo): void; reject(error: GatewayError): void }[];
  readonly timer: NodeJS.Timeout;
}

export class WhoisLookups {
  private connection: IrcConnection | undefined;
  private readonly open = new Map<string, Gathering>();

  constructor(
    private readonly timeoutMs = TIMEOUT_MS,
    private readonly maxOpen = MAX_OPEN,
  ) {}

  attach(connection: IrcConnection): void {
    this.connection = connection;
    connection.on("whois", (event) => {
      const gathering = this.open.get(event.nick.toLowerCase());
      if (gathering) readWhoisReply(gathering.answer, event.numeric, event.params);
    });
    connection.on("whois-account", (event) => {
      const gathering = this.open.get(event.nick.toLowerCase());
      if (gathering) gathering.answer.account = event.account;
    });
    connection.on("away", (event) => {
      const gathering = this.open.get(event.nick.toLowerCase());
      if (gathering) gathering.answer.away = event.message;
    });
    connection.on("whois-end", (event) => {
      const gathering = this.open.get(event.nick.toLowerCase());
      if (gathering?.answer.user === true) this.settle(gathering, whoisInfo(gathering.nick, gathering.answer));
    });
    connection.on("failure", (event) => {
      if (event.name !== "ERR_NOSUCHNICK" || event.target === undefined) return;
      const gathering = this.open.get(event.target.toLowerCase());
      if (gathering) this.settle(gathering, new GatewayError("GW_ERR_NOT_FOUND", `nobody is on IRC as ${event.target} now`, { condition: "ERR_NOSUCHNICK" }));
    });
  }

  /** The connection is gone: lookups under way fail (retryable). */
  detach(): void {
    this.connection = undefined;
    const error = new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection was lost before WHOIS was answered", { retryable: true });
    for (const gathering of [...this.open.values()]) this.settle(gathering, error);
  }

  /** What WHOIS says of `nick` now (see the header). */
  lookup(nick: string): Promise<ContactInfo> {
    const connection = this.connection;
    if (!connection) return Promise.reject(new GatewayError("GW_ERR_UNAVAILABLE", "the IRC network is not connected", { retryable: true }));
    // WHOIS takes lists and masks too ("a,b,c", "b*"): one lookup would ask about many, whose answers it never gathers.
    if (!isValidNick(nick, { nickLen: connection.server.nickLen ?? RFC2812_NICKLEN })) return Promise.reject(new GatewayError("GW_ERR_BAD_ADDRESS", `${nick} is not an IRC nick`));
    const key = nick.toLowerCase();
    return new Promise<ContactInfo>((resolve, reject) => {
      const under = this.open.get(key);
      if (under) {
        under.waiting.push({ resolve, reject });
        return;
      }
      if (this.open.size >= this.maxOpen) {
        reject(new GatewayError("GW_ERR_RATE_LIMITED", `${this.open.size} WHOIS wait for the IRC server's answer already`));
        return;
      }
      const timer = setTimeout(() => {
        const error = new GatewayError("GW_ERR_UNAVAILABLE", `no answer to WHOIS ${nick} within ${this.timeoutMs / 1000} s`, { retryable: true, condition: "timeout" });
        this.settle(gathering, error);
      }, this.timeoutMs);
      timer.unref();
      const gathering: Gathering = { nick, answer: { user: false, channels: [] }, waiting: [{ resolve, reject }], timer };
      this.open.set(key, gathering);
      try {
        connection.send("WHOIS", [nick]);
      } catch (error: unknown) {
        this.settle(gathering, error instanceof GatewayError ? error : new GatewayError("GW_ERR_UNAVAILABLE", `WHOIS ${nick} not sent`, { retryable: true }));
      }
    });
  }

  private settle(gathering: Gathering, outcome: ContactInfo | GatewayError): void {
    clearTimeout(gathering.timer);
    if (this.open.get(gathering.nick.toLowerCase()) === gathering) this.open.delete(gathering.nick.toLowerCase());
    for (const waiter of gathering.waiting) {
      if (outcome instanceof GatewayError) waiter.reject(outcome);
      else waiter.resolve(outcome);
    }
  }
}
