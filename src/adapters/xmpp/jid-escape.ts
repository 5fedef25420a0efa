/**
 * XEP-0106 (JID Escaping) for localparts, version 1.1.1.
 *
 * Escaping (section 3.2): the nine characters RFC 7622 disallows in a localpart, space " & ' / : < > @,
 * become `\` + two lowercase hex digits (`\20`, `\22`, `\26`, `\27`, `\2f`, `\3a`, `\3c`, `\3e`, `\40`).
 * A backslash is escaped as `\5c` only where it starts one of the ten escape sequences (the nine above
 * and `\5c` itself), as section 4.1 rule 7 and section 4.2 step 3 require; any other backslash is a
 * legal localpart character and stays as it is (section 4.3: `foo\bar` is not modified).
 * Unescaping (section 3.3) is one left-to-right pass that decodes exactly those ten lowercase
 * sequences; partial or unknown sequences (`\2`, `\41`, `\5C`) stay as they are.
 * So unescapeLocal(escapeLocal(s)) === s for every string escapeLocal accepts.
 *
 * What is rejected with GW_ERR_BAD_ADDRESS, because no escaping can make it a valid localpart
 * (the prohibited tables of Nodeprep, RFC 3454 appendix C, which deployed servers still apply, plus
 * the characters Nodeprep silently maps to nothing (table B.1), since a server would then change
 * the JID under us and replies would not find their way back):
 *   - the empty string, and a localpart over 1023 bytes of UTF-8 once escaped (RFC 7622 section 3.3);
 *   - a leading or trailing space: `\20` must not be the first or last sequence (section 4.1 rule 6);
 *   - control characters (U+0000-001F, U+007F-009F) and spaces other than U+0020 (U+00A0, U+1680,
 *     U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000);
 *   - characters mapped to nothing: soft hyphen U+00AD, U+034F, U+1806, U+180B-180D, zero-width
 *     space/joiners U+200B-200D, U+2060, variation selectors U+FE00-FE0F, U+FEFF;
 *   - direction and deprecated format controls (U+0340, U+0341, U+200E, U+200F, U+202A-202E, U+206A-206F),
 *     U+FFF9-FFFD, U+2FF0-2FFB, tag characters (U+E0001, U+E0020-E007F);
 *   - private-use code points, noncharacters (U+FDD0-FDEF and U+xFFFE/U+xFFFF) and lone surrogates.
 * Everything else, including letters of any script, symbols and single-code-point emoji, is kept.
 * Emoji sequences that need U+200D or U+FE0F are therefore rejected. Unassigned code points are not
 * checked (that needs Unicode tables by version). Case is not touched: see addressing.ts.
 */
import { GatewayError } from "../../core/errors.js";

/** The maximum size of a localpart, in bytes of UTF-8 (RFC 7622 section 3.3). */
export const MAX_LOCALPART_BYTES = 1023;

const ESCAPES: ReadonlyMap<string, string> = new Map([
  [" ", "\\20"],
  ['"', "\\22"],
  ["&", "\\26"],
  ["'", "\\27"],
  ["/", "\\2f"],
  [":", "\\3a"],
  ["<", "\\3c"],
  [">", "\\3e"],
  ["@", "\\40"],
  ["\\", "\\5c"],
]);

/** The two hex digits after a backslash that make an escape sequence, mapped to the character. */
const UNESCAPES: ReadonlyMap<string, string> = new Map([...ESCAPES].map(([char, sequence]) => [sequence.slice(1), char]));

