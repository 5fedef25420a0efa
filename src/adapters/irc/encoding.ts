/**
 * Character encodings of inbound IRC lines.
 *
 * IRC lines are bytes (RFC 2812 section 2.2 names no character set; modern.ircdocs.horse "Character
 * encodings" recommends UTF-8 and says software should fall back to another encoding when a line is not
 * valid UTF-8; IRCv3 UTF8ONLY announces a network that enforces it). So a line is decoded as UTF-8 when
 * it is valid UTF-8 (a fatal TextDecoder decides: no replacement characters can sneak in) and otherwise
 * with the network's configured fallback, decided per line, since one channel mixes clients of both.
 *
 * The fallback is any label of the WHATWG Encoding Standard that Node's TextDecoder knows (full ICU in
 * Node 20: windows-1252, iso-8859-15, koi8-r, shift_jis, gb18030, ...) and that keeps ASCII as ASCII,
 * since the command, the prefix and the separators of a line must survive: UTF-16 fails that test and
 * is refused. Per the Encoding Standard, "latin1" and "iso-8859-1" are labels of windows-1252.
 * A fallback of "utf-8" means: decode invalid UTF-8 with U+FFFD replacement characters.
 *
 * Node 20.18.3 and later 20.x decode windows-1252 as ISO-8859-1 (nodejs/node#56542, #60888): bytes
 * 0x80-0x9F come out as C1 controls instead of "€", "‚", "’", "™" and the rest. Since that is the most
 * common fallback on IRC, those 32 code points are mapped here by the Encoding Standard's
 * index-windows-1252; on a Node that decodes correctly the mapping finds nothing to change.
 */
import { TextDecoder } from "node:util";
import { GatewayError } from "../../core/errors.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** index-windows-1252 of the Encoding Standard for bytes 0x80-0x9F (five of them map to themselves). */
const WINDOWS_1252_HIGH =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";
const decoders = new Map<string, TextDecoder>();

/** Printable ASCII, tab, CR and LF: what every line needs to read the same in any usable encoding. */
const ASCII_PROBE = Uint8Array.from([0x09, 0x0a, 0x0d, ...Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i)]);
const ASCII_TEXT = String.fromCharCode(...ASCII_PROBE);

function tryDecoder(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label.trim());
  } catch {
    return undefined;
  }
}

function usableDecoder(label: string): TextDecoder | undefined {
  const key = label.trim().toLowerCase();
  const cached = decoders.get(key);
  if (cached !== undefined) return cached;
  const decoder = tryDecoder(key);
  if (decoder === undefined || decoder.decode(ASCII_PROBE) !== ASCII_TEXT) return undefined;
  decoders.set(key, decoder);
  return decoder;
}

/** True when `label` can be a network's fallback encoding (see the header). */
export function isSupportedEncoding(label: string): boolean {
  return usableDecoder(label) !== undefined;
}

/** The Encoding Standard's name for a usable label ("latin1" -> "windows-1252"), undefined otherwise. */
export function canonicalEncoding(label: string): string | undefined {
  return usableDecoder(label)?.encoding;
}

/** True when `bytes` are valid UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The text of one raw line: UTF-8 when the bytes are valid UTF-8, else decoded with `fallback`.
 * Throws GW_ERR_CONFIG when `fallback` is not usable (validate it with isSupportedEncoding first).
 */
export function decodeIrcBytes(bytes: Uint8Array, fallback: string): string {
  const decoder = usableDecoder(fallback);
  if (decoder === undefined) throw new GatewayError("GW_ERR_CONFIG", `"${fallback}" is not a usable IRC fallback encoding`);
  try {
    return utf8.decode(bytes);
  } catch {
    const text = decoder.decode(bytes);
    return decoder.encoding === "windows-1252" ? text.replace(/[\u0080-\u009F]/g, (char) => WINDOWS_1252_HIGH.charAt(char.charCodeAt(0) - 0x80)) : text;
  }
}
