/**
 * RPL_ISUPPORT (005): what a server says about itself, and the few values the gateway needs from it.
 *
 * Format per modern.ircdocs.horse ("RPL_ISUPPORT Tokens") and draft-brocklesby-irc-isupport section 2:
 * ":server 005 <nick> TOKEN TOKEN=value -TOKEN :are supported by this server", possibly over several lines;
 * "-TOKEN" withdraws a token; a value escapes characters as "\xHH". Values read here, with the defaults of
 * a server that does not send the token:
 *   NICKLEN    most characters in a nick               RFC 2812's 9
 *   AWAYLEN    most characters in an AWAY text         unknown (undefined)
 *   TOPICLEN   most characters in a TOPIC              unknown (undefined)
 *   LINELEN    most bytes in a line, CR LF included    512 (RFC 1459 section 2.3)
 *   CASEMAPPING                                        rfc1459 (nicks.ts parseCaseMapping)
 *   CHANTYPES  channel prefixes                        "#&" (RFC 2812 section 1.3)
 *   MONITOR=n  IRCv3 MONITOR with a list of n nicks    undefined when absent; Infinity when "MONITOR" has no value
 *              (https://ircv3.net/specs/extensions/monitor: no value means no limit)
 *   HOSTLEN, USERLEN                                   unknown (undefined)
 *   PREFIX     "(ov)@+": the membership prefixes       "~&@%+" plus "!" and "." when absent, to strip from NAMES;
 *              and the channel modes that set them       "qaohv" when absent (those of "~&@%+")
 *   CHANMODES  "A,B,C,D": which channel modes take     "b,k,l,imnpst" (RFC 2812's modes)
 *              a parameter (A, B always; C when set)
 *   NETWORK    the network's name                      undefined
 */
import { DEFAULT_CHANTYPES, RFC2812_NICKLEN, parseCaseMapping, type CaseMapping } from "./nicks.js";
import { IRC_MAX_LINE_BYTES } from "./line-safety.js";

export interface IrcServerInfo {
  readonly nickLen: number;
  readonly awayLen?: number;
  readonly topicLen?: number;
  readonly lineLen: number;
  readonly caseMapping: CaseMapping;
  readonly chanTypes: string;
  readonly monitor?: number;
  readonly hostLen?: number;
  readonly userLen?: number;
  /** Membership prefix symbols ("@+"), highest first. */
  readonly prefixes: string;
  /** The channel modes that give the membership prefixes ("ov"), in the same order. */
  readonly prefixModes: string;
  /** Channel modes (not prefixes) that take a parameter when set, and those that take one when unset too. */
  readonly paramModes: { readonly whenSet: string; readonly always: string };
  readonly network?: string;
  /** Every token the server announced (a token without value maps to ""). */
  readonly isupport: ReadonlyMap<string, string>;
}

/** The membership prefixes stripped from NAMES entries when the server does not announce PREFIX. */
const DEFAULT_PREFIXES = "~&@%+!.";
const DEFAULT_PREFIX_MODES = "qaohv";
const DEFAULT_CHANMODES = "b,k,l,imnpst";

function unescapeValue(value: string): string {
  return value.replace(/\\x([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Records the tokens of one 005 line in `tokens`. `params` are the reply's parameters: our nick first,
 * the human text last (both skipped).
 */
export function applyIsupport(tokens: Map<string, string>, params: readonly string[]): void {
  for (const token of params.slice(1, -1)) {
    if (token === "") continue;
    if (token.startsWith("-")) {
      tokens.delete(token.slice(1).toUpperCase());
      continue;
    }
    const equals = token.indexOf("=");
    const key = (equals < 0 ? token : token.slice(0, equals)).toUpperCase();
    tokens.set(key, equals < 0 ? "" : unescapeValue(token.slice(equals + 1)));
  }
}

function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^[0-9]+$/.test(value)) return undefined;
  const number = Number(value);
  return number > 0 ? number : undefined;
}

function prefixSymbols(value: string | undefined): string {
  if (value === undefined) return DEFAULT_PREFIXES;
  const match = /^\(([^)]*)\)(.*)$/.exec(value);
  return match?.[2] ?? value;
}

function prefixModeLetters(value: string | undefined): string {
  if (value === undefined) return DEFAULT_PREFIX_MODES;
  return /^\(([^)]*)\)/.exec(value)?.[1] ?? "";
}

/** CHANMODES=A,B,C,D: A (lists) and B take a parameter both ways, C only when set, D never. */
function paramModesFrom(value: string | undefined): { whenSet: string; always: string } {
  const [lists = "", always = "", whenSet = ""] = (value ?? DEFAULT_CHANMODES).split(",");
  return { always: lists + always, whenSet: lists + always + whenSet };
}

/** The server's limits and conventions from its ISUPPORT tokens (see the header for the defaults). */
export function serverInfoFrom(tokens: ReadonlyMap<string, string>): IrcServerInfo {
  const awayLen = positiveInteger(tokens.get("AWAYLEN"));
  const topicLen = positiveInteger(tokens.get("TOPICLEN"));
  const hostLen = positiveInteger(tokens.get("HOSTLEN"));
  const userLen = positiveInteger(tokens.get("USERLEN"));
  const monitorValue = tokens.get("MONITOR");
  const monitor = monitorValue === undefined ? undefined : monitorValue === "" ? Number.POSITIVE_INFINITY : positiveInteger(monitorValue);
  const network = tokens.get("NETWORK");
  const chanTypes = tokens.get("CHANTYPES");
  return {
    nickLen: positiveInteger(tokens.get("NICKLEN")) ?? RFC2812_NICKLEN,
    ...(awayLen === undefined ? {} : { awayLen }),
    ...(topicLen === undefined ? {} : { topicLen }),
    lineLen: positiveInteger(tokens.get("LINELEN")) ?? IRC_MAX_LINE_BYTES,
    caseMapping: parseCaseMapping(tokens.get("CASEMAPPING")),
    chanTypes: chanTypes === undefined || chanTypes === "" ? DEFAULT_CHANTYPES : chanTypes,
    ...(monitor === undefined ? {} : { monitor }),
    ...(hostLen === undefined ? {} : { hostLen }),
    ...(userLen === undefined ? {} : { userLen }),
    prefixes: prefixSymbols(tokens.get("PREFIX")),
    prefixModes: prefixModeLetters(tokens.get("PREFIX")),
    paramModes: paramModesFrom(tokens.get("CHANMODES")),
    ...(network === undefined || network === "" ? {} : { network }),
    isupport: new Map(tokens),
  };
}
