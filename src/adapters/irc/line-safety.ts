/**
 * Line safety: the last line of defence against command injection on IRC.
 *
 * IRC has no escaping (RFC 1459 section 2.3, RFC 2812 section 2.3.1, modern.ircdocs.horse "Messages"):
 * a message is one line ending in CR LF, so a CR or LF inside any field (a body, a nick, a channel, a
 * topic, an away text, a realname, a key) ends the line early and whatever follows is read by the
 * server as a new command: "hi\r\nJOIN #evil" sent as a body would join #evil. NUL is excluded from
 * every field by the same grammar (`nospcrlfcl` excludes NUL, CR, LF, SPACE and ":"), and servers
 * cut the line at a NUL. Nothing in a field may therefore hold CR, LF or NUL; this module refuses them
 * (assertLineSafe, serializeLine) or removes them (stripLineBreaks), and serializeLine builds a line
 * by the grammar of RFC 2812 section 2.3.1:
 *
 *   message  = [ ":" prefix SPACE ] command [ params ] crlf
 *   command  = 1*letter / 3digit
 *   params   = *14( SPACE middle ) [ SPACE ":" trailing ]     (at most 15 parameters)
 *   middle   = nospcrlfcl *( ":" / nospcrlfcl )               (not empty, no SPACE, no leading ":")
 *   trailing = *( ":" / " " / nospcrlfcl )                   (may be empty or hold spaces)
 *
 * A refused value is a GatewayError: GW_ERR_BAD_ADDRESS for the fields that name someone or something
 * (nick, user, channel, target), GW_ERR_DELIVERY_FAILED (not retryable) for every other field, both with
 * `condition` UNSAFE_LINE_CONDITION so callers and logs can tell an injection attempt from an IRC
 * refusal. Length (512 bytes with CR LF, RFC 1459 section 2.3) is split-message.ts's job: an over-long
 * line is cut by the server, which loses text but cannot inject anything.
 */
import { GatewayError, type ErrorCode } from "../../core/errors.js";

/** The maximum length of a line in bytes, CR LF included, message tags excluded (RFC 1459 section 2.3). */
export const IRC_MAX_LINE_BYTES = 512;

/** The maximum number of parameters of one message (RFC 2812 section 2.3.1). */
export const IRC_MAX_PARAMS = 15;

/** The `condition` of every GatewayError this module throws. */
export const UNSAFE_LINE_CONDITION = "unsafe-line";

/** The fields of an IRC line, named in error messages and choosing the error code. */
export type LineField =
  | "command"
  | "param"
  | "nick"
  | "user"
  | "realname"
  | "channel"
  | "target"
  | "key"
  | "body"
  | "topic"
  | "away"
  | "reason";

const ADDRESS_FIELDS: ReadonlySet<LineField> = new Set(["nick", "user", "channel", "target"]);

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\r\n\u0000]/;
const COMMAND = /^(?:[A-Za-z]+|[0-9]{3})$/;

function describeChar(char: string): string {
  switch (char) {
    case "\r":
      return "a carriage return (CR)";
    case "\n":
      return "a line feed (LF)";
    default:
      return "a NUL byte";
  }
}

function unsafeLineError(field: LineField, reason: string): GatewayError {
  const code: ErrorCode = ADDRESS_FIELDS.has(field) ? "GW_ERR_BAD_ADDRESS" : "GW_ERR_DELIVERY_FAILED";
  return new GatewayError(code, `IRC ${field} refused: ${reason}`, { retryable: false, condition: UNSAFE_LINE_CONDITION });
}

/** The index of the first CR, LF or NUL in `value`, or -1 when there is none. */
export function findUnsafeChar(value: string): number {
  const match = UNSAFE.exec(value);
  return match === null ? -1 : match.index;
}

/** True when `value` holds no CR, LF or NUL. */
export function isLineSafe(value: string): boolean {
  return findUnsafeChar(value) < 0;
}

/** Throws a GatewayError (see the header) when `value` holds a CR, LF or NUL. */
export function assertLineSafe(field: LineField, value: string): void {
  const index = findUnsafeChar(value);
  if (index >= 0) {
    throw unsafeLineError(field, `it contains ${describeChar(value.charAt(index))} at position ${index}, which would end the IRC line`);
  }
}

/** Replaces each line break (CR LF, CR or LF) with one space and removes NUL bytes. */
export function stripLineBreaks(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/\r\n|\r|\n/g, " ").replace(/\u0000/g, "");
}

/**
 * One raw IRC line, without the final CR LF (the transport adds it): `command` then `params` by the
 * grammar in the header. Every parameter but the last must be a non-empty word that does not start
 * with ":"; the last gets a ":" when it is empty, holds a space or starts with ":". Throws a
 * GatewayError (see the header) instead of building a line that would mean something else.
 */
export function serializeLine(command: string, params: readonly string[] = []): string {
  assertLineSafe("command", command);
  if (!COMMAND.test(command)) {
    throw unsafeLineError("command", `"${command}" is neither letters nor a three-digit numeric`);
  }
  if (params.length > IRC_MAX_PARAMS) {
    throw unsafeLineError("param", `${command} has ${params.length} parameters; a line carries at most ${IRC_MAX_PARAMS}`);
  }
  const parts = [command];
  params.forEach((param, index) => {
    const position = `parameter ${index + 1} of ${command}`;
    const unsafe = findUnsafeChar(param);
    if (unsafe >= 0) throw unsafeLineError("param", `${position} contains ${describeChar(param.charAt(unsafe))}, which would end the IRC line`);
    const last = index === params.length - 1;
    if (last) {
      parts.push(param.length === 0 || param.includes(" ") || param.startsWith(":") ? `:${param}` : param);
      return;
    }
    if (param.length === 0) throw unsafeLineError("param", `${position} is empty; only the last parameter may be`);
    if (param.includes(" ")) throw unsafeLineError("param", `${position} ("${param}") contains a space; only the last parameter may`);
    if (param.startsWith(":")) throw unsafeLineError("param", `${position} ("${param}") starts with ":"; only the last parameter may`);
    parts.push(param);
  });
  return parts.join(" ");
}
