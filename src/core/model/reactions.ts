/**
 * Reactions to a message ("👍" under a line, XEP-0444 and the like): a reaction message carries its sender's whole
 * current set for one earlier message (`Message.reactions`), an empty set taking hers away. XEP-0444 section 4 says
 * each reaction is one emoji: here one grapheme cluster (a flag, a skin tone, a family joined by ZWJ are one) with a
 * pictographic character in it, at most MAX_REACTION_LENGTH UTF-16 units, so that a "reaction" cannot smuggle a line
 * of text to networks that show it as text (IRC's fallback line). Pure.
 */
import { hasUnsafeCharacters } from "./text.js";
import { replyExcerpt } from "./reply-quote.js";
import type { Message, ReplyTarget } from "./message.js";

/** The most reactions one sender keeps on one message. */
export const MAX_REACTIONS = 20;
/** The longest reaction in UTF-16 units: the longest ZWJ sequences in use (families with skin tones) fit. */
export const MAX_REACTION_LENGTH = 32;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
// Extended_Pictographic covers the emoji of Unicode's lists; regional indicators make flags, U+20E3 keycaps ("1️⃣").
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

/** Whether `text` is one reaction: one emoji grapheme cluster (see the header). */
export function isReaction(text: string): boolean {
  if (text.length === 0 || text.length > MAX_REACTION_LENGTH || hasUnsafeCharacters(text) || !EMOJI.test(text)) return false;
  let count = 0;
  for (const _segment of graphemes.segment(text)) if (++count > 1) return false;
  return true;
}

/** What is wrong with a set of reactions a client asks for, or undefined when nothing is. */
export function reactionsProblem(reactions: readonly string[]): string | undefined {
  if (reactions.length > MAX_REACTIONS) return `at most ${MAX_REACTIONS} reactions to one message`;
  const bad = reactions.find((reaction) => !isReaction(reaction));
  return bad === undefined ? undefined : `a reaction is one emoji: ${JSON.stringify(bad.slice(0, MAX_REACTION_LENGTH))} is not one`;
}

/** The reactions of a set that are reactions, each once, in their order, at most MAX_REACTIONS (a network's set). */
export function validReactions(reactions: readonly string[]): string[] {
  return [...new Set(reactions.filter(isReaction))].slice(0, MAX_REACTIONS);
}

/** The reactions of `now` that `before` lacks: what the sender just added. */
export function addedReactions(before: readonly string[], now: readonly string[]): string[] {
  return now.filter((reaction) => !before.includes(reaction));
}

/**
 * The words a network without reactions (IRC) shows as the sender's action: `reacted 👍 to bob: "first words…"`.
 * Undefined when nothing was added (a removal is not shown). The quote is the reacted message's first line, cut as a
 * reply's quote is (reply-quote.ts); without it (not known well enough) only the name, or nothing after "reacted 👍".
 */
export function reactionFallback(added: readonly string[], target: ReplyTarget): string | undefined {
  if (added.length === 0) return undefined;
  const name = target.senderName?.replace(/[\p{Cc}\s]+/gu, " ").trim() ?? "";
  const excerpt = target.excerpt === undefined ? "" : replyExcerpt(target.excerpt);
  const said = excerpt === "" ? "" : `"${excerpt}"`;
  const emoji = added.join(" ");
  if (name !== "") return `reacted ${emoji} to ${name}${said === "" ? "" : `: ${said}`}`;
  return `reacted ${emoji}${said === "" ? "" : ` to ${said}`}`;
}

/**
 * A reaction as a network without reactions says it: the sender's action line of what it adds (reactionFallback), the
 * reaction's own fields gone; undefined for a message that is no reaction, or a reaction that adds nothing.
 */
export function reactionAsAction(message: Message): Message | undefined {
  const target = message.reactsTo;
  const text = target === undefined ? undefined : reactionFallback(target.added ?? message.reactions ?? [], target);
  if (text === undefined) return undefined;
  const { reactsTo: _target, reactions: _set, ...plain } = message;
  return { ...plain, kind: "action", body: text };
}
