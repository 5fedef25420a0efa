/**
 * Text that every network can carry. A nick, a key or a room's address travels as an XMPP attribute or an IRC
 * parameter, where some characters end the connection rather than the text: XML 1.0 has no C0 controls (but tab
 * and line breaks) nor U+FFFE and U+FFFF, IRC lines end at CR, LF and NUL, and C1 controls, DEL and lone
 * surrogates are no text anywhere (a lone surrogate cannot even be written as UTF-8).
 */

/** True when `text` holds a character no network carries as text (see the header); tab and line breaks included. */
export function hasUnsafeCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
