/**
 * The short quote of an answered message that networks without replies show above the answer, as Matterbridge and
 * the XEP-0461 fallback do: `> name: its first line`, cut to a few words. Pure; counted in code points, so that an
 * emoji is never cut in half. The quote is one line of text: any line break ends the excerpt (a CR too, which IRC
 * would take for a line of its own after the quote), and control characters (IRC colours, NUL) of the excerpt and of
 * the name are dropped, a tab becoming a space.
 */
import type { ReplyTarget } from "./message.js";

/** How much of the answered message's first line a quote keeps, in characters (code points). */
export const REPLY_EXCERPT_LENGTH = 60;

// eslint-disable-next-line no-control-regex
const LINE_BREAK = /\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/u;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/gu;

/** One line of text: a tab as a space, without control characters. */
function oneLine(text: string): string {
  return text.replace(/\t/gu, " ").replace(CONTROL, "");
}

/** The first non-empty line of a body, cut to REPLY_EXCERPT_LENGTH characters with "…" when longer. */
export function replyExcerpt(body: string): string {
  const line = body.split(LINE_BREAK).map(oneLine).find((text) => text.trim().length > 0)?.trim() ?? "";
  const characters = Array.from(line);
  return characters.length <= REPLY_EXCERPT_LENGTH ? line : `${characters.slice(0, REPLY_EXCERPT_LENGTH - 1).join("")}…`;
}

/** `> name: excerpt`, the quote line of a reply, or undefined when the answered message is not known well enough. */
export function replyQuote(reply: ReplyTarget): string | undefined {
  if (reply.senderName === undefined || reply.excerpt === undefined) return undefined;
  return `> ${oneLine(reply.senderName.split(LINE_BREAK).join(" "))}: ${oneLine(reply.excerpt.split(LINE_BREAK).join(" "))}`;
}
