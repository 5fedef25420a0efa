/**
 * The IRC error numerics that mean a message, a join or a nick change failed, as gateway errors.
 *
 * Names and meanings are RFC 1459 section 6.1 and RFC 2812 section 5.2, plus the numerics deployed
 * servers send in their place, as catalogued by modern.ircdocs.horse ("Numerics") and defacto.ircdocs
 * (ircdocs.horse/specs/numerics): 439 ERR_TARGETTOOFAST (ircu, Hybrid), 470 ERR_LINKCHANNEL (Solanum,
 * InspIRCd, Unreal), 477 ERR_NEEDREGGEDNICK (Hybrid, Unreal, Solanum; RFC 2812 calls 477
 * ERR_NOCHANMODES), 486 ERR_NONONREG (Hybrid, Bahamut, Unreal), 489 ERR_SECUREONLYCHAN (Unreal,
 * InspIRCd), 492 ERR_NOCTCP (Hybrid, Unreal; InspIRCd's ERR_NOCTCPALLOWED), 531 ERR_CANNOTSENDTOUSER
 * (InspIRCd, and UnrealIRCd 6 for every kind of refused private message), 707 ERR_TARGCHANGE (Solanum),
 * 716 ERR_TARGUMODEG (Solanum callerid); refusals of a nick change: 435 ERR_BANNICKCHANGE (ircu, Hybrid, Unreal),
 * 438 ERR_NICKTOOFAST (ircu, Hybrid), 447 ERR_NONICKCHANGE (ngIRCd, InspIRCd, Unreal: a +N channel), 484
 * ERR_RESTRICTED (RFC 2812), which name no target the gateway can rely on (435 and 447 a channel, if anything).
 * A numeric's NAME is kept as the GatewayError's `condition`.
 *
 * Every numeric reply starts with our own nick (params[0], "*" before registration); `targetParam`
 * is the index of the nick or channel it is about, so the adapter can find the message or JOIN that
 * caused it (compare names with sameName, nicks.ts). `retryable` says whether the same request may
 * succeed later without anyone changing anything (a nick that may come back online, a full channel);
 * `operations` says which requests can draw the numeric.
 */
import { GatewayError, type ErrorCode } from "../../core/errors.js";
import { stripFormatting } from "./formatting.js";

export type IrcOperation = "message" | "join" | "part" | "topic" | "nick" | "invite";

export interface NumericInfo {
  readonly numeric: number;
  /** The numeric's name, kept as the GatewayError's condition. */
  readonly name: string;
  /** What it means, for people. */
  readonly text: string;
  readonly retryable: boolean;
  readonly code: ErrorCode;
  /** The index in the reply's params of the nick or channel concerned; absent when it names none. */
  readonly targetParam?: number;
  readonly operations: readonly IrcOperation[];
}

export interface NumericFailure {
  readonly info: NumericInfo;
  /** The nick or channel the reply is about, when it names one. */
  readonly target?: string;
  /** The server's own explanation (the last parameter), formatting removed, when there is one. */
  readonly serverText?: string;
  /** The error to reject the request with: code, retryable and condition from `info`. */
  readonly error: GatewayError;
}

const TARGET = 1;
const MESSAGE: readonly IrcOperation[] = ["message"];
const JOIN: readonly IrcOperation[] = ["join"];
const NICK: readonly IrcOperation[] = ["nick"];

