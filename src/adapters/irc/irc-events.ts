/**
 * The events of one IRC connection, and their translation from received lines (pure, apart from the
 * NAMES replies a channel's list is gathered from).
 *
 * Sources, per command:
 *   PRIVMSG, NOTICE     RFC 2812 sections 3.3.1-3.3.2; CTCP per modern.ircdocs.horse/ctcp (ctcp.ts): an
 *                       ACTION is a "message" of kind "action", another CTCP query in a PRIVMSG is a "ctcp"
 *                       event, and a CTCP inside a NOTICE is a reply, dropped (answering one loops two bots).
 *                       `time` is the IRCv3 server-time tag. Formatting is left in (the adapter decides).
 *   JOIN                RFC 2812 3.2.1, with IRCv3 extended-join's account ("*" = none)
 *   PART, QUIT, KICK, NICK, TOPIC, INVITE    RFC 2812 3.2.2, 3.1.7, 3.2.8, 3.1.2, 3.2.4, 3.2.7
 *   341                 RPL_INVITING: "inviting", our INVITE sent on (either order of nick and channel)
 *   331/332             RPL_NOTOPIC (topic "") and RPL_TOPIC, as "topic" without `by`
 *   353/366             RPL_NAMREPLY gathered until RPL_ENDOFNAMES; membership prefixes (multi-prefix:
 *                       several) given apart from the nicks, and userhost-in-names' "!user@host" stripped
 *   MODE                RFC 2812 3.2.3 on a channel: the membership prefixes given and taken ("member-mode"),
 *                       the other modes' parameters skipped as ISUPPORT CHANMODES says
 *   AWAY                IRCv3 away-notify: with a text "away", without "back"
 *   301                 RPL_AWAY (to a WHOIS or a PRIVMSG): "away"
 *   352, 354            RPL_WHOREPLY and WHOX RPL_WHOSPCRPL: "who", away when the flags start with "G".
 *                       WHOX field order is fixed by the server (t c u i h s n f ...), so only replies to a
 *                       WHO sent with whoxParams() (token WHOX_TOKEN, fields "tuhnf") are read.
 *   730/731             IRCv3 MONITOR RPL_MONONLINE / RPL_MONOFFLINE: "nick!user@host" or bare nicks
 *   303                 RPL_ISON
 *   302                 RPL_USERHOST: "nick[*]=[+-]user@host" entries (line-senders.ts parseUserhostReply)
 *   ACCOUNT             IRCv3 account-notify: the source's services account now ("*" = logged out)
 *   330, 318            RPL_WHOISACCOUNT ("<nick> <account> :is logged in as") and RPL_ENDOFWHOIS
 *   322/323             RPL_LIST "<me> <channel> <visible> :<topic>" and RPL_LISTEND (channel-list.ts)
 *   263, 416            RPL_TRYAGAIN and ERR_TOOMANYMATCHES naming LIST (modern.ircdocs.horse): "list-refused"
 *   311 312 313 317 319 671   the other WHOIS replies (user, server, operator, idle, channels, secure), as "whois"
 *                       with their parameters: whois-lookup.ts reads them
 *   error numerics      numerics.ts's table, as "failure" with the GatewayError to reject with
 */
import { GatewayError } from "../../core/errors.js";
import { parseCtcp } from "./ctcp.js";
import { serverTime, type IrcLine, type IrcSource } from "./irc-line.js";
import { foldCase, type CaseMapping } from "./nicks.js";
import { failureFromNumeric } from "./numerics.js";
import { parseUserhostReply, type UserhostEntry } from "./line-senders.js";
import type { EventOf } from "./typed-emitter.js";

export type { IrcSource } from "./irc-line.js";

export interface IrcMessageEvent {
  readonly kind: "privmsg" | "notice" | "action";
  readonly from: IrcSource;
  /** As sent: our nick for a private message, a channel (maybe with a STATUSMSG prefix such as "@#dev"). */
  readonly target: string;
  /** CTCP ACTION unwrapped; formatting not stripped. */
  readonly text: string;
  /** The server-time tag in milliseconds, when there is one, on the gateway's clock (TranslateContext.localTime). */
  readonly time?: number;
  readonly tags: Readonly<Record<string, string>>;
}

