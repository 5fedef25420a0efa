/**
 * One received IRC line, parsed: IRCv3 message tags, the source, the command and its parameters.
 *
 * Grammar: RFC 1459 section 2.3.1 / RFC 2812 section 2.3.1 as modern.ircdocs.horse ("Messages") reads them,
 * with the tags of https://ircv3.net/specs/extensions/message-tags ("@key=value;key2 " before the source;
 * values unescaped: "\:" ";", "\s" space, "\\" backslash, "\r" CR, "\n" LF, any other "\x" is "x", a final
 * lone "\" is dropped). Runs of spaces between parts are accepted; the last parameter follows " :".
 *
 * Why not irc-framework's parsed message: it lower-cases tag keys (they are case-sensitive) and reads a
 * source without "!" and "@" as a host when it holds a dot, leaving the nick empty; this parser keeps the
 * keys and says `server: true` instead.
 */
import { keptSentAt } from "../../core/model/sent-at.js";

export interface IrcSource {
  /** The nick, or the server's name when `server` is true. */
  readonly nick: string;
  readonly user?: string;
  readonly host?: string;
  /** True when the source is a server (a name with a dot and no "!" or "@": nicks never hold a dot). */
  readonly server: boolean;
}

export interface IrcLine {
  readonly tags: Readonly<Record<string, string>>;
  readonly source?: IrcSource;
  /** Upper case, or a three-digit numeric. */
  readonly command: string;
  readonly params: readonly string[];
}

const TAG_ESCAPES: Readonly<Record<string, string>> = { ":": ";", s: " ", "\\": "\\", r: "\r", n: "\n" };

/** An IRCv3 tag value unescaped (see the header). */
export function unescapeTagValue(value: string): string {
  return value.replace(/\\(.?)/gs, (_match, char: string) => TAG_ESCAPES[char] ?? char);
}

/** "nick!user@host", "nick@host", "nick" or "irc.example.org" as a source. */
export function parseSource(prefix: string): IrcSource {
  const bang = prefix.indexOf("!");
  const at = prefix.indexOf("@", bang < 0 ? 0 : bang);
  if (bang < 0 && at < 0) return { nick: prefix, server: prefix.includes(".") };
  const nickEnd = bang >= 0 ? bang : at;
  const nick = prefix.slice(0, nickEnd);
  const user = bang >= 0 ? prefix.slice(bang + 1, at < 0 ? undefined : at) : undefined;
  const host = at >= 0 ? prefix.slice(at + 1) : undefined;
  return { nick, ...(user === undefined ? {} : { user }), ...(host === undefined ? {} : { host }), server: false };
}

/** The line (without CR LF, which is removed when present) parsed, or undefined when it holds no command. */
export function parseIrcLine(text: string): IrcLine | undefined {
  const line = text.replace(/[\r\n]+$/, "");
  let position = 0;
  const skipSpaces = (): void => {
    while (line.charCodeAt(position) === 0x20) position++;
  };
  const word = (): string => {
    skipSpaces();
    const end = line.indexOf(" ", position);
    const result = line.slice(position, end < 0 ? line.length : end);
    position = end < 0 ? line.length : end;
    return result;
  };

  const tags: Record<string, string> = {};
  skipSpaces();
  if (line.charAt(position) === "@") {
    for (const tag of word().slice(1).split(";")) {
      if (tag === "") continue;
      const equals = tag.indexOf("=");
      if (equals < 0) tags[tag] = "";
      else tags[tag.slice(0, equals)] = unescapeTagValue(tag.slice(equals + 1));
    }
  }
  skipSpaces();
  let source: IrcSource | undefined;
  if (line.charAt(position) === ":") source = parseSource(word().slice(1));
  const command = word().toUpperCase();
  if (command === "") return undefined;
  const params: string[] = [];
  for (;;) {
    skipSpaces();
    if (position >= line.length) break;
    if (line.charAt(position) === ":") {
      params.push(line.slice(position + 1));
      break;
    }
    params.push(word());
  }
  return { tags, ...(source === undefined ? {} : { source }), command, params };
}

/** The milliseconds of an IRCv3 server-time tag (https://ircv3.net/specs/extensions/server-time), when valid. */
export function serverTime(tags: Readonly<Record<string, string>>): number | undefined {
  const value = tags["time"];
  if (value === undefined || value === "") return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * When a line was said, as the core takes it (`MessageDraft.sentAt`): its server-time where that is noticeably earlier
 * than `now` (a bouncer's playback of a query; a channel's history replayed at a join is not relayed at all:
 * join-replays.ts), by the core's rule (core/model/sent-at.ts). Servers with server-time stamp every live line too:
 * read on the gateway's clock (server-clock.ts), those stamps say nothing and are left out here already. An IRC
 * client cannot set server-time on what it sends, so nothing goes the other way.
 */
export function lineSentAt(time: number | undefined, now = Date.now()): { readonly sentAt?: number } {
  const sentAt = keptSentAt(time, now);
  return sentAt === undefined ? {} : { sentAt };
}
