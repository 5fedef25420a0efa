/**
 * Splitting a message body into IRC lines that the server relays whole.
 *
 * RFC 1459 section 2.3 (and RFC 2812 section 2.3, modern.ircdocs.horse "Messages") limits a line to
 * 512 bytes with CR LF, and the limit applies to the line the server RELAYS, which carries our full
 * prefix: ":nick!user@host PRIVMSG #target :text\r\n". A server cuts what does not fit, silently, so
 * the text budget is 512 minus that prefix (privmsgOverhead), minus the 9 bytes of "\x01ACTION "..."\x01"
 * for an action (CTCP, ctcp.ts). When our user or host is not known yet (the server may cloak the host
 * or prefix "~" to the user), we assume the longest: USERLEN 10 and HOSTLEN 63 (RFC 1123's label
 * limit, also the default of most servers), both overridable. IRCv3 message tags (IRCv3 "Message Tags")
 * have their own budget and do not count.
 *
 * The body is first cut into logical lines at CR LF, CR or LF (a line break cannot be sent: see
 * line-safety.ts). Empty logical lines are DROPPED, not sent as a space: an empty PRIVMSG is refused
 * with ERR_NOTEXTTOSEND (412), and a blank line would cost a flood-control token for nothing. Lines of
 * spaces are kept as they are. A body with no text at all gives no lines.
 *
 * A logical line longer than the budget is cut into pieces of at most the budget in UTF-8 bytes, only
 * between grapheme clusters (Intl.Segmenter, UAX #29), so a piece is never invalid UTF-8 and an emoji
 * sequence or a letter with its combining marks is never torn apart. A single grapheme larger than
 * the budget (a pathological one) is cut between code points. Where it can, a piece ends at a space
 * instead: right before a space that follows the longest piece that fits, else at the last space in the
 * last quarter of that piece; the space the line breaks at is consumed (not sent), so the pieces
 * joined with that space where they were cut, and the logical lines joined with their line breaks,
 * give the body back; `spans` tell exactly where each piece came from.
 *
 * With `maxLines`, the pieces past the limit are dropped and the last line sent is shortened to end
 * with the truncation marker ("…" by default); the result then says `truncated` and how many pieces
 * and bytes (UTF-8 bytes of the body after the last character sent) were dropped. The text from `keepFrom` on (a
 * line of links, which would be useless cut off) is never dropped: its pieces are sent after the others, which are cut
 * to leave them room (at least one line of them is kept, with the marker), so they count in `maxLines` but never
 * overflow it out of the message; dropped bytes then count up to `keepFrom`.
 *
 * NUL is left alone: serializeLine (line-safety.ts) refuses it.
 */
import { GatewayError } from "../../core/errors.js";
import { ACTION_OVERHEAD_BYTES } from "./ctcp.js";
import { IRC_MAX_LINE_BYTES } from "./line-safety.js";

/** The user length assumed when our user name on the server is not known (common USERLEN). */
export const ASSUMED_USER_BYTES = 10;
/** The host length assumed when our host as the server shows it is not known (HOSTLEN). */
export const ASSUMED_HOST_BYTES = 63;
export const DEFAULT_TRUNCATION_MARKER = "…";
/** The least text budget a line may have: below it the prefix leaves no room worth sending. */
export const MIN_BUDGET_BYTES = 8;

/** The longest UTF-8 encoding of one code point. */
const MAX_CODE_POINT_BYTES = 4;

export interface OverheadAssumptions {
  /** Bytes assumed for an unknown user name; ASSUMED_USER_BYTES by default. */
  readonly userBytes?: number;
  /** Bytes assumed for an unknown host; ASSUMED_HOST_BYTES by default. */
  readonly hostBytes?: number;
}

export interface SplitOptions {
  /** Bytes of everything but the text in the relayed line, CR LF included: see privmsgOverhead. */
  readonly prefixBytes: number;
  /** IRC_MAX_LINE_BYTES (512) by default. */
  readonly maxLineBytes?: number;
  /** At most this many lines; unlimited by default. */
  readonly maxLines?: number;
  /** Ends the last line when lines were dropped; DEFAULT_TRUNCATION_MARKER by default. */
  readonly truncationMarker?: string;
  /** Each line will be sent as its own CTCP ACTION (encodeAction): keeps ACTION_OVERHEAD_BYTES free. */
  readonly action?: boolean;
  /** UTF-16 index in the body from which the text is always sent whole, whatever `maxLines` (see the header). */
  readonly keepFrom?: number;
}

export interface TextSpan {
  /** UTF-16 index in the body of the line's first character. */
  readonly start: number;
  /** UTF-16 index in the body just after the line's last character (the marker is not in the body). */
  readonly end: number;
}

