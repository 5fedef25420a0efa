/**
 * Formatting codes out of IRC text, so that no control byte reaches another network (XML 1.0 cannot
 * even carry most of them: an XMPP server would close the stream).
 *
 * Implements modern.ircdocs.horse/formatting ("Characters" and "Colors"):
 *   \x02 bold, \x1D italics, \x1F underline, \x1E strikethrough, \x11 monospace, \x16 reverse,
 *   \x0F reset: one character each, removed;
 *   \x03 colour: followed by a foreground of one or two ASCII digits and, only when a foreground was
 *        given, by "," and a background of one or two digits. The longest such form is removed:
 *        "\x0312,345" leaves "5" (two digits at most), "\x031," leaves "," (a comma with no digit after
 *        it is text), "\x03,5" leaves ",5" (a background without a foreground is not a colour code: the
 *        \x03 alone resets the colour, as mIRC reads it), "\x03" alone is a colour reset;
 *   \x04 hex colour: followed by exactly six hex digits (RRGGBB) and optionally "," and six more;
 *        fewer than six digits are text ("\x04ABC" leaves "ABC"), "\x04" alone resets.
 * Then every remaining C0 control (U+0000-001F, which also covers CTCP's \x01 and the legacy reverse
 * \x12), DEL (U+007F) and C1 control (U+0080-009F, which UTF-8 senders can still encode) is removed,
 * except tab, which becomes a space. CTCP must therefore be decoded (ctcp.ts) before stripping.
 */

/** The formatting characters of modern.ircdocs.horse/formatting. */
export const FORMATTING_CODES = Object.freeze({
  bold: "\x02",
  italics: "\x1D",
  underline: "\x1F",
  strikethrough: "\x1E",
  monospace: "\x11",
  reverse: "\x16",
  reset: "\x0F",
  colour: "\x03",
  hexColour: "\x04",
});

// eslint-disable-next-line no-control-regex
const CODES = /\x03(?:[0-9]{1,2}(?:,[0-9]{1,2})?)?|\x04(?:[0-9A-Fa-f]{6}(?:,[0-9A-Fa-f]{6})?)?|[\x02\x0F\x11\x16\x1D\x1E\x1F]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/g;

/** `text` without IRC formatting and without control characters (tab becomes a space); see the header. */
export function stripFormatting(text: string): string {
  return text.replace(CODES, "").replace(/\t/g, " ").replace(CONTROLS, "");
}