const ROWS: readonly NumericInfo[] = [
  { numeric: 401, name: "ERR_NOSUCHNICK", text: "No such nick or channel: the user is not on the network now", retryable: true, code: "GW_ERR_UNAVAILABLE", targetParam: TARGET, operations: ["message", "invite"] },
  { numeric: 402, name: "ERR_NOSUCHSERVER", text: "No such server", retryable: false, code: "GW_ERR_UNKNOWN_RECIPIENT", targetParam: TARGET, operations: MESSAGE },
  { numeric: 403, name: "ERR_NOSUCHCHANNEL", text: "No such channel", retryable: false, code: "GW_ERR_NOT_FOUND", targetParam: TARGET, operations: ["message", "join", "part", "topic", "invite"] },
  { numeric: 404, name: "ERR_CANNOTSENDTOCHAN", text: "Cannot send to channel (moderated, banned, or outside messages refused)", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: MESSAGE },
  { numeric: 405, name: "ERR_TOOMANYCHANNELS", text: "Joined too many channels already", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: JOIN },
  { numeric: 407, name: "ERR_TOOMANYTARGETS", text: "Too many targets, or duplicate recipients", retryable: false, code: "GW_ERR_DELIVERY_FAILED", targetParam: TARGET, operations: ["message", "join"] },
  { numeric: 411, name: "ERR_NORECIPIENT", text: "No recipient given", retryable: false, code: "GW_ERR_DELIVERY_FAILED", operations: MESSAGE },
  { numeric: 412, name: "ERR_NOTEXTTOSEND", text: "No text to send", retryable: false, code: "GW_ERR_DELIVERY_FAILED", operations: MESSAGE },
  { numeric: 431, name: "ERR_NONICKNAMEGIVEN", text: "No nickname given", retryable: false, code: "GW_ERR_BAD_ADDRESS", operations: NICK },
  { numeric: 432, name: "ERR_ERRONEUSNICKNAME", text: "Erroneous nickname: the server does not accept it", retryable: false, code: "GW_ERR_BAD_ADDRESS", targetParam: TARGET, operations: NICK },
  { numeric: 433, name: "ERR_NICKNAMEINUSE", text: "Nickname is already in use", retryable: true, code: "GW_ERR_NICK_IN_USE", targetParam: TARGET, operations: NICK },
  { numeric: 435, name: "ERR_BANNICKCHANGE", text: "Cannot change nickname while banned (or moderated) on a channel", retryable: false, code: "GW_ERR_FORBIDDEN", operations: NICK },
  { numeric: 436, name: "ERR_NICKCOLLISION", text: "Nickname collision with another server", retryable: true, code: "GW_ERR_NICK_IN_USE", targetParam: TARGET, operations: NICK },
  { numeric: 437, name: "ERR_UNAVAILRESOURCE", text: "Nick or channel is temporarily unavailable", retryable: true, code: "GW_ERR_UNAVAILABLE", targetParam: TARGET, operations: ["nick", "join"] },
  { numeric: 438, name: "ERR_NICKTOOFAST", text: "Nick changes are too fast; wait before changing again", retryable: true, code: "GW_ERR_RATE_LIMITED", targetParam: TARGET, operations: NICK },
  { numeric: 439, name: "ERR_TARGETTOOFAST", text: "Messages to new targets are being sent too fast", retryable: true, code: "GW_ERR_RATE_LIMITED", targetParam: TARGET, operations: MESSAGE },
  { numeric: 442, name: "ERR_NOTONCHANNEL", text: "Not on that channel", retryable: false, code: "GW_ERR_NOT_MEMBER", targetParam: TARGET, operations: ["part", "topic", "invite"] },
  { numeric: 443, name: "ERR_USERONCHANNEL", text: "The user is on that channel already", retryable: false, code: "GW_ERR_BAD_ADDRESS", targetParam: TARGET, operations: ["invite"] },
  { numeric: 447, name: "ERR_NONICKCHANGE", text: "Cannot change nickname while on a channel that forbids it (+N)", retryable: false, code: "GW_ERR_FORBIDDEN", operations: NICK },
  { numeric: 470, name: "ERR_LINKCHANNEL", text: "The channel forwards to another channel", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: JOIN },
  { numeric: 471, name: "ERR_CHANNELISFULL", text: "The channel is full", retryable: true, code: "GW_ERR_UNAVAILABLE", targetParam: TARGET, operations: JOIN },
  { numeric: 473, name: "ERR_INVITEONLYCHAN", text: "The channel is invite-only", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: JOIN },
  { numeric: 474, name: "ERR_BANNEDFROMCHAN", text: "Banned from the channel", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: JOIN },
  { numeric: 475, name: "ERR_BADCHANNELKEY", text: "Wrong or missing channel key", retryable: false, code: "GW_ERR_KEY_NEEDED", targetParam: TARGET, operations: JOIN },
  { numeric: 476, name: "ERR_BADCHANMASK", text: "Bad channel name", retryable: false, code: "GW_ERR_BAD_ADDRESS", targetParam: TARGET, operations: JOIN },
  { numeric: 477, name: "ERR_NEEDREGGEDNICK", text: "A registered (identified) nick is needed", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: ["join", "message"] },
  { numeric: 482, name: "ERR_CHANOPRIVSNEEDED", text: "Channel operator privileges are needed", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: ["topic", "message", "invite"] },
  { numeric: 484, name: "ERR_RESTRICTED", text: "The connection is restricted: it may not change its nick", retryable: false, code: "GW_ERR_FORBIDDEN", operations: NICK },
  { numeric: 486, name: "ERR_NONONREG", text: "The user accepts private messages from registered nicks only", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: MESSAGE },
  { numeric: 489, name: "ERR_SECUREONLYCHAN", text: "The channel needs a TLS connection", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: JOIN },
  { numeric: 492, name: "ERR_NOCTCP", text: "CTCP is not allowed there", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: MESSAGE },
  { numeric: 531, name: "ERR_CANNOTSENDTOUSER", text: "Cannot send to that user", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: MESSAGE },
  { numeric: 707, name: "ERR_TARGCHANGE", text: "Targets are changing too fast; the message was dropped", retryable: true, code: "GW_ERR_RATE_LIMITED", targetParam: TARGET, operations: MESSAGE },
  { numeric: 716, name: "ERR_TARGUMODEG", text: "The user only accepts messages from people they allowed (+g)", retryable: false, code: "GW_ERR_FORBIDDEN", targetParam: TARGET, operations: MESSAGE },
];

