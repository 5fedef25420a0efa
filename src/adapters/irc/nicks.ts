/**
 * Nicks and channel names: case mapping, validity, the nicks of puppets, collision candidates.
 *
 * Case mapping (modern.ircdocs.horse ISUPPORT "CASEMAPPING"; RFC 1459 section 2.2): two names that
 * fold to the same string are the same nick or channel on that server.
 *   ascii           A-Z -> a-z
 *   rfc1459         A-Z -> a-z and [ ] \ ^ -> { } | ~   (the default when a server does not say)
 *   strict-rfc1459  A-Z -> a-z and [ ] \ -> { } |       (^ and ~ are different)
 *   rfc7613         RFC 7613 / RFC 8265 UsernameCaseMapped, approximately: full-width and half-width
 *                   forms mapped to their normal forms, Unicode toLowerCase, then NFC. It does not
 *                   reject what PRECIS disallows: the server does that. "rfc8265" is read as this one.
 *
 * Nick syntax is RFC 2812 section 2.3.1: `nickname = ( letter / special ) *( letter / digit / special / "-" )`,
 * `special = "[" / "]" / "\" / "`" / "_" / "^" / "{" / "|" / "}"`, at most NICKLEN characters (9 in
 * RFC 2812; servers announce their own in ISUPPORT NICKLEN). Servers may accept more (Unicode nicks on
 * some); the gateway only produces and expects this grammar, which every server accepts.
 *
 * Puppet nicks come from a configured template such as "{name}[sb]" or "{name}|{network}": the name is
 * transliterated where that is obvious (NFKD, combining marks removed: "Jürgen" -> "Jurgen"), every
 * other character that a nick cannot hold becomes "_" (a run of them one "_"), a nick that would start
 * with a digit or "-" gets a leading "_", and only the name is shortened to fit NICKLEN, so the suffix
 * that marks a puppet always survives. Collisions (ERR_NICKNAMEINUSE) are resolved by a fixed sequence
 * of candidates: base, base_ , base_2, base_3, ... with the base shortened to keep within NICKLEN.
 *
 * Channel names follow modern.ircdocs.horse "Channels": the first character is one of the server's
 * CHANTYPES ("#&" when it does not say, RFC 2812 section 1.3 also has "+" and "!"), at least one more
 * character follows (RFC 2812 section 2.3.1), and none is a space, a comma, BEL (^G), NUL, CR or LF.
 */
import { GatewayError } from "../../core/errors.js";

export const CASE_MAPPINGS = ["ascii", "rfc1459", "strict-rfc1459", "rfc7613"] as const;
export type CaseMapping = (typeof CASE_MAPPINGS)[number];

/** The case mapping of a server that does not announce one (RFC 1459 section 2.2). */
export const DEFAULT_CASE_MAPPING: CaseMapping = "rfc1459";
/** The nick length of RFC 2812 section 1.2.1, for a server that does not announce NICKLEN. */
export const RFC2812_NICKLEN = 9;
export const DEFAULT_CHANTYPES = "#&";

export interface NickOptions {
  /** The server's NICKLEN; RFC2812_NICKLEN by default. */
  readonly nickLen?: number;
}

export interface NickTemplateValues {
  readonly name: string;
  readonly network?: string;
}

const NICK = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]*$/;
const NICK_CHAR = /^[A-Za-z0-9[\]\\`_^{|}-]$/;
const FIRST_NICK_CHAR = /^[A-Za-z[\]\\`_^{|}]$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;
const PLACEHOLDERS: ReadonlySet<string> = new Set(["name", "network"]);
// eslint-disable-next-line no-control-regex
const CHANNEL_FORBIDDEN = /[ ,\u0007\u0000\r\n]/;
const WIDTH_FORMS = /[\uFF01-\uFFEE]/g;

function isCaseMapping(value: string): value is CaseMapping {
  return (CASE_MAPPINGS as readonly string[]).includes(value);
}

/** The case mapping of an ISUPPORT CASEMAPPING value: the default when absent or unknown. */
export function parseCaseMapping(value: string | undefined): CaseMapping {
  const mapping = value?.trim().toLowerCase() ?? "";
  if (mapping === "rfc8265") return "rfc7613";
  return isCaseMapping(mapping) ? mapping : DEFAULT_CASE_MAPPING;
}

function foldAsciiRange(text: string, last: number): string {
  let out = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += char.length === 1 && code >= 0x41 && code <= last ? String.fromCharCode(code + 0x20) : char;
  }
  return out;
}

/** `text` folded by the server's case mapping (see the header): equal folds mean the same name. */
export function foldCase(text: string, mapping: CaseMapping = DEFAULT_CASE_MAPPING): string {
  switch (mapping) {
    case "ascii":
      return foldAsciiRange(text, 0x5a);
    case "rfc1459":
      return foldAsciiRange(text, 0x5e);
    case "strict-rfc1459":
      return foldAsciiRange(text, 0x5d);
    case "rfc7613":
      return text.replace(WIDTH_FORMS, (char) => char.normalize("NFKC")).toLowerCase().normalize("NFC");
  }
}

/** True when `a` and `b` name the same nick or channel under `mapping`. */
export function sameName(a: string, b: string, mapping: CaseMapping = DEFAULT_CASE_MAPPING): boolean {
  return foldCase(a, mapping) === foldCase(b, mapping);
}