/** The characters a localpart may not contain unescaped (RFC 7622 section 3.3.1), space included. */
const DISALLOWED = /[ "&'/:<>@]/;

function isForbiddenCodePoint(cp: number): boolean {
  return (
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) ||
    // spaces other than U+0020
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000 ||
    // mapped to nothing by Nodeprep (RFC 3454 table B.1)
    cp === 0xad ||
    cp === 0x34f ||
    cp === 0x1806 ||
    (cp >= 0x180b && cp <= 0x180d) ||
    (cp >= 0x200b && cp <= 0x200d) ||
    cp === 0x2060 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff ||
    // display and format controls (C.8), not plain text (C.6), ideographic description (C.7), tags (C.9)
    cp === 0x340 ||
    cp === 0x341 ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x206a && cp <= 0x206f) ||
    (cp >= 0xfff9 && cp <= 0xfffd) ||
    (cp >= 0x2ff0 && cp <= 0x2ffb) ||
    cp === 0xe0001 ||
    (cp >= 0xe0020 && cp <= 0xe007f) ||
    // private use (C.3), noncharacters (C.4), surrogates (C.5)
    (cp >= 0xe000 && cp <= 0xf8ff) ||
    cp >= 0xf0000 ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe ||
    (cp >= 0xd800 && cp <= 0xdfff)
  );
}

function describe(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Throws GW_ERR_BAD_ADDRESS when `text` holds a code point no localpart may hold, escaped or not. */
function rejectForbidden(text: string, what: string): void {
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0;
    if (isForbiddenCodePoint(cp)) {
      throw new GatewayError("GW_ERR_BAD_ADDRESS", `${what} contains ${describe(cp)}, which no JID localpart may contain`);
    }
  }
}

function rejectOverLong(escaped: string, what: string): void {
  if (Buffer.byteLength(escaped, "utf8") > MAX_LOCALPART_BYTES) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${what} is longer than ${MAX_LOCALPART_BYTES} bytes once escaped`);
  }
}

/** Escapes a name (an IRC nick, a channel, a user name) into a JID localpart; throws GW_ERR_BAD_ADDRESS (see the header). */
export function escapeLocal(name: string): string {
  const what = `"${name}"`;
  if (name.length === 0) throw new GatewayError("GW_ERR_BAD_ADDRESS", "an empty name has no JID localpart");
  if (name.startsWith(" ") || name.endsWith(" ")) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${what} starts or ends with a space, which XEP-0106 cannot escape`);
  }
  rejectForbidden(name, what);
  let out = "";
  for (let i = 0; i < name.length; i++) {
    const char = name.charAt(i);
    if (char === "\\") out += UNESCAPES.has(name.slice(i + 1, i + 3)) ? "\\5c" : "\\";
    else out += ESCAPES.get(char) ?? char;
  }
  rejectOverLong(out, what);
  return out;
}

/**
 * Checks that `local` is a well-formed escaped localpart (as found in a JID on the wire): not empty,
 * at most 1023 bytes, no unescaped disallowed character, no forbidden code point, no leading or
 * trailing `\20`. Throws GW_ERR_BAD_ADDRESS otherwise.
 */
export function validateEscapedLocal(local: string): void {
  const what = `localpart "${local}"`;
  if (local.length === 0) throw new GatewayError("GW_ERR_BAD_ADDRESS", "a JID localpart must not be empty");
  rejectOverLong(local, what);
  const raw = DISALLOWED.exec(local);
  if (raw) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${what} contains "${raw[0]}", which must be escaped (XEP-0106)`);
  rejectForbidden(local, what);
  if (local.startsWith("\\20") || local.endsWith("\\20")) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `${what} starts or ends with \\20, which XEP-0106 forbids`);
  }
}

/** Unescapes a JID localpart (section 3.3), after validateEscapedLocal; throws GW_ERR_BAD_ADDRESS. */
export function unescapeLocal(local: string): string {
  validateEscapedLocal(local);
  let out = "";
  for (let i = 0; i < local.length; i++) {
    const char = local.charAt(i);
    const decoded = char === "\\" ? UNESCAPES.get(local.slice(i + 1, i + 3)) : undefined;
    if (decoded === undefined) {
      out += char;
    } else {
      out += decoded;
      i += 2;
    }
  }
  return out;
}

/**
 * True when `local` is exactly what escapeLocal produces for its unescaped form. Two escaped forms
 * can unescape to the same name (`\5cyy` and `\yy` both mean `\yy`); only the canonical one is
 * accepted by addressing.ts, so that a name and its JID correspond one to one.
 */
export function isCanonicalLocal(local: string): boolean {
  try {
    return escapeLocal(unescapeLocal(local)) === local;
  } catch {
    return false;
  }
}