export interface SplitResult {
  /** The texts to send, one line each, in order (without the CTCP wrapper when `action`). */
  readonly lines: readonly string[];
  /** Where each line's text comes from in the body: lines[i] is body.slice(start, end) (+ marker). */
  readonly spans: readonly TextSpan[];
  readonly truncated: boolean;
  /** Pieces of the body that were not sent because of maxLines. */
  readonly droppedLines: number;
  /** UTF-8 bytes of the body after the last character sent. */
  readonly droppedBytes: number;
  /** The bytes each line's text could use. */
  readonly budgetBytes: number;
}

const graphemes = new Intl.Segmenter("und", { granularity: "grapheme" });
/** UTF-16 units segmented at a time: V8's Segmenter gets slower than linear on long strings. */
const SEGMENT_WINDOW = 1024;

interface Segment {
  readonly segment: string;
  /** UTF-16 index in the text. */
  readonly index: number;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The grapheme clusters of `text`, segmented window by window (a 64 KiB body in one piece takes V8
 * seconds). A window starts at a cluster boundary and ends between code points; its last cluster,
 * which the window's end may cut, is segmented again at the start of the next window. That is exact
 * because UAX #29 decides a boundary from the code point after it and those before it (emoji and
 * flag sequences look back, never ahead), all inside the window. A cluster longer than a window
 * widens the window.
 */
function* graphemeSegments(text: string): Generator<Segment> {
  let start = 0;
  let size = SEGMENT_WINDOW;
  while (start < text.length) {
    // never end a window between the halves of a surrogate pair: the cluster before would see a lone surrogate
    const end = start + size - (isHighSurrogate(text.charCodeAt(start + size - 1)) ? 1 : 0);
    if (end >= text.length) {
      for (const { segment, index } of graphemes.segment(text.slice(start))) yield { segment, index: start + index };
      return;
    }
    const parts = Array.from(graphemes.segment(text.slice(start, end)), ({ segment, index }) => ({ segment, index: start + index }));
    parts.pop();
    const last = parts[parts.length - 1];
    if (last === undefined) {
      size *= 2;
      continue;
    }
    yield* parts;
    start = last.index + last.segment.length;
    size = SEGMENT_WINDOW;
  }
}

/** The length of `text` in UTF-8 bytes (a lone surrogate counts as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that ends between two grapheme
 * clusters; when even the first grapheme is too long, the longest prefix that ends between code points.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const { segment } of graphemeSegments(text)) {
    const size = utf8Length(segment);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += segment.length;
  }
  if (end > 0) return text.slice(0, end);
  for (const char of text) {
    const size = utf8Length(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

function internal(message: string): GatewayError {
  return new GatewayError("GW_ERR_INTERNAL", message);
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw internal(`${name} must be an integer of at least ${min}, not ${value}`);
}

/**
 * Bytes of ":nick!user@host COMMAND target :" plus CR LF: everything but the text in the line the
 * server relays. An unknown (undefined) user or host counts as the assumed maximum (see the header).
 */
export function privmsgOverhead(
  nick: string,
  user: string | undefined,
  host: string | undefined,
  target: string,
  command: "PRIVMSG" | "NOTICE" = "PRIVMSG",
  assume: OverheadAssumptions = {},
): number {
  const userBytes = user === undefined ? (assume.userBytes ?? ASSUMED_USER_BYTES) : utf8Length(user);
  const hostBytes = host === undefined ? (assume.hostBytes ?? ASSUMED_HOST_BYTES) : utf8Length(host);
  checkCount("userBytes", userBytes, 0);
  checkCount("hostBytes", hostBytes, 0);
  // ":" nick "!" user "@" host " " command " " target " :" ... "\r\n"
  return 1 + utf8Length(nick) + 1 + userBytes + 1 + hostBytes + 1 + command.length + 1 + utf8Length(target) + 2 + 2;
}

interface Grapheme {
  readonly text: string;
  /** UTF-16 index in the body. */
  readonly index: number;
  readonly bytes: number;
}

function segmentLine(body: string, start: number, end: number): Grapheme[] {
  return Array.from(graphemeSegments(body.slice(start, end)), ({ segment, index }) => ({ text: segment, index: start + index, bytes: utf8Length(segment) }));
}

/** Cuts one grapheme larger than the budget between code points. */
function splitGrapheme(grapheme: Grapheme, budget: number, spans: TextSpan[]): void {
  let start = grapheme.index;
  let bytes = 0;
  let offset = grapheme.index;
  for (const char of grapheme.text) {
    const size = utf8Length(char);
    if (bytes + size > budget) {
      spans.push({ start, end: offset });
      start = offset;
      bytes = 0;
    }
    bytes += size;
    offset += char.length;
  }
  spans.push({ start, end: offset });
}