export interface IrcConnectionEvents {
  message: IrcMessageEvent;
  ctcp: { readonly from: IrcSource; readonly target: string; readonly command: string; readonly args: string; readonly time?: number };
  join: { readonly nick: string; readonly user?: string; readonly host?: string; readonly channel: string; readonly account?: string };
  part: { readonly nick: string; readonly channel: string; readonly reason: string };
  quit: { readonly nick: string; readonly reason: string };
  kick: { readonly channel: string; readonly nick: string; readonly by: string; readonly reason: string };
  /** Someone invited `nick` (ours) to `channel`. */
  invite: { readonly nick: string; readonly channel: string; readonly by: string };
  /** RPL_INVITING: the server sent our INVITE of `nick` to `channel` on. */
  inviting: { readonly nick: string; readonly channel: string };
  nick: { readonly from: string; readonly to: string };
  topic: { readonly channel: string; readonly topic: string; readonly by?: string };
  /** `prefixes[i]`: the membership prefix symbols of `nicks[i]` ("@", "@+" with multi-prefix, "" for none). */
  names: { readonly channel: string; readonly nicks: string[]; readonly prefixes: string[] };
  /** Membership prefixes given (`adding`) or taken in a channel, each as its symbol ("@"). */
  "member-mode": { readonly channel: string; readonly changes: readonly { readonly nick: string; readonly prefix: string; readonly adding: boolean }[] };
  away: { readonly nick: string; readonly message: string };
  back: { readonly nick: string };
  who: { readonly nick: string; readonly away: boolean; readonly user?: string; readonly host?: string };
  monitor: { readonly online: string[]; readonly offline: string[] };
  ison: { readonly online: string[] };
  /** A USERHOST reply: those of the nicks asked about that are online. */
  userhost: { readonly entries: readonly UserhostEntry[] };
  /** The nick's services account now (account-notify); absent: logged out. */
  account: { readonly nick: string; readonly account?: string };
  "whois-account": { readonly nick: string; readonly account: string };
  "whois-end": { readonly nick: string };
  /** One WHOIS reply about `nick` (WHOIS_REPLIES), its parameters as received (ours first). */
  whois: { readonly nick: string; readonly numeric: string; readonly params: readonly string[] };
  failure: {
    readonly numeric: number;
    readonly name: string;
    readonly target?: string;
    /** The reply's parameters as received, our own nick first. */
    readonly params: string[];
    /** The server's text, or the table's when the server gave none. */
    readonly text: string;
    /** The error to reject the request that caused it with (code, retryable, condition = the numeric's name). */
    readonly error: GatewayError;
  };
  /** One channel of a LIST reply: its name, visible members and topic as the server sent them. */
  "list-entry": { readonly channel: string; readonly members: number; readonly topic: string };
  "list-end": Record<string, never>;
  /** The server will not answer a LIST now (RPL_TRYAGAIN) or at all (ERR_TOOMANYMATCHES): its text. */
  "list-refused": { readonly numeric: number; readonly text: string };
  closed: { readonly error?: GatewayError; readonly byUs: boolean };
}

/** An event the translator produces ("closed" comes from the connection itself). */
export type IrcLineEvent = Exclude<EventOf<IrcConnectionEvents>, { name: "closed" }>;

/** The WHOIS replies given as "whois" events (whois-lookup.ts reads them). */
const WHOIS_REPLIES: ReadonlySet<string> = new Set(["311", "312", "313", "317", "319", "671"]);

/** The WHOX token of whoxParams(); 354 replies with another token are someone else's and ignored. */
export const WHOX_TOKEN = "571";

/** The parameters of a WHOX query whose replies become "who" events: WHO <mask> %tuhnf,<token>. */
export function whoxParams(mask: string): string[] {
  return [mask, `%tuhnf,${WHOX_TOKEN}`];
}

export interface TranslateContext {
  readonly caseMapping: CaseMapping;
  /** Membership prefix symbols (ISUPPORT PREFIX). */
  readonly prefixes: string;
  /** The modes that give them, in the same order (ISUPPORT PREFIX). */
  readonly prefixModes: string;
  /** Other channel modes with a parameter when set, and with one when unset too (ISUPPORT CHANMODES). */
  readonly paramModes: { readonly whenSet: string; readonly always: string };
  /** A server-time stamp on the gateway's clock (server-clock.ts); stamps are kept as they are without it. */
  readonly localTime?: (stamp: number) => number;
}

function last(params: readonly string[]): string {
  return params[params.length - 1] ?? "";
}

function nickOfMask(entry: string): string {
  const bang = entry.indexOf("!");
  return bang < 0 ? entry : entry.slice(0, bang);
}

function list(text: string, separator: string): string[] {
  return text
    .split(separator)
    .map((entry) => nickOfMask(entry.trim()))
    .filter((nick) => nick !== "");
}

const NO_SOURCE: IrcSource = { nick: "", server: true };

/** Turns received lines into connection events; one per connection (it gathers NAMES replies). */
export class IrcEventTranslator {
  private readonly names = new Map<string, { channel: string; nicks: string[]; prefixes: string[] }>();

