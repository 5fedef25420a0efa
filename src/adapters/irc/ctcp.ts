/**
 * CTCP (Client-to-Client Protocol) inside PRIVMSG and NOTICE texts, after modern.ircdocs.horse/ctcp
 * ("Message syntax", "Messages"): a CTCP message is the whole text, starting with \x01, then a command,
 * then optionally one space and parameters, then \x01, which the draft lets senders omit (we accept a
 * missing final \x01, and always send it). Only a text that starts with \x01 is CTCP; a \x01 elsewhere
 * is plain text (the old mid-message quoting of the 1994 draft is dead) and stripFormatting removes it.
 *
 *   ACTION <text>        "/me <text>"; the only CTCP that is chat, mapped to core kind "action"
 *   VERSION, PING <arg>, TIME, CLIENTINFO
 *                        queries a client answers (ctcpReply); everything else (DCC, SOURCE, USERINFO,
 *                        FINGER, unknown commands) is "other" and is dropped by the gateway
 *
 * Commands are matched case-insensitively and reported in upper case. Queries come in PRIVMSG and are
 * answered by NOTICE; a CTCP inside a NOTICE is a reply and must never be answered (the draft's rule,
 * and what keeps two bots from answering each other forever). Answers should go through the flood
 * control (token-bucket.ts): anyone can send queries faster than a server lets us answer them.
 */
import { GatewayError } from "../../core/errors.js";

/** The CTCP delimiter. */
export const CTCP_DELIMITER = "\x01";

/** The bytes "\x01ACTION " + "\x01" add to an action's text. */
export const ACTION_OVERHEAD_BYTES = 9;

/** The queries the gateway answers (ctcpReply), in CLIENTINFO order. */
export const CTCP_QUERIES = ["CLIENTINFO", "PING", "TIME", "VERSION"] as const;
export type CtcpQueryCommand = (typeof CTCP_QUERIES)[number];

/** What a PRIVMSG or NOTICE text is, CTCP-wise. */
export type CtcpParse =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "action"; readonly text: string }
  | { readonly kind: "query"; readonly command: CtcpQueryCommand; readonly args: string }
  | { readonly kind: "other"; readonly command: string; readonly args: string };

/** What ctcpReply needs to answer a query. */
export interface CtcpReplyInfo {
  /** The text of a VERSION reply, for example "Switchboard 0.1.0". */
  readonly version: string;
  /** The time for a TIME reply, in milliseconds since the epoch. */
  readonly now: number;
}

const COMMAND = /^[A-Za-z]+$/;

function isQuery(command: string): command is CtcpQueryCommand {
  return (CTCP_QUERIES as readonly string[]).includes(command);
}

function withoutDelimiters(text: string): string {
  return text.split(CTCP_DELIMITER).join("");
}

/** Reads a PRIVMSG or NOTICE text: plain text, an ACTION, a known query or another CTCP message. */
export function parseCtcp(text: string): CtcpParse {
  if (!text.startsWith(CTCP_DELIMITER)) return { kind: "text", text };
  const end = text.indexOf(CTCP_DELIMITER, 1);
  const inner = end < 0 ? text.slice(1) : text.slice(1, end);
  const space = inner.indexOf(" ");
  const command = (space < 0 ? inner : inner.slice(0, space)).toUpperCase();
  const args = space < 0 ? "" : inner.slice(space + 1);
  if (command === "ACTION") return { kind: "action", text: args };
  if (isQuery(command)) return { kind: "query", command, args };
  return { kind: "other", command, args };
}

/** The action text of "\x01ACTION text\x01" (final \x01 optional), or undefined for anything else. */
export function decodeAction(text: string): string | undefined {
  const parsed = parseCtcp(text);
  return parsed.kind === "action" ? parsed.text : undefined;
}

/**
 * A CTCP message: "\x01COMMAND args\x01" ("\x01COMMAND\x01" without args). A \x01 inside `args` is
 * removed, since it would end the message early. Throws GW_ERR_INTERNAL for a command that is not letters.
 */
export function encodeCtcp(command: string, args = ""): string {
  if (!COMMAND.test(command)) throw new GatewayError("GW_ERR_INTERNAL", `a CTCP command is letters only, not "${command}"`);
  const clean = withoutDelimiters(args);
  return clean.length === 0 ? `${CTCP_DELIMITER}${command.toUpperCase()}${CTCP_DELIMITER}` : `${CTCP_DELIMITER}${command.toUpperCase()} ${clean}${CTCP_DELIMITER}`;
}

/** "\x01ACTION text\x01", always ACTION_OVERHEAD_BYTES longer than `text` (a \x01 in it is removed). */
export function encodeAction(text: string): string {
  return `${CTCP_DELIMITER}ACTION ${withoutDelimiters(text)}${CTCP_DELIMITER}`;
}

/** The NOTICE text that answers a query (VERSION, PING echoing its argument, TIME in UTC, CLIENTINFO). */
export function ctcpReply(command: CtcpQueryCommand, args: string, info: CtcpReplyInfo): string {
  switch (command) {
    case "VERSION":
      return encodeCtcp("VERSION", info.version);
    case "PING":
      return encodeCtcp("PING", args);
    case "TIME":
      return encodeCtcp("TIME", new Date(info.now).toUTCString());
    case "CLIENTINFO":
      return encodeCtcp("CLIENTINFO", ["ACTION", ...CTCP_QUERIES].join(" "));
  }
}