/** Cuts one logical line (no line break inside) into spans that fit the budget (see the header). */
function splitLine(line: readonly Grapheme[], lineEnd: number, budget: number, spans: TextSpan[]): void {
  let pos = 0;
  while (pos < line.length) {
    const first = line[pos];
    if (first === undefined) break;
    let bytes = 0;
    let next = pos;
    const offsets: number[] = [];
    for (let g = line[next]; g !== undefined && bytes + g.bytes <= budget; g = line[next]) {
      offsets.push(bytes);
      bytes += g.bytes;
      next++;
    }
    const after = line[next];
    if (after === undefined) {
      spans.push({ start: first.index, end: lineEnd });
      return;
    }
    if (next === pos) {
      splitGrapheme(first, budget, spans);
      pos++;
      continue;
    }
    if (after.text === " ") {
      spans.push({ start: first.index, end: after.index });
      pos = next + 1;
      continue;
    }
    const threshold = bytes - Math.floor(budget / 4);
    let breakAt = -1;
    for (let k = next - 1; k > pos && (offsets[k - pos] ?? 0) >= threshold; k--) {
      if (line[k]?.text === " ") {
        breakAt = k;
        break;
      }
    }
    const endGrapheme = line[breakAt >= 0 ? breakAt : next];
    spans.push({ start: first.index, end: endGrapheme?.index ?? lineEnd });
    pos = breakAt >= 0 ? breakAt + 1 : next;
  }
}

/** Splits a message body into IRC line texts within the byte budget; see the header for every rule. */
export function splitForIrc(body: string, options: SplitOptions): SplitResult {
  const maxLineBytes = options.maxLineBytes ?? IRC_MAX_LINE_BYTES;
  const maxLines = options.maxLines ?? Number.POSITIVE_INFINITY;
  const marker = options.truncationMarker ?? DEFAULT_TRUNCATION_MARKER;
  checkCount("maxLineBytes", maxLineBytes, 1);
  checkCount("prefixBytes", options.prefixBytes, 0);
  if (maxLines !== Number.POSITIVE_INFINITY) checkCount("maxLines", maxLines, 1);
  const budget = maxLineBytes - options.prefixBytes - (options.action === true ? ACTION_OVERHEAD_BYTES : 0);
  const markerBytes = utf8Length(marker);
  const least = maxLines === Number.POSITIVE_INFINITY ? MIN_BUDGET_BYTES : Math.max(MIN_BUDGET_BYTES, markerBytes + MAX_CODE_POINT_BYTES);
  if (budget < least) {
    throw new GatewayError("GW_ERR_DELIVERY_FAILED", `an IRC line of ${maxLineBytes} bytes leaves only ${budget} bytes for text after its prefix`, {
      retryable: false,
    });
  }

  const spans: TextSpan[] = [];
  const breaks = /\r\n|\r|\n/g;
  let lineStart = 0;
  for (;;) {
    const found = breaks.exec(body);
    const lineEnd = found === null ? body.length : found.index;
    // Most lines fit as they are: only a line over the budget is segmented into graphemes (the costly part).
    if (lineEnd > lineStart && Buffer.byteLength(body.slice(lineStart, lineEnd)) <= budget) spans.push({ start: lineStart, end: lineEnd });
    else if (lineEnd > lineStart) splitLine(segmentLine(body, lineStart, lineEnd), lineEnd, budget, spans);
    if (found === null) break;
    lineStart = lineEnd + found[0].length;
  }

  const keepFrom = Math.min(options.keepFrom ?? body.length, body.length);
  const kept = spans.filter((span) => span.start < keepFrom);
  const tail = spans.filter((span) => span.start >= keepFrom);
  const room = Math.max(1, maxLines - tail.length);
  if (kept.length <= room) {
    return { lines: spans.map(({ start, end }) => body.slice(start, end)), spans, truncated: false, droppedLines: 0, droppedBytes: 0, budgetBytes: budget };
  }
  const droppedLines = kept.length - room;
  kept.length = room;
  const last = kept[kept.length - 1];
  if (last === undefined) throw internal("maxLines must be at least 1");
  const shortened = truncateUtf8(body.slice(last.start, last.end), budget - markerBytes);
  kept[kept.length - 1] = { start: last.start, end: last.start + shortened.length };
  const lines = kept.map(({ start, end }) => body.slice(start, end));
  lines[lines.length - 1] = `${shortened}${marker}`;
  return {
    lines: [...lines, ...tail.map(({ start, end }) => body.slice(start, end))],
    spans: [...kept, ...tail],
    truncated: true,
    droppedLines,
    droppedBytes: utf8Length(body.slice(last.start + shortened.length, keepFrom)),
    budgetBytes: budget,
  };
}