function nickLenOf(options: NickOptions): number {
  const nickLen = options.nickLen ?? RFC2812_NICKLEN;
  if (!Number.isInteger(nickLen) || nickLen < 1) throw new GatewayError("GW_ERR_INTERNAL", `NICKLEN must be a positive integer, not ${nickLen}`);
  return nickLen;
}

/** True when `nick` is a nick by RFC 2812 section 2.3.1 of at most NICKLEN characters. */
export function isValidNick(nick: string, options: NickOptions = {}): boolean {
  return nick.length >= 1 && nick.length <= nickLenOf(options) && NICK.test(nick);
}

/** `text` reduced to nick characters: transliterated where obvious, any other run of characters "_". */
function toNickChars(text: string): string {
  let out = "";
  let replacing = false;
  for (const char of text.normalize("NFKD").replace(/\p{M}/gu, "")) {
    if (NICK_CHAR.test(char)) {
      out += char;
      replacing = false;
    } else if (!replacing) {
      out += "_";
      replacing = true;
    }
  }
  return out;
}

/** Why `template` cannot make nicks, or undefined when it can (for config validation). */
export function nickTemplateProblem(template: string): string | undefined {
  const names = [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? "");
  const unknown = names.find((name) => !PLACEHOLDERS.has(name));
  if (unknown !== undefined) return `the nick template "${template}" has an unknown placeholder {${unknown}} (known: {name}, {network})`;
  if (names.filter((name) => name === "name").length !== 1) return `the nick template "${template}" must contain {name} exactly once`;
  const literal = template.replace(PLACEHOLDER, "");
  const bad = [...literal].find((char) => !NICK_CHAR.test(char));
  if (bad !== undefined) return `the nick template "${template}" contains "${bad}", which a nick cannot contain`;
  return undefined;
}

/**
 * A puppet's nick from a template such as "{name}[sb]" (see the header). Throws GW_ERR_CONFIG when the
 * template is not usable (nickTemplateProblem) or leaves no room for the name within NICKLEN.
 */
export function nickFromTemplate(template: string, values: NickTemplateValues, options: NickOptions = {}): string {
  const nickLen = nickLenOf(options);
  const problem = nickTemplateProblem(template);
  if (problem !== undefined) throw new GatewayError("GW_ERR_CONFIG", problem);
  const name = toNickChars(values.name) || "_";
  const network = values.network === undefined ? "" : toNickChars(values.network);
  const fill = (nameText: string): string => template.replace(PLACEHOLDER, (_match, key: string) => (key === "name" ? nameText : network));
  const prefix = FIRST_NICK_CHAR.test(fill(name).charAt(0)) ? "" : "_";
  const room = nickLen - prefix.length - fill("").length;
  if (room < 1) {
    throw new GatewayError("GW_ERR_CONFIG", `the nick template "${template}" leaves no room for the name within NICKLEN ${nickLen}`);
  }
  return prefix + fill(name.slice(0, room));
}

/**
 * The nicks a person's puppet may be given, best first (core/name-claims.ts gives the first nobody else has): the
 * template's, then the template's with 2, 3, ... after the name (bob2[sb]), the name shortened so that the number
 * stays whole within NICKLEN. Each keeps the template's shape, so that puppets are still known by it.
 */
export function* puppetNickCandidates(template: string, values: NickTemplateValues, options: NickOptions = {}, most = 999): Generator<string> {
  yield nickFromTemplate(template, values, options);
  for (let number = 2; number <= most; number++) {
    const suffix = String(number);
    for (let kept = values.name.length; kept >= 1; kept--) {
      const name = values.name.slice(0, kept) + suffix;
      const nick = nickFromTemplate(template, { ...values, name }, options);
      if (nick === nickFromTemplate(template, { ...values, name }, { nickLen: 1024 })) {
        yield nick;
        break;
      }
    }
  }
}

/**
 * The nick to try at `attempt` (0, 1, 2, ...) after collisions: base, then base + "_", base + "_2",
 * base + "_3", ..., the base shortened so that each fits `nickLen`. The same inputs always give the
 * same candidate, and candidates of different attempts differ. Throws GW_ERR_NICK_IN_USE when the
 * suffix leaves no room for even one character of the base.
 */
export function nextNickCandidate(base: string, attempt: number, nickLen: number = RFC2812_NICKLEN): string {
  const length = nickLenOf({ nickLen });
  if (!Number.isInteger(attempt) || attempt < 0) throw new GatewayError("GW_ERR_INTERNAL", `a nick attempt is a non-negative integer, not ${attempt}`);
  if (attempt === 0) return base.slice(0, length);
  const suffix = attempt === 1 ? "_" : `_${attempt}`;
  const room = length - suffix.length;
  if (room < 1) throw new GatewayError("GW_ERR_NICK_IN_USE", `no nick is left to try for "${base}" within NICKLEN ${length}`);
  return base.slice(0, room) + suffix;
}

/**
 * True when `name` is a channel name on a server with these CHANTYPES (see the header); `channelLen`
 * is the server's CHANNELLEN in bytes, unchecked when absent.
 */
export function isChannelName(name: string, chantypes: string = DEFAULT_CHANTYPES, channelLen?: number): boolean {
  if (name.length < 2 || !chantypes.includes(name.charAt(0))) return false;
  if (CHANNEL_FORBIDDEN.test(name)) return false;
  return channelLen === undefined || Buffer.byteLength(name, "utf8") <= channelLen;
}