  translate(line: IrcLine, context: TranslateContext): IrcLineEvent[] {
    const { params } = line;
    const from = line.source ?? NO_SOURCE;
    switch (line.command) {
      case "PRIVMSG":
      case "NOTICE":
        return params.length < 2 ? [] : this.message(line, from, context);
      case "JOIN": {
        const channel = params[0];
        if (channel === undefined) return [];
        const account = params.length >= 3 && params[1] !== "*" ? params[1] : undefined;
        return [{ name: "join", payload: { ...sourceFields(from), channel, ...(account === undefined ? {} : { account }) } }];
      }
      case "PART":
        return params[0] === undefined ? [] : [{ name: "part", payload: { nick: from.nick, channel: params[0], reason: params[1] ?? "" } }];
      case "QUIT":
        return [{ name: "quit", payload: { nick: from.nick, reason: params[0] ?? "" } }];
      case "KICK":
        if (params[0] === undefined || params[1] === undefined) return [];
        return [{ name: "kick", payload: { channel: params[0], nick: params[1], by: from.nick, reason: params[2] ?? "" } }];
      case "INVITE":
        if (params[0] === undefined || params[1] === undefined) return [];
        return [{ name: "invite", payload: { nick: params[0], channel: params[1], by: from.nick } }];
      case "341":
        // <me> <nick> <channel> (RFC 2812 and today's servers); RFC 1459 had <channel> <nick>.
        if (params[1] === undefined || params[2] === undefined) return [];
        return [{ name: "inviting", payload: /^[#&+!]/.test(params[1]) ? { nick: params[2], channel: params[1] } : { nick: params[1], channel: params[2] } }];
      case "NICK":
        return params[0] === undefined ? [] : [{ name: "nick", payload: { from: from.nick, to: params[0] } }];
      case "TOPIC":
        return params[0] === undefined ? [] : [{ name: "topic", payload: { channel: params[0], topic: params[1] ?? "", by: from.nick } }];
      case "331":
      case "332":
        if (params[1] === undefined) return [];
        return [{ name: "topic", payload: { channel: params[1], topic: line.command === "332" ? (params[2] ?? "") : "" } }];
      case "MODE":
        return memberModes(params, context);
      case "353":
        this.gatherNames(params, context);
        return [];
      case "366":
        return params[1] === undefined ? [] : [this.endOfNames(params[1], context)];
      case "AWAY":
        if (params[0] === undefined || params[0] === "") return [{ name: "back", payload: { nick: from.nick } }];
        return [{ name: "away", payload: { nick: from.nick, message: params[0] } }];
      case "301":
        return params[1] === undefined ? [] : [{ name: "away", payload: { nick: params[1], message: params[2] ?? "" } }];
      case "352":
        // <me> <channel> <user> <host> <server> <nick> <flags> :<hops> <realname>
        return params.length < 7 ? [] : [whoEvent(params[5], params[2], params[3], params[6])];
      case "354":
        // <me> <token> <user> <host> <nick> <flags>, for whoxParams()'s "%tuhnf"
        return params.length < 6 || params[1] !== WHOX_TOKEN ? [] : [whoEvent(params[4], params[2], params[3], params[5])];
      case "730":
        return [{ name: "monitor", payload: { online: list(last(params), ","), offline: [] } }];
      case "731":
        return [{ name: "monitor", payload: { online: [], offline: list(last(params), ",") } }];
      case "303":
        return [{ name: "ison", payload: { online: list(last(params), " ") } }];
      case "302":
        return [{ name: "userhost", payload: { entries: parseUserhostReply(params.length > 1 ? last(params) : "") } }];
      case "ACCOUNT":
        if (params[0] === undefined || from.nick === "") return [];
        return [{ name: "account", payload: { nick: from.nick, ...(params[0] === "*" ? {} : { account: params[0] }) } }];
      case "330":
        return params[1] === undefined || params[2] === undefined ? [] : [{ name: "whois-account", payload: { nick: params[1], account: params[2] } }];
      case "318":
        return params[1] === undefined ? [] : [{ name: "whois-end", payload: { nick: params[1] } }];
      case "322":
        if (params[1] === undefined) return [];
        return [{ name: "list-entry", payload: { channel: params[1], members: Number.parseInt(params[2] ?? "", 10) || 0, topic: params[3] ?? "" } }];
      case "323":
        return [{ name: "list-end", payload: {} }];
      case "263":
      case "416":
        if (params[1]?.toUpperCase() !== "LIST") return line.command === "416" ? failure(line.command, params) : [];
        return [{ name: "list-refused", payload: { numeric: Number(line.command), text: last(params) } }];
      default:
        if (WHOIS_REPLIES.has(line.command)) return params[1] === undefined ? [] : [{ name: "whois", payload: { nick: params[1], numeric: line.command, params: [...params] } }];
        return /^[0-9]{3}$/.test(line.command) ? failure(line.command, params) : [];
    }
  }

  private message(line: IrcLine, from: IrcSource, context: TranslateContext): IrcLineEvent[] {
    const target = line.params[0] ?? "";
    const text = last(line.params);
    const stamp = serverTime(line.tags);
    const time = stamp === undefined || context.localTime === undefined ? stamp : context.localTime(stamp);
    const timing = time === undefined ? {} : { time };
    const parsed = parseCtcp(text);
    if (line.command === "NOTICE") {
      // A CTCP in a NOTICE is a reply to a query: never relayed, never answered.
      if (parsed.kind !== "text") return [];
      return [{ name: "message", payload: { kind: "notice", from, target, text, ...timing, tags: line.tags } }];
    }
    switch (parsed.kind) {
      case "text":
        return [{ name: "message", payload: { kind: "privmsg", from, target, text, ...timing, tags: line.tags } }];
      case "action":
        return [{ name: "message", payload: { kind: "action", from, target, text: parsed.text, ...timing, tags: line.tags } }];
      case "query":
      case "other":
        return [{ name: "ctcp", payload: { from, target, command: parsed.command, args: parsed.args, ...timing } }];
    }
  }

  private gatherNames(params: readonly string[], context: TranslateContext): void {
    // <me> [<symbol>] <channel> :<names>: RFC 1459 servers may leave the symbol out.
    const channel = params[params.length - 2];
    if (channel === undefined || params.length < 3) return;
    const key = foldCase(channel, context.caseMapping);
    const entry = this.names.get(key) ?? { channel, nicks: [], prefixes: [] };
    for (const name of last(params).split(" ")) {
      let start = 0;
      while (start < name.length && context.prefixes.includes(name.charAt(start))) start++;
      const nick = nickOfMask(name.slice(start));
      if (nick === "") continue;
      entry.nicks.push(nick);
      entry.prefixes.push(name.slice(0, start));
    }
    this.names.set(key, entry);
  }

  private endOfNames(channel: string, context: TranslateContext): IrcLineEvent {
    const key = foldCase(channel, context.caseMapping);
    const entry = this.names.get(key);
    this.names.delete(key);
    return { name: "names", payload: { channel: entry?.channel ?? channel, nicks: entry?.nicks ?? [], prefixes: entry?.prefixes ?? [] } };
  }
}

/**
 * A channel MODE's membership prefix changes: `MODE #dev +o-v+k alice bob key` gives alice "@" and takes bob's "+";
 * the parameters of other modes (a key, a ban mask) are skipped as CHANMODES says. None for a user's own modes.
 */
function memberModes(params: readonly string[], context: TranslateContext): IrcLineEvent[] {
  const [channel, modes] = params;
  if (channel === undefined || modes === undefined || !/^[#&+!]/.test(channel)) return [];
  const changes: { nick: string; prefix: string; adding: boolean }[] = [];
  let next = 2;
  let adding = true;
  for (const mode of modes) {
    if (mode === "+" || mode === "-") {
      adding = mode === "+";
      continue;
    }
    const index = context.prefixModes.indexOf(mode);
    if (index >= 0) {
      const nick = params[next++];
      const prefix = context.prefixes.charAt(index);
      if (nick !== undefined && prefix !== "") changes.push({ nick, prefix, adding });
    } else if (context.paramModes.always.includes(mode) || (adding && context.paramModes.whenSet.includes(mode))) {
      next++;
    }
  }
  return changes.length === 0 ? [] : [{ name: "member-mode", payload: { channel, changes } }];
}

function sourceFields(from: IrcSource): { nick: string; user?: string; host?: string } {
  return { nick: from.nick, ...(from.user === undefined ? {} : { user: from.user }), ...(from.host === undefined ? {} : { host: from.host }) };
}

function whoEvent(nick: string | undefined, user: string | undefined, host: string | undefined, flags: string | undefined): IrcLineEvent {
  return {
    name: "who",
    payload: { nick: nick ?? "", away: (flags ?? "").startsWith("G"), ...(user === undefined ? {} : { user }), ...(host === undefined ? {} : { host }) },
  };
}

function failure(command: string, params: readonly string[]): IrcLineEvent[] {
  const found = failureFromNumeric(command, params);
  if (found === undefined) return [];
  return [
    {
      name: "failure",
      payload: {
        numeric: found.info.numeric,
        name: found.info.name,
        ...(found.target === undefined ? {} : { target: found.target }),
        params: [...params],
        text: found.serverText ?? found.info.text,
        error: found.error,
      },
    },
  ];
}
