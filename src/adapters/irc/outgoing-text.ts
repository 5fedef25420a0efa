/**
 * A message body as IRC lines (RFC 1459 section 2.3): one PRIVMSG (or NOTICE, or CTCP ACTION) per line of the
 * body, each long line split on UTF-8 and grapheme boundaries so that the whole line the server relays,
 * `:nick!user@host PRIVMSG target :text` CR LF included, fits the server's line length; past
 * `max_lines_per_message` lines the rest is cut and the last line ends with "…" (split-message.ts), except the
 * `tail` (the URLs of a message's attachments), which the body is cut to leave room for.
 * NUL and the CTCP delimiter are removed from the text: neither may reach the wire as content.
 * sendText resolves when every line has been written to the socket (after flood control), in order;
 * writeText also gives the promise that the server confirmed every line (irc-confirmer.ts).
 */
import type { MessageKind } from "../../core/model/message.js";
import { toGatewayError, type GatewayError } from "../../core/errors.js";
import { ACTION_OVERHEAD_BYTES, encodeAction } from "./ctcp.js";
import { stripLineBreaks } from "./line-safety.js";
import { privmsgOverhead, splitForIrc, truncateUtf8, utf8Length, type SplitResult } from "./split-message.js";

export interface TextConnection {
  readonly nick: string;
  readonly ownUser?: string | undefined;
  readonly ownHost?: string | undefined;
  readonly server: { readonly lineLen: number };
  send(command: string, params: readonly string[], done?: (error?: GatewayError) => void, confirmed?: (error?: GatewayError) => void): void;
}

export interface TextOptions {
  readonly maxLines: number;
  /** Put before every line, e.g. "<alice> " in relay mode. */
  readonly prefix?: string;
  /** Sent after the body on lines of its own and never cut by `maxLines` (a message's line of attachment URLs). */
  readonly tail?: string;
}

/**
 * A text that must fit one line of its own (a NOTICE from the gateway, a TOPIC, a QUIT reason): line breaks made
 * spaces, NUL removed, and cut to `maxBytes` of UTF-8 (at a character boundary), so that the line is never refused
 * for its length, whatever a person or another network put in it (a multi-line status, an error text).
 */
export function oneLineText(text: string, maxBytes = ONE_LINE_BYTES): string {
  return truncateUtf8(stripLineBreaks(text), maxBytes);
}

/** What a one-line text may take: 512 bytes less the command, target and the prefix the server adds when relaying. */
export const ONE_LINE_BYTES = 300;

// eslint-disable-next-line no-control-regex
const NOT_CONTENT = /[\u0000\u0001]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

export function ircLines(connection: TextConnection, target: string, body: string, kind: MessageKind, options: TextOptions): { command: "PRIVMSG" | "NOTICE"; lines: string[]; split: SplitResult } {
  const command = kind === "notice" ? "NOTICE" : "PRIVMSG";
  const action = kind === "action";
  // The prefix comes from a sender name: no line break or control character of it may reach the wire.
  const prefix = (options.prefix ?? "").replace(CONTROL, "");
  const overhead = privmsgOverhead(connection.nick, connection.ownUser, connection.ownHost, target, command) + utf8Length(prefix);
  const words = body.replace(NOT_CONTENT, "");
  const limits = { prefixBytes: overhead, maxLineBytes: connection.server.lineLen, maxLines: options.maxLines, action };
  const tail = packed((options.tail ?? "").replace(NOT_CONTENT, ""), connection.server.lineLen - overhead - (action ? ACTION_OVERHEAD_BYTES : 0));
  const text = tail === "" ? words : words === "" ? tail : `${words}\n${tail}`;
  const split = splitForIrc(text, { ...limits, keepFrom: text.length - tail.length });
  const lines = split.lines.map((line) => (action ? encodeAction(`${prefix}${line}`) : `${prefix}${line}`));
  return { command, lines, split };
}

/**
 * A tail's words (a line of URLs) packed into lines of at most `budget` bytes: the splitter breaks a long line at a
 * space only near its end, which could cut a URL in two; packed, only a URL longer than a whole line is cut.
 */
function packed(tail: string, budget: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of tail.split(" ")) {
    if (word === "") continue;
    const longer = line === "" ? word : `${line} ${word}`;
    if (line !== "" && utf8Length(longer) > budget) {
      lines.push(line);
      line = word;
    } else line = longer;
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}

export async function sendText(connection: TextConnection, target: string, body: string, kind: MessageKind, options: TextOptions): Promise<SplitResult> {
  return writeText(connection, target, body, kind, options).written;
}

/**
 * The lines of a message, queued at once (a refusal to queue throws): `written` resolves as sendText does,
 * `confirmed` once the server confirmed every line, or rejects with the first failure. Each counts the lines
 * down instead of holding a promise per line (two promises per message, whatever its length). `confirmed` is
 * never left unhandled; the caller must await `written` at once.
 */
export function writeText(connection: TextConnection, target: string, body: string, kind: MessageKind, options: TextOptions): { written: Promise<SplitResult>; confirmed: Promise<void> } {
  const { command, lines, split } = ircLines(connection, target, body, kind, options);
  let settleWritten: (error?: GatewayError) => void = () => undefined;
  let settleConfirmed: (error?: GatewayError) => void = () => undefined;
  const written = new Promise<SplitResult>((resolve, reject) => (settleWritten = countdown(lines.length, () => resolve(split), reject)));
  const confirmed = new Promise<void>((resolve, reject) => (settleConfirmed = countdown(lines.length, resolve, reject)));
  confirmed.catch(() => undefined); // awaited later, maybe after it failed; `written` is awaited at once
  for (const line of lines) {
    try {
      connection.send(command, [target, line], settleWritten, settleConfirmed);
    } catch (error: unknown) {
      const refusal = toGatewayError(error);
      settleWritten(refusal);
      settleConfirmed(refusal);
      break;
    }
  }
  return { written, confirmed };
}

/** A callback for `count` lines: `done` once each succeeded (at once for none), `failed` with the first error. */
function countdown(count: number, done: () => void, failed: (error: GatewayError) => void): (error?: GatewayError) => void {
  let left = count;
  if (left === 0) done();
  return (error) => {
    if (left <= 0) return;
    if (error !== undefined) {
      left = 0;
      failed(error);
    } else if (--left === 0) done();
  };
}
