/**
 * The short quote of an answered message that networks without replies show above the answer, as Matterbridge and
 * the XEP-0461 fallback do: `> name: its first line`, cut to a few words. Pure; counted in code points, so that an
 * emoji is never cut in half.
 */
import type { ReplyTarget } from "./message.js";

/** How much of the answered message's first line a quote keeps, in characters (code points). */
export const REPLY_EXCERPT_LENGTH = 60;

/** The first non-empty line of a body, cut to REPLY_EXCERPT_LENGTH characters with "…" when longer. */
export function replyExcerpt(body: string): string {
  const line = body.split("\n").find((text) => text.trim().length > 0)?.trim() ?? "";
  const characters = Array.from(line);
  return characters.length <= REPLY_EXCERPT_LENGTH ? line : `${characters.slice(0, REPLY_EXCERPT_LENGTH - 1).join("")}…`;
}

/** `> name: excerpt`, the quote line of a reply, or undefined when the answered message is not known well enough. */
export function replyQuote(reply: ReplyTarget): string | undefined {
  if (reply.senderName === undefined || reply.excerpt === undefined) return undefined;
  return `> ${reply.senderName}: ${reply.excerpt}`;
}