/** Other names of the same numerics (irc-framework spells 432 "ERR_ERRONEOUSNICKNAME"). */
const ALIASES: ReadonlyMap<string, number> = new Map([
  ["ERR_ERRONEOUSNICKNAME", 432],
  ["ERR_NOCTCPALLOWED", 492],
  ["ERR_CANTSENDTOUSER", 531],
]);

const BY_NUMBER: ReadonlyMap<number, NumericInfo> = new Map(ROWS.map((row) => [row.numeric, Object.freeze(row)]));
const BY_NAME: ReadonlyMap<string, number> = new Map([...ROWS.map((row): [string, number] => [row.name, row.numeric]), ...ALIASES]);

/** Every numeric of the table, in numeric order. */
export const FAILURE_NUMERICS: readonly NumericInfo[] = Object.freeze([...BY_NUMBER.values()]);

function numberOf(numeric: number | string): number | undefined {
  if (typeof numeric === "number") return numeric;
  const text = numeric.trim();
  if (/^[0-9]{3}$/.test(text)) return Number(text);
  return BY_NAME.get(text.toUpperCase());
}

/** The table's entry for a numeric (401, "401" or "ERR_NOSUCHNICK"), or undefined when it is not a failure we know. */
export function describeNumeric(numeric: number | string): NumericInfo | undefined {
  const number = numberOf(numeric);
  return number === undefined ? undefined : BY_NUMBER.get(number);
}

/**
 * The failure a numeric reply reports, with its target and the server's text, or undefined when the
 * numeric is not in the table. `params` are the reply's parameters, our own nick first.
 */
export function failureFromNumeric(numeric: number | string, params: readonly string[]): NumericFailure | undefined {
  const info = describeNumeric(numeric);
  if (info === undefined) return undefined;
  const target = info.targetParam === undefined ? undefined : params[info.targetParam];
  const lastIndex = params.length - 1;
  const textIndex = info.targetParam ?? 0;
  const rawText = lastIndex > textIndex ? params[lastIndex] : undefined;
  const serverText = rawText === undefined ? undefined : stripFormatting(rawText).trim() || undefined;
  const about = target === undefined ? "" : ` (${target})`;
  const message = `${info.name} ${info.numeric}${about}: ${serverText ?? info.text}`;
  const error = new GatewayError(info.code, message, { retryable: info.retryable, condition: info.name });
  return {
    info,
    ...(target === undefined ? {} : { target }),
    ...(serverText === undefined ? {} : { serverText }),
    error,
  };
}
